"""Issue 19.2: how long, and how much memory, refusing the import files of the issue takes.

    .venv/bin/python -m bench.measure.import_limits

Reads each file with onboarding's own reader (`onboarding.reading.read_upload`, what the
upload page calls) and prints the wall time and the peak of memory Python allocated for it
(tracemalloc). Before the limits, the 1 MB file of 524,288 header columns took 6.8 minutes
and 4.9 GB on the mapping page.
"""

from __future__ import annotations

import os
import time
import tracemalloc


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikc_share.settings_test")
    import django

    django.setup()
    from onboarding import reading

    cases = {
        "524,288 header columns (1 MB CSV)": b"a;" * 524_288 + b"\n" + b"1;" * 10 + b"\n",
        "201 columns": (";".join(f"k{i}" for i in range(201)) + "\n").encode() * 2,
        "a 10 MB cell": b"naam\n" + b"x" * 10_000_000 + b"\n",
    }
    for name, data in cases.items():
        tracemalloc.start()
        started = time.perf_counter()
        try:
            reading.read_upload(data)
            outcome = "read"
        except reading.UnreadableFile as refused:
            outcome = "refused: " + refused.message[:70]
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{name:36} {elapsed * 1000:8.1f} ms  peak {peak / 2**20:6.1f} MiB  {outcome}")


if __name__ == "__main__":
    main()
