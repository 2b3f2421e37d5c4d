"""Figures measured in this process or by the project's own commands: queries per page,
EXPLAIN ANALYZE, verify_audit and the letters benchmark."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from bench.measure.sessions import Page, Plan
from bench.measure.targets import (
    ROOT,
)

# --- In-process figures: queries per page, EXPLAIN ANALYZE ---------------------------------------------


def queries_per_page(plan_: Plan, deep_path: str | None) -> dict[str, int]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in plan_.pages + ([Page("audit_deep", "", deep_path, plan_.po_cookie)] if deep_path else []):
        if page.method != "GET" or not page.cookie:
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        for part in page.cookie.split("; "):
            name, value = part.split("=", 1)
            client.cookies[name] = value
        cache.clear()  # the worst case: nothing counted yet
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)
        counts[page.key] = (len(ctx.captured_queries), response.status_code)
    return counts


def explain(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def explains(plan_: Plan) -> dict[str, tuple[str, str, float]]:
    """(sql, plan, ms) of the audit browser's filtered query and the dashboard's slowest."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ikc_share.models import Organisation

    out: dict[str, tuple[str, str, float]] = {}
    try:
        from accountability import audit_browser as acc
        from accountability.dashboard import dashboard
    except ImportError:
        return out
    org = Organisation.objects.get(pk=plan_.bench_org)
    user = get_user_model().objects.get(pk=plan_.users["privacy_officer"].pk)
    query = acc.AuditQuery(child_id=plan_.audit_child)
    qs = acc.audit_events(organisation=org, query=query).order_by("-id")[: acc.PAGE_SIZE + 1]
    sql, params = qs.query.sql_with_params()
    started = time.perf_counter()
    list(qs)
    out["audit_filtered"] = (
        sql % tuple(repr(p) for p in params),
        explain(sql, params),
        (time.perf_counter() - started) * 1000,
    )
    cache.clear()  # the full count, as on the first view after a change (later views reuse it)
    with CaptureQueriesContext(connection) as ctx:
        dashboard(organisation=org, user=user)
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    raw = slowest["sql"]
    out["dashboard"] = (raw, explain(raw, None), float(slowest["time"]) * 1000)
    out["dashboard_total"] = ("", "", sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    out["dashboard_queries"] = ("", "", len(ctx.captured_queries))
    return out


# --- Other commands --------------------------------------------------------------------------------


def verify_audit() -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "verify_audit"], capture_output=True, text=True, cwd=ROOT
    )
    elapsed = time.perf_counter() - started
    match = re.search(r"Checked (\d+) events in (\d+) chains in ([\d.]+)s", proc.stdout)
    events = int(match.group(1)) if match else 0
    inner = float(match.group(3)) if match else elapsed
    return {
        "ok": proc.returncode == 0,
        "events": events,
        "chains": int(match.group(2)) if match else 0,
        "seconds": inner,
        "wall_s": elapsed,
        "events_per_s": events / inner if inner else 0,
        "output": (proc.stdout + proc.stderr).strip(),
    }


def letters(count: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PRIVATE_MEDIA_ROOT")}
    env.setdefault("DEBUG", "1")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_letters.py"), "--letters", str(count)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    out = proc.stdout + (proc.stderr if proc.returncode else "")
    figures: dict = {"ok": proc.returncode == 0, "output": out.strip()}
    generic = re.search(r"generic letter[^:]*: render (\d+) ms mean", out)
    batch = re.search(r"personalised batch: (\d+) letters in ([\d.]+)s", out)
    minimal = re.search(r"minimal one-page WeasyPrint: (\d+) renders in ([\d.]+)s", out)
    ratio = re.search(r"ratio batch / minimal: ([\d.]+)x wall(?:, ([\d.]+)x CPU)?", out)
    if generic:
        figures["generic_ms"] = int(generic.group(1))
    if batch:
        figures["batch_s"] = float(batch.group(2))
        figures["letters"] = int(batch.group(1))
    if minimal:
        figures["minimal_s"] = float(minimal.group(2))
    if batch and minimal:
        figures["ratio"] = figures["batch_s"] / figures["minimal_s"]
    if ratio and ratio.group(2):
        figures["ratio_cpu"] = float(ratio.group(2))
    return figures
