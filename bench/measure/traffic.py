"""HTTP against the benchmark's gunicorn: single fetches, the audit browser's deep cursor, wrk runs,
and the streamed CSV export with the workers' memory sampled meanwhile."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPConnection
from pathlib import Path

from bench.measure.sessions import Page
from bench.measure.targets import (
    WRK,
)


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
