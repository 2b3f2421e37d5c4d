"""Where the scale benchmark reads and writes, and the targets of issue 10 it is judged by."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
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

# Issue 16: the pages parents and staff use most, against /healthz WITH a parent's session.
TARGET_SESSION_RATIO = 3.0  # parent portal and consent submission: mean ≤ 3× /healthz with a session
TARGET_CHILD_MS = 60.0  # staff child page: mean at c=8
TARGET_CHILD_QUERIES = 15
TARGET_INBOX_MS = 50.0  # transfer inbox: mean at c=8
BEFORE_ISSUE16_FILE = ROOT / "bench" / "before-issue16.json"  # the before run on this machine, when kept
REGRESSION_MARGIN = 1.10  # "no page regresses": mean within 10 % of before (run-to-run noise on 2 cores)
# Before issue 16: bench/results.md of the run of 2026-11-26 (commit 4bf2478), same machine,
# same data, wrk -t2 -c8 -d10s against 2 gunicorn sync workers. Page key -> (mean ms, queries).
BEFORE_ISSUE16 = {
    "healthz": (2.3, None),
    "healthz_session": (8.3, 2),
    "portal": (77.9, 12),
    "consent": (70.4, None),
    "child": (181.2, 38),
    "inbox": (111.5, 9),
    "dashboard": (109.0, 37),
    "audit_filtered": (87.1, 19),
    "audit_first": (77.6, 17),
    "audit_deep": (83.1, 17),
    "audit_action_first": (81.0, 17),
    "audit_action_deep": (83.1, 17),
}
