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
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure.inprocess import explains, letters, queries_per_page, verify_audit  # noqa: E402
from bench.measure.issue16 import issue16_targets  # noqa: E402
from bench.measure.machine import machine  # noqa: E402
from bench.measure.report import ms, write_results  # noqa: E402
from bench.measure.sessions import Page, plan  # noqa: E402
from bench.measure.targets import (  # noqa: E402
    DEEP_PAGES,
    OUT,
    RESULTS,
    TARGET_CSV_ROWS,
    TARGET_CSV_RSS_MB,
    TARGET_LETTERS,
    TARGET_P95_MS,
    TARGET_RATIO,
    TARGET_VERIFY,
)
from bench.measure.traffic import csv_export, deep_cursor, fetch, proc_kb, worker_pids, wrk  # noqa: E402


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikc_share.settings")
    import django

    django.setup()


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
    r["targets16"] = issue16_targets(pages, r["queries"])
    (OUT / "results.json").write_text(json.dumps(r, indent=2, default=str))
    write_results(r)
    print(f"Wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
