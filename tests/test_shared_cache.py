"""The chain-head-keyed caches and the cached sessions with TWO processes on one Redis.

The test process and a second Python process (its own interpreter, Django set up from the
same settings with CACHE_URL pointing at the same Redis database) share the cache the way
two gunicorn instances or a web process and a Celery worker do in production:

- an entry the first process cached under an organisation's chain head is a hit in the
  second (same key: the key is derived from the organisation and the head only, never
  from anything local to a process);
- after an audited change (a new event moves the head) both processes derive the new key:
  the stale entry is still in Redis but neither serves it;
- a session started in one process is read from the shared cache in the other, and a
  logout in one ends it for the other.

On PostgreSQL the second process reads the chain head from the test database itself
(transactional test: it sees the committed rows). On SQLite (an in-memory test database no
other process can open) the first process passes the head it read, so the key derivation
and the Redis round trip are still shown with two processes.

Needs Redis at redis://127.0.0.1:6379/14 (IKC_TEST_REDIS_URL to change it); skipped with the
reason when it is not reachable. That database is flushed before and after each test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from ikc_share.settings import _cache_from_url
from tests.factories import IkcFactory, make_location, make_organisation

ROOT = Path(__file__).resolve().parent.parent
REDIS_TEST_URL = os.environ.get("IKC_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
CACHED_DB = "django.contrib.sessions.backends.cached_db"
NAME = "shared-cache-test"

# The second process: one request in, one JSON line out.
SECOND_PROCESS = r"""
import json, os, sys
import django

django.setup()
from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache

from accountability.chain import chain_head_hash, while_chain_stands
from ikc_share.models import Organisation

request = json.loads(sys.argv[1])
out = {"pid": os.getpid(), "backend": settings.CACHES["default"]["BACKEND"], "session_engine": settings.SESSION_ENGINE}
if "org" in request:
    if request.get("head") is None:  # read the head from the shared database, as a page would
        organisation = Organisation.objects.get(pk=request["org"])
        head = chain_head_hash(organisation)
    else:
        organisation, head = Organisation(pk=request["org"]), request["head"]
    computed = []

    def compute():
        computed.append(1)
        return {"computed_by": "second process", "head": head}

    out["head"] = head
    out["value"] = while_chain_stands(organisation, request["name"], compute, head=request.get("head"))
    out["computed"] = bool(computed)
if "session" in request:
    store = SessionStore(session_key=request["session"])
    out["session_cached"] = cache.get(store.cache_key) is not None
    if request.get("load"):
        out["session"] = dict(store.load())
print("RESULT " + json.dumps(out))
"""


def _redis():
    redis = pytest.importorskip("redis", reason="the redis package is missing (it comes with celery[redis])")
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1, socket_timeout=5)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL} ({exc}); CI runs these tests with Redis")
    return client


@pytest.fixture
def shared_cache(settings):
    """The default cache on the test Redis database (as settings.py builds it from a
    CACHE_URL), with cached_db sessions; that database flushed before and after."""
    client = _redis()
    client.flushdb()
    settings.CACHES = {"default": _cache_from_url(REDIS_TEST_URL)}
    settings.SESSION_ENGINE = CACHED_DB
    yield client
    client.flushdb()
    client.close()


def _database_url() -> str | None:
    """The test database as a DATABASE_URL for the second process; None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    d = connection.settings_dict
    auth = quote(d["USER"] or "", safe="") + (":" + quote(d["PASSWORD"], safe="") if d["PASSWORD"] else "")
    return f"postgres://{auth}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{quote(d['NAME'], safe='')}"


def _second_process(**request) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="ikc_share.settings_test",
        CACHE_URL=REDIS_TEST_URL,
        CONN_MAX_AGE="0",
        # On SQLite the second process never queries; a throwaway file keeps it off var/db.sqlite3.
        DATABASE_URL=_database_url() or f"sqlite:///{tempfile.gettempdir()}/ikc-shared-cache-unused.sqlite3",
    )
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, json.dumps(request)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    out = json.loads(line.removeprefix("RESULT "))
    assert out["pid"] != os.getpid()
    assert out["backend"] == "django.core.cache.backends.redis.RedisCache"
    return out


def _chain_keys(client) -> list[bytes]:
    return sorted(client.keys("*chain-cache:*"))


def _organisation():
    return make_organisation(ikc=IkcFactory(), kind="childcare")


def _check_two_processes(client, organisation, *, second_reads_head: bool) -> None:
    from accountability.chain import chain_head_hash, while_chain_stands

    def first(head):
        return {"computed_by": "first process", "head": head}

    def ask_second():
        return _second_process(
            org=organisation.pk, name=NAME, head=None if second_reads_head else chain_head_hash(organisation)
        )

    # 1. The first process computes and caches the figure under the current head.
    head = chain_head_hash(organisation)
    assert while_chain_stands(organisation, NAME, lambda: first(head)) == first(head)
    assert len(_chain_keys(client)) == 1  # in Redis, not in this process's memory

    # 2. The second process derives the same key and is served the first process's entry.
    second = ask_second()
    assert second["head"] == head
    assert second["computed"] is False
    assert second["value"] == first(head)

    # 3. An audited change (a new location writes "location.created" in the organisation's chain).
    make_location(organisation=organisation, kind="daycare")
    new_head = chain_head_hash(organisation)
    assert new_head != head

    # 4. The second process derives the new key: it computes afresh instead of serving the stale entry ...
    second = ask_second()
    assert second["head"] == new_head
    assert second["computed"] is True
    assert second["value"] == {"computed_by": "second process", "head": new_head}
    stale_and_new = _chain_keys(client)
    assert len(stale_and_new) == 2  # the stale entry is still there (until its timeout) ...

    # 5. ... and the first process derives the same new key: it is served the second's entry, not
    # the stale one it cached itself.
    assert while_chain_stands(organisation, NAME, lambda: first(new_head)) == second["value"]
    assert _chain_keys(client) == stale_and_new


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_chain_cache_with_two_processes_reading_the_shared_database(shared_cache):
    _check_two_processes(shared_cache, _organisation(), second_reads_head=True)


@pytest.mark.django_db
def test_chain_cache_key_and_round_trip_with_two_processes(shared_cache):
    """Also on SQLite: the head is read here and passed to the second process."""
    _check_two_processes(shared_cache, _organisation(), second_reads_head=False)


@pytest.mark.django_db(transaction=True)
def test_session_is_shared_and_a_logout_ends_it_everywhere(shared_cache):
    from django.contrib.sessions.backends.cached_db import SessionStore

    on_pg = connection.vendor == "postgresql"
    store = SessionStore()
    store["marker"] = "started in the first process"
    store.save()
    second = _second_process(session=store.session_key, load=on_pg)
    assert second["session_engine"] == CACHED_DB
    assert second["session_cached"] is True
    if on_pg:
        assert second["session"] == {"marker": "started in the first process"}

    store.delete()  # a logout served by the first process
    second = _second_process(session=store.session_key, load=on_pg)
    assert second["session_cached"] is False
    if on_pg:
        assert second["session"] == {}  # from the database: gone too
