"""The scale benchmark's measurements (started by bench/run, which starts gunicorn first).

    bench/run            # = make bench; seeds the scale database first if it is empty

Against gunicorn on the seeded PostgreSQL database it measures, in one run and at the same
concurrency, each page's throughput and mean/p50/p95/p99 latency with wrk, and their ratio
to the trivial view (/healthz) measured in the same run; then the streamed CSV export of
the audit trail (rows/s, the gunicorn worker's RSS), `verify_audit` (events/s), the letters
(bench/bench_letters.py, called as it is), the number of queries of each page at full
scale, and the EXPLAIN ANALYZE of the audit browser's filtered query and the dashboard's
heaviest query. It writes bench/results.md.

Sessions are created directly in the session table (no login form, no second factor: the
benchmark's gunicorn runs with OTP_REQUIRED_FOR_ROLES empty).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WRK = ROOT / "bench" / "wrk"
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results.md"

TARGET_RATIO = 3.0  # parent portal page and consent submission: mean latency ≤ 3× the trivial view
TARGET_P95_MS = 150.0  # dashboard and filtered audit search at concurrency 8
TARGET_CSV_ROWS = 150_000  # rows/s over HTTP
TARGET_CSV_RSS_MB = 100.0
TARGET_VERIFY = 200_000  # events/s
TARGET_LETTERS = 1.5  # 500 personalised letters / 500 minimal pages
DEEP_PAGES = 500


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikc_share.settings")
    import django

    django.setup()


# --- Sessions and targets ---------------------------------------------------------------------------


def session_cookie(user, csrf: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.save()
    return f"sessionid={store.session_key}; csrftoken={csrf}"


@dataclass
class Page:
    key: str
    label: str
    path: str
    cookie: str = ""
    script: str = "get.lua"
    env: dict = field(default_factory=dict)
    method: str = "GET"
    note: str = ""


@dataclass
class Plan:
    pages: list[Page]
    consent_file: Path | None
    bench_org: int
    receiver_org: int
    po_cookie: str
    audit_child: int
    skipped: list[str]
    users: dict


def plan(consent_parents: int) -> Plan:
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch, reverse

    from agreements.letters.models import Letter
    from agreements.models import AgreementVersion
    from bench.scale.seed import BENCH_USERNAMES
    from ikc_share.models import AuditEvent, Child, Guardianship, Membership

    user_model = get_user_model()
    users = {role: user_model.objects.filter(username=name).first() for role, name in BENCH_USERNAMES.items()}
    missing = [BENCH_USERNAMES[r] for r, u in users.items() if u is None]
    if missing:
        raise SystemExit(f"The benchmark users are missing ({', '.join(missing)}): run manage.py seed_scale first.")
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as the form token
    cookies = {role: session_cookie(u, csrf) for role, u in users.items()}
    bench_org = Membership.objects.get(user=users["director"]).organisation_id
    receiver_org = Membership.objects.get(user=users["receiver"]).organisation_id
    skipped: list[str] = []

    def url(name: str, **kwargs) -> str | None:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            skipped.append(name)
            return None

    # A child at the staff member's location (daycare) that has consent decisions and transfers.
    staff_child = (
        Child.objects.filter(location__memberships__user=users["staff"], transfers__isnull=False)
        .exclude(guardianships__guardian__user=users["parent"])
        .order_by("pk")
        .first()
    )
    # The child with the most events in the bench organisation's trail (a real filter).
    audit_child = (
        AuditEvent.objects.filter(organisation_id=bench_org, child_ref__isnull=False, action="child.viewed")
        .values_list("child_ref", flat=True)
        .order_by("child_ref")
        .first()
    )
    pages = [
        Page("healthz", "trivial view /healthz (anonymous)", "/healthz"),
        Page("healthz_session", "trivial view /healthz with a parent's session cookie", "/healthz", cookies["parent"]),
        Page("portal", "parent portal (start page)", url("consent:portal-home"), cookies["parent"]),
    ]
    # Consent submissions: each POST by another parent of the bench organisation, alternating yes / no.
    version = (
        AgreementVersion.objects.filter(agreement__sending_organisation_id=bench_org, status="active")
        .order_by("pk")
        .first()
    )
    letter = Letter.objects.filter(version=version, language="nl", guardian__isnull=True, is_draft=False).first()
    consent_file = None
    if version is not None and letter is not None:
        ships = (
            Guardianship.objects.filter(
                child__organisation_id=bench_org,
                guardian__organisation_id=bench_org,
                guardian__user__isnull=False,
                has_parental_authority=True,
            )
            .exclude(guardian__user=users["parent"])
            .exclude(child=staff_child)
            .select_related("guardian__user")
            .order_by("child_id", "pk")[:consent_parents]
        )
        lines = []
        for ship in ships:
            cookie = session_cookie(ship.guardian.user, csrf)
            path = reverse("consent:portal-decide", kwargs={"child_pk": ship.child_id, "version_pk": version.pk})
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "letter": letter.pk})
            lines.append(f"{cookie}\t{path}\t{body}")
        OUT.mkdir(parents=True, exist_ok=True)
        consent_file = OUT / "consent_entries.tsv"
        consent_file.write_text("\n".join(lines) + "\n")
        pages.append(
            Page(
                "consent",
                f"consent submission (POST with CSRF; {len(lines)} parents, yes/no in turn)",
                lines[0].split("\t")[1],
                script="consent.lua",
                env={"BENCH_CONSENT": str(consent_file)},
                method="POST",
            )
        )
    else:
        skipped.append("consent submission (no active version with a stored generic letter)")
    if staff_child is not None:
        pages.append(
            Page(
                "child",
                "staff child page with its verdicts",
                url("ikc_share:child-detail", pk=staff_child.pk),
                cookies["staff"],
            )
        )
    pages.append(
        Page(
            "inbox",
            "transfer inbox (receiving school)",
            url("transfers:inbox", org_pk=receiver_org),
            cookies["receiver"],
        )
    )
    pages.append(
        Page(
            "dashboard",
            "privacy officer's dashboard",
            url("ikc_share:privacy-dashboard", org_pk=bench_org),
            cookies["privacy_officer"],
        )
    )
    audit = url("ikc_share:organisation-audit", org_pk=bench_org)
    if audit:
        pages += [
            Page(
                "audit_filtered",
                f"audit browser, filtered by child {audit_child}",
                f"{audit}?child={audit_child}",
                cookies["privacy_officer"],
            ),
            Page("audit_first", "audit browser, first page", audit, cookies["privacy_officer"]),
        ]
    pages = [p for p in pages if p.path]
    return Plan(pages, consent_file, bench_org, receiver_org, cookies["privacy_officer"], audit_child, skipped, users)


def deep_cursor(base: str, path: str, cookie: str, pages: int) -> tuple[str, int]:
    """Follow the audit browser's "older" link (keyset cursor ?before=<id>) `pages` times."""
    current = path
    followed = 0
    for _ in range(pages - 1):
        status, body = fetch(base, current, cookie)
        if status != 200:
            raise RuntimeError(f"{current}: HTTP {status}")
        match = re.search(r'href="([^"]*[?&](?:amp;)?before=\d+[^"]*)"', body)
        if not match:
            break
        current = match.group(1).replace("&amp;", "&")
        if not current.startswith("/"):
            current = urllib.parse.urljoin(path, current)
        followed += 1
    return current, followed + 1


