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
