"""bench/results.md, written from the figures of one run."""

from __future__ import annotations

from bench.measure.issue16 import before_after_lines
from bench.measure.targets import (
    RESULTS,
)

# --- Report --------------------------------------------------------------------------------------------


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("**met**" if ok else "**missed**")


def write_results(r: dict) -> None:
    m = r["machine"]
    base = r["pages"]["healthz"]
    session = r["pages"].get("healthz_session") or base
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
        "| page | req/s | mean ms | p50 ms | p95 ms | p99 ms | mean ÷ healthz | p95 ÷ healthz "
        "| mean ÷ healthz with a session | queries | errors | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, s in r["pages"].items():
        label = r["labels"][key]
        q = r["queries"].get(key)
        queries = f"{q[0]}" if q else ""
        lines.append(
            f"| {label} | {s['rps']:.0f} | {ms(s['mean_us'])} | {ms(s['p50_us'])} | {ms(s['p95_us'])} | "
            f"{ms(s['p99_us'])} | {s['mean_us'] / base['mean_us']:.1f}× | {s['p95_us'] / base['p95_us']:.1f}× | "
            f"{s['mean_us'] / session['mean_us']:.1f}× | {queries} | {s['status_errors'] + s['socket_errors']} | "
            f"{s.get('load', 0):.1f} |"
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
    lines += ["", "## Targets (issue 16)", "", "| target | measured | |", "|---|---|---|"]
    for name, measured, ok in r.get("targets16", []):
        lines.append(f"| {name} | {measured} | {verdict(ok)} |")
    lines += [
        "",
        "## Before and after issue 16 (same data, same concurrency)",
        "",
        *before_after_lines(r["pages"], r["labels"], r["queries"]),
    ]
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


def rewrite_from_json(path) -> None:
    """Write bench/results.md again from a run's results.json (e.g. after the before-run of
    issue 16 was kept), keeping the section bench/multi appended."""
    import json

    from bench.measure.issue16 import issue16_targets

    r = json.loads(path.read_text())
    r["targets16"] = issue16_targets(r["pages"], r["queries"])
    old = RESULTS.read_text() if RESULTS.exists() else ""
    start, end = "<!-- bench/multi: start -->", "<!-- bench/multi: end -->"
    multi = old[old.index(start) : old.index(end) + len(end)] if start in old and end in old else ""
    write_results(r)
    if multi:
        RESULTS.write_text(RESULTS.read_text().rstrip("\n") + "\n\n" + multi + "\n")


if __name__ == "__main__":
    import sys
    from pathlib import Path

    rewrite_from_json(Path(sys.argv[1]))
