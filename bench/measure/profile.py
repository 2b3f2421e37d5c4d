"""`bench/profile`: where the milliseconds of a benchmark page go, measured in one process
against the scale database. Per page: the mean wall time of a request through Django's test
client (no HTTP server, no wrk), the queries (count and their share of the time, the slowest
shown), the time inside template rendering, and the project functions with the most
cumulative time under cProfile. Run after `make bench` has seeded the scale database."""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time
from contextlib import contextmanager

DEFAULT_PAGES = ("portal", "consent", "child", "inbox")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ikc_share.settings")
    import django

    django.setup()


class QueryTimer:
    """A connection.execute_wrapper that times every query."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - start, sql))


@contextmanager
def template_timer(box: list[float]):
    """Adds the time spent in Template.render (outermost calls only) to box[0]."""
    from django.template import base

    original = base.Template.render
    depth = [0]

    def render(self, context):
        depth[0] += 1
        start = time.perf_counter()
        try:
            return original(self, context)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                box[0] += time.perf_counter() - start

    base.Template.render = render
    try:
        yield
    finally:
        base.Template.render = original


def _client(page):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for part in page.cookie.split("; ") if page.cookie else []:
        name, value = part.split("=", 1)
        client.cookies[name] = value
    return client


def _requests(page, plan_):
    """A callable making one request of the page (consent: the next parent's POST)."""
    if page.method == "POST":
        from django.test import Client

        lines = plan_.consent_file.read_text().splitlines()
        state = {"i": 0}
        client = Client(HTTP_HOST="127.0.0.1")  # one client: a new one loads the middleware again

        def post():
            cookie, path, body = lines[state["i"] % len(lines)].split("\t")
            choice = "yes" if (state["i"] // len(lines)) % 2 == 0 else "no"
            state["i"] += 1
            client.cookies.clear()
            for part in cookie.split("; "):
                name, value = part.split("=", 1)
                client.cookies[name] = value
            return client.post(path, body + f"&choice={choice}", content_type="application/x-www-form-urlencoded")

        return post
    client = _client(page)
    return lambda: client.get(page.path)


def profile_page(page, plan_, n: int) -> str:
    from django.db import connection

    request = _requests(page, plan_)
    for _ in range(3):  # warm up: caches, templates, connection
        request()
    timer, rendering = QueryTimer(), [0.0]
    start = time.perf_counter()
    with connection.execute_wrapper(timer), template_timer(rendering):
        statuses = {request().status_code for _ in range(n)}
    total = (time.perf_counter() - start) / n * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        request()
    profiler.disable()
    query_ms = sum(t for t, _sql in timer.queries) / n * 1000
    lines = [
        f"## {page.key}: {page.label}",
        f"{total:.1f} ms a request (mean of {n}, status {sorted(statuses)}); "
        f"{len(timer.queries) / n:.1f} queries taking {query_ms:.1f} ms; templates {rendering[0] / n * 1000:.1f} ms; "
        f"the rest (Python: middleware, views, rules, forms) {total - query_ms - rendering[0] / n * 1000:.1f} ms",
        "slowest queries (ms, mean per request):",
    ]
    by_sql: dict[str, float] = {}
    for t, sql in timer.queries:
        by_sql[sql[:160]] = by_sql.get(sql[:160], 0.0) + t
    for sql, t in sorted(by_sql.items(), key=lambda kv: -kv[1])[:6]:
        lines.append(f"  {t / n * 1000:6.2f}  {sql}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"/work/main/(?!\.venv)|ikc_share|agreements|consent|transfers|accountability", 18)
    lines.append("project functions by cumulative time (cProfile):")
    lines += ["  " + line for line in out.getvalue().splitlines() if line.strip() and "/" in line][:18]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    _setup()
    from bench.measure.sessions import plan

    n = int(os.environ.get("BENCH_PROFILE_N", "20"))
    wanted = argv or list(DEFAULT_PAGES)
    plan_ = plan(consent_parents=50)
    pages = {p.key: p for p in plan_.pages}
    for key in wanted:
        if key not in pages:
            print(f"no page {key!r} (pages: {', '.join(pages)})", file=sys.stderr)
            return 2
        print(profile_page(pages[key], plan_, n))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
