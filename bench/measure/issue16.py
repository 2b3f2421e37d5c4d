"""The targets of issue 16 (the pages parents and staff use most, against /healthz with a
parent's session) and its before/after table, from one run's figures."""

from __future__ import annotations

import json

from bench.measure.targets import (
    BEFORE_ISSUE16,
    BEFORE_ISSUE16_FILE,
    REGRESSION_MARGIN,
    TARGET_CHILD_MS,
    TARGET_CHILD_QUERIES,
    TARGET_INBOX_MS,
    TARGET_SESSION_RATIO,
)


def before() -> tuple[dict[str, tuple[float, int | None]], str]:
    """Page key -> (mean ms, queries) before issue 16, and where the figures come from: the
    run on this machine kept in bench/before-issue16.json when it is there, otherwise the
    run of 2026-11-26 on another machine (BEFORE_ISSUE16)."""
    if BEFORE_ISSUE16_FILE.exists():
        data = json.loads(BEFORE_ISSUE16_FILE.read_text())
        pages = {
            key: (s["mean_us"] / 1000, (data["queries"].get(key) or [None])[0]) for key, s in data["pages"].items()
        }
        source = f"commit {data['commit']}, measured {data['machine']['date']} on this machine: {data['note']}"
        return pages, source
    return BEFORE_ISSUE16, "the run of 2026-11-26, commit 4bf2478 (another machine: compare the ratios only)"


def issue16_targets(pages: dict, queries: dict) -> list[tuple[str, str, bool | None]]:
    session = pages.get("healthz_session")
    out: list[tuple[str, str, bool | None]] = []
    for key, label in (("portal", "Parent portal page"), ("consent", "Consent submission")):
        s = pages.get(key)
        if s and session:
            ratio = s["mean_us"] / session["mean_us"]
            out.append(
                (
                    f"{label}: mean ≤ {TARGET_SESSION_RATIO:.0f}× /healthz with a parent's session",
                    f"{ratio:.1f}× ({s['mean_us'] / 1000:.1f} vs {session['mean_us'] / 1000:.1f} ms)",
                    ratio <= TARGET_SESSION_RATIO,
                )
            )
        else:
            out.append((f"{label}: mean ≤ {TARGET_SESSION_RATIO:.0f}× /healthz with a session", "not measured", None))
    child, inbox = pages.get("child"), pages.get("inbox")
    if child:
        q = (queries.get("child") or (None,))[0]
        mean = child["mean_us"] / 1000
        out.append(
            (
                f"Staff child page: mean ≤ {TARGET_CHILD_MS:.0f} ms at c=8 with ≤ {TARGET_CHILD_QUERIES} queries",
                f"{mean:.1f} ms, {q} queries",
                mean <= TARGET_CHILD_MS and q is not None and q <= TARGET_CHILD_QUERIES,
            )
        )
    if inbox:
        mean = inbox["mean_us"] / 1000
        out.append((f"Transfer inbox: mean ≤ {TARGET_INBOX_MS:.0f} ms", f"{mean:.1f} ms", mean <= TARGET_INBOX_MS))
    worse = [
        key
        for key, (before_ms, _q) in before()[0].items()
        if key in pages and pages[key]["mean_us"] / 1000 > before_ms * REGRESSION_MARGIN
    ]
    out.append(
        (
            f"No page of the benchmark regresses (mean within {REGRESSION_MARGIN - 1:.0%} of before)",
            "regressed: " + ", ".join(worse) if worse else "none regressed",
            not worse,
        )
    )
    return out


def before_after_lines(pages: dict, labels: dict, queries: dict) -> list[str]:
    """The before/after table of issue 16 (`before()` says which run is the before)."""
    figures, source = before()
    lines = [
        f"Before: {source}.",
        "",
        "| page | before: mean ms | before: queries | after: mean ms | after: queries | after ÷ before |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, (before_ms, before_q) in figures.items():
        s = pages.get(key)
        if not s:
            continue
        after_ms = s["mean_us"] / 1000
        q = (queries.get(key) or ("",))[0]
        lines.append(
            f"| {labels.get(key, key)} | {before_ms:.1f} | {before_q if before_q is not None else ''} | "
            f"{after_ms:.1f} | {q} | {after_ms / before_ms:.2f}× |"
        )
    return lines
