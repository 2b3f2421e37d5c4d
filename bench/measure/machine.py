"""The machine the benchmark ran on (CPU, memory, PostgreSQL)."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

from bench.measure.targets import (
    ROOT,
)

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