# --- HTTP and wrk ---------------------------------------------------------------------------------


def fetch(base: str, path: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def wrk(base: str, page: Page, *, seconds: int, connections: int, threads: int) -> dict:
    env = dict(os.environ, BENCH_COOKIE=page.cookie, **page.env)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK / page.script),
        base + page.path,
    ]
    if page.script == "consent.lua":
        cmd += ["--", str(threads)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    stats = json.loads(line.removeprefix("BENCH_JSON "))
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    if not stats["requests"]:  # nothing finished within the run: count the whole run as the latency
        for key in ("mean_us", "p50_us", "p95_us", "p99_us", "max_us"):
            stats[key] = stats["duration_us"]
    return stats


# --- Server process memory ---------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def proc_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


class RssSampler(threading.Thread):
    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0)
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for pid in self.pids:
                try:
                    self.peak[pid] = max(self.peak[pid], proc_kb(pid, "VmRSS"))
                except FileNotFoundError:
                    pass
            time.sleep(0.02)


def csv_export(base: str, path: str, cookie: str, master: int) -> dict:
    pids = worker_pids(master)
    before = {pid: proc_kb(pid, "VmRSS") for pid in pids}
    sampler = RssSampler(pids)
    sampler.start()
    parsed = urllib.parse.urlsplit(base)
    conn = HTTPConnection(parsed.hostname, parsed.port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    first_byte = time.perf_counter() - started
    size = newlines = 0
    while chunk := response.read(1 << 16):
        size += len(chunk)
        newlines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    conn.close()
    rows = max(0, newlines - 1)  # header line; payloads are JSON without raw newlines
    busy = max(sampler.peak, key=lambda pid: sampler.peak[pid] - before[pid])
    return {
        "status": response.status,
        "rows": rows,
        "bytes": size,
        "seconds": elapsed,
        "first_byte_s": first_byte,
        "rows_per_s": rows / elapsed if elapsed else 0,
        "rss_before_mb": before[busy] / 1024,
        "rss_peak_mb": sampler.peak[busy] / 1024,
        "hwm_mb": proc_kb(busy, "VmHWM") / 1024,
        "all_workers_peak_mb": {pid: round(kb / 1024, 1) for pid, kb in sampler.peak.items()},
    }


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
        from accountability import selectors as acc
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
        acc.dashboard(organisation=org, user=user)
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


# --- Machine -------------------------------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    cpu = next(
        (
            x.split(":", 1)[1].strip()
            for x in Path("/proc/cpuinfo").read_text().splitlines()
            if x.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = proc_meminfo("MemTotal")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        counts = {}
        for label, table in [
            ("organisations", "ikc_share_organisation"),
            ("children", "ikc_share_child"),
            ("guardians", "ikc_share_guardian"),
            ("agreement versions", "agreements_agreementversion"),
            ("consent decisions", "consent_consentdecision"),
            ("transfers", "agreements_transfer"),
            ("received copies", "agreements_receivedtransfer"),
            ("transfer accesses", "agreements_transferaccess"),
            ("audit events", "ikc_share_auditevent"),
        ]:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - fixed table names
            counts[label] = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": mem_kb / 1024 / 1024,
        "postgres": pg,
        "python": platform.python_version(),
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit.stdout.strip(),
        "counts": counts,
    }


def proc_meminfo(key: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


# --- Report --------------------------------------------------------------------------------------------


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**met**" if ok else "**missed**")


def write_results(r: dict) -> None:
    m = r["machine"]
    base = r["pages"]["healthz"]
    lines = [
        "# Scale benchmark results",
        "",
        "Written by `bench/run` (`make bench`); do not edit by hand. How it is measured: README.md",
        '("Scale and benchmark") and the docstring of bench/bench_scale.py.',
        "",
        "## Machine and data",
        "",
        f"- Date: {m['date']} (commit {m['commit']})",
        f"- CPU: {m['nproc']} × {m['cpu']}; RAM {m['ram_gb']:.1f} GB",
        f"- PostgreSQL {m['postgres']}, Python {m['python']}",
        f"- gunicorn: {r['server']}",
        f"- Load: wrk {r['wrk']}, on the same machine as gunicorn and PostgreSQL; load average at the start "
        f"{m['load'][0]:.1f} / {m['load'][1]:.1f} / {m['load'][2]:.1f} (1/5/15 min; other work on the machine "
        "inflates every figure, the ratios less so)",
        "- Data: " + ", ".join(f"{v:,} {k}" for k, v in m["counts"].items()),
        "",
        "## Pages (same run, same concurrency)",
        "",
        "Ratios are to the trivial view `/healthz` (anonymous: no session, no database) measured in the same",
        "run; the second row is the same view with a parent's session cookie (session and user loaded).",
        "Queries: one request with an empty cache (the dashboard's and the audit browser's counted figures",
        "are cached while the organisation's audit chain stands; see README.md).",
        "",
        "| page | req/s | mean ms | p50 ms | p95 ms | p99 ms | mean ÷ healthz | p95 ÷ healthz | queries | errors "
        "| load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in r["pages"].items():
        label = r["labels"][key]
        q = r["queries"].get(key)
        queries = f"{q[0]}" if q else ""
        lines.append(
            f"| {label} | {s['rps']:.0f} | {ms(s['mean_us'])} | {ms(s['p50_us'])} | {ms(s['p95_us'])} | "
            f"{ms(s['p99_us'])} | {s['mean_us'] / base['mean_us']:.1f}× | {s['p95_us'] / base['p95_us']:.1f}× | "
            f"{queries} | {s['status_errors'] + s['socket_errors']} | {s.get('load', 0):.1f} |"
        )
    if r.get("deep"):
        lines += [
            "",
            f'Page {r["deep"]["pages"]} of the audit browser reached by following the "older" cursor: '
            f"`{r['deep']['path']}`.",
        ]
    lines += ["", "## Streamed CSV export, verification, letters", ""]
    c = r.get("csv")
    if c:
        lines.append(
            f"- CSV export of the audit trail of the benchmark organisation (its privacy officer's scope): "
            f"{c['rows']:,} rows, {c['bytes'] / 1e6:.0f} MB in {c['seconds']:.1f} s "
            f"= **{c['rows_per_s']:,.0f} rows/s** "
            f"(first byte after {c['first_byte_s'] * 1000:.0f} ms); gunicorn worker RSS {c['rss_before_mb']:.0f} MB "
            f"before, **{c['rss_peak_mb']:.0f} MB peak** during the export (VmHWM {c['hwm_mb']:.0f} MB). "
            f"Median of three runs after a warm-up; the three: "
            + ", ".join(f"{x:,}" for x in c.get("runs", []))
            + " rows/s."
        )
    if r.get("rss_after_pages"):
        lines.append(
            "- gunicorn workers after all page runs (VmRSS / VmHWM): "
            + ", ".join(f"{rss} / {hwm} MB" for rss, hwm in r["rss_after_pages"].values())
            + "."
        )
    v = r["verify"]
    lines.append(
        f"- `manage.py verify_audit`: {v['events']:,} events in {v['chains']} chains in {v['seconds']:.1f} s = "
        f"**{v['events_per_s']:,.0f} events/s** ({'intact' if v['ok'] else 'BROKEN'})."
    )
    lt = r["letters"]
    if "ratio" in lt:
        lines.append(
            f"- Letters (bench/bench_letters.py): generic letter render {lt.get('generic_ms', '?')} ms; "
            f"{lt['letters']} personalised letters in {lt['batch_s']:.1f} s vs {lt['letters']} minimal one-page "
            f"WeasyPrint renders in {lt['minimal_s']:.1f} s = **{lt['ratio']:.2f}×** wall clock"
            + (f" ({lt['ratio_cpu']:.2f}× CPU)" if "ratio_cpu" in lt else "")
            + "."
        )
    else:
        lines.append("- Letters: bench/bench_letters.py did not report its figures (output below).")
    lines += ["", "## Targets (issue 10)", "", "| target | measured | |", "|---|---|---|"]
    for name, measured, ok in r["targets"]:
        lines.append(f"| {name} | {measured} | {verdict(ok)} |")
    if r.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in r["notes"]]
    titles = (
        ("audit_filtered", "audit browser, filtered query"),
        ("dashboard", "dashboard, slowest query with an empty cache"),
    )
    for key, title in titles:
        e = r["explains"].get(key)
        if e:
            lines += [
                "",
                f"## EXPLAIN ANALYZE: {title} ({e[2]:.1f} ms in the benchmark process)",
                "",
                "```sql",
                e[0].strip(),
                "```",
                "",
                "```",
                e[1],
                "```",
            ]
    lines += ["", "## Raw output", "", "```", v["output"], "", lt["output"], "```", ""]
    RESULTS.write_text("\n".join(lines))


# --- Main ----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8391")
    parser.add_argument("--master-pid", type=int, required=True, help="gunicorn's master process")
    parser.add_argument("--server", default="2 gthread workers")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--consent-parents", type=int, default=200)
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--skip-letters", action="store_true")
    args = parser.parse_args()
    django_setup()

    p = plan(args.consent_parents)
    r: dict = {"pages": {}, "labels": {}, "notes": [], "explains": {}, "queries": {}}
    r["server"] = args.server
    r["wrk"] = f"-t{args.threads} -c{args.connections} -d{args.seconds}s (after a {args.warmup} s warm-up per page)"
    r["machine"] = machine()
    r["machine"]["load"] = os.getloadavg()
    for name in p.skipped:
        r["notes"].append(f"Not measured: `{name}` is not there (yet).")

    # The export first, while the workers are fresh: their RSS is then the export's own.
    export = None
    if any(pg.key.startswith("audit") for pg in p.pages):
        try:
            from django.urls import reverse

            export = reverse("ikc_share:audit-export", kwargs={"org_pk": p.bench_org})
        except Exception:  # noqa: BLE001 - the route may not exist yet
            export = None
    if export:
        print("CSV export", flush=True)
        # Both workers warmed up first (the first request of a process loads URL patterns,
        # translations and templates), then three exports: the median is reported, with
        # the highest RSS of the three.
        warm = next((pg.path for pg in p.pages if pg.key == "audit_first"), "/healthz")
        for _ in range(6):
            fetch(args.base, "/healthz")
            fetch(args.base, warm, p.po_cookie)
        runs = sorted(
            (csv_export(args.base, export, p.po_cookie, args.master_pid) for _ in range(3)),
            key=lambda run: run["rows_per_s"],
        )
        r["csv"] = {**runs[1], "rss_peak_mb": max(run["rss_peak_mb"] for run in runs)}
        r["csv"]["runs"] = [round(run["rows_per_s"]) for run in runs]
        print(
            f"  {r['csv']['rows']:,} rows, {r['csv']['rows_per_s']:,.0f} rows/s, "
            f"peak RSS {r['csv']['rss_peak_mb']:.0f} MB",
            flush=True,
        )
    deep = None
    audit_first = next((pg for pg in p.pages if pg.key == "audit_first"), None)
    if audit_first:
        path, reached = deep_cursor(args.base, audit_first.path, audit_first.cookie, DEEP_PAGES)
        deep = {"path": path, "pages": reached}
        p.pages.append(Page("audit_deep", f"audit browser, page {reached} (older cursor)", path, audit_first.cookie))
        action_first = audit_first.path + "?action=child.viewed"
        path, reached_f = deep_cursor(args.base, action_first, audit_first.cookie, DEEP_PAGES)
        p.pages.append(
            Page(
                "audit_action_first", "audit browser, filtered by action, first page", action_first, audit_first.cookie
            )
        )
        p.pages.append(
            Page("audit_action_deep", f"audit browser, filtered by action, page {reached_f}", path, audit_first.cookie)
        )
    r["deep"] = deep

    for page in p.pages:
        if page.method == "GET":
            status, body = fetch(args.base, page.path, page.cookie)
            if status != 200:
                r["notes"].append(f"{page.label}: HTTP {status} before the run; not measured.")
                print(f"SKIP {page.key}: HTTP {status} {body[:300]!r}", flush=True)
                continue
        print(f"wrk {page.key}: {page.path}", flush=True)
        if args.warmup:
            wrk(args.base, page, seconds=args.warmup, connections=args.connections, threads=args.threads)
        stats = wrk(args.base, page, seconds=args.seconds, connections=args.connections, threads=args.threads)
        stats["load"] = os.getloadavg()[0]
        r["pages"][page.key] = stats
        r["labels"][page.key] = page.label
        print(
            f"  {stats['rps']:.0f} req/s, mean {ms(stats['mean_us'])} ms, p95 {ms(stats['p95_us'])} ms, "
            f"errors {stats['status_errors'] + stats['socket_errors']}",
            flush=True,
        )

    r["rss_after_pages"] = {
        pid: (round(proc_kb(pid, "VmRSS") / 1024), round(proc_kb(pid, "VmHWM") / 1024))
        for pid in worker_pids(args.master_pid)
    }
    r["queries"] = queries_per_page(p, deep["path"] if deep else None)

    print("verify_audit", flush=True)
    r["verify"] = verify_audit()
    print(f"  {r['verify']['events_per_s']:,.0f} events/s", flush=True)
    r["explains"] = explains(p)
    if args.skip_letters:
        r["letters"] = {"output": "(skipped)"}
    else:
        print("letters", flush=True)
        r["letters"] = letters(args.letters)

    pages, base = r["pages"], r["pages"].get("healthz")

    def ratio_target(key: str, label: str) -> None:
        s = pages.get(key)
        if s and base:
            ratio = s["mean_us"] / base["mean_us"]
            measured = f"{ratio:.1f}×"
            session = pages.get("healthz_session")
            if session:  # context: the same trivial view once a session and its user are loaded
                measured += f" ({s['mean_us'] / session['mean_us']:.1f}× /healthz with a session)"
            r["targets"].append((f"{label}: mean ≤ {TARGET_RATIO:.0f}× /healthz", measured, ratio <= TARGET_RATIO))
        else:
            r["targets"].append((f"{label}: mean ≤ {TARGET_RATIO:.0f}× /healthz", "not measured", None))

    def p95_target(key: str, label: str) -> None:
        s = pages.get(key)
        if s:
            p95 = s["p95_us"] / 1000
            r["targets"].append(
                (f"{label}: p95 < {TARGET_P95_MS:.0f} ms at c={args.connections}", f"{p95:.0f} ms", p95 < TARGET_P95_MS)
            )
        else:
            r["targets"].append((f"{label}: p95 < {TARGET_P95_MS:.0f} ms", "not measured", None))

    r["targets"] = []
    ratio_target("portal", "Parent portal page")
    ratio_target("consent", "Consent submission")
    p95_target("dashboard", "Privacy officer's dashboard")
    p95_target("audit_filtered", "Filtered audit search")
    for first, deep_key, label in (
        ("audit_first", "audit_deep", "Audit browser"),
        ("audit_action_first", "audit_action_deep", "Audit browser, filtered"),
    ):
        if first in pages and deep_key in pages:
            a, b = pages[first]["mean_us"], pages[deep_key]["mean_us"]
            r["targets"].append(
                (
                    f"{label}: page {DEEP_PAGES} as fast as the first (mean)",
                    f"{ms(b)} vs {ms(a)} ms ({b / a:.2f}×)",
                    b <= a * 1.2,
                )
            )
    c = r.get("csv")
    if c:
        r["targets"].append(
            (
                f"CSV export ≥ {TARGET_CSV_ROWS:,} rows/s",
                f"{c['rows_per_s']:,.0f} rows/s",
                c["rows_per_s"] >= TARGET_CSV_ROWS,
            )
        )
        r["targets"].append(
            (
                f"CSV export: server process < {TARGET_CSV_RSS_MB:.0f} MB RSS",
                f"{c['rss_peak_mb']:.0f} MB",
                c["rss_peak_mb"] < TARGET_CSV_RSS_MB,
            )
        )
    else:
        r["targets"].append(("CSV export", "not measured", None))
    v = r["verify"]
    r["targets"].append(
        (
            f"verify_audit ≥ {TARGET_VERIFY:,} events/s",
            f"{v['events_per_s']:,.0f} events/s",
            v["ok"] and v["events_per_s"] >= TARGET_VERIFY,
        )
    )
    lt = r["letters"]
    if "ratio" in lt:
        r["targets"].append(
            (
                f"{lt['letters']} personalised letters ≤ {TARGET_LETTERS}× {lt['letters']} minimal pages",
                f"{lt['ratio']:.2f}×",
                lt["ratio"] <= TARGET_LETTERS,
            )
        )
    else:
        r["targets"].append(("Letters", "not measured", None))
    (OUT / "results.json").write_text(json.dumps(r, indent=2, default=str))
    write_results(r)
    print(f"Wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
