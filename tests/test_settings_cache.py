"""The cache and session settings: Redis (Django's built-in backend) and cached_db sessions
when CACHE_URL or REDIS_URL is set, a per-process LocMem cache and database sessions
otherwise, and a loud failure on a value that is not a Redis URL. Each case imports the
settings in a fresh interpreter with exactly the environment it names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS = "django.core.cache.backends.redis.RedisCache"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"

PRINT_SETTINGS = """
import json
import ikc_share.settings as s
print(json.dumps({"CACHES": s.CACHES, "SESSION_ENGINE": s.SESSION_ENGINE}))
"""


def _settings(**env_vars) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "CACHE_VERSION"}
    }
    env.update(DEBUG="1", IKC_VAR_DIR=str(ROOT / "var"), **env_vars)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def _loaded(**env_vars) -> dict:
    result = _settings(**env_vars)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_keeps_the_per_process_cache_and_database_sessions():
    loaded = _loaded()
    assert loaded["CACHES"]["default"]["BACKEND"] == LOCMEM
    # cached_db over a per-process cache would let one worker serve a session another logged out.
    assert loaded["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_cache_url_redis_gives_the_builtin_backend_and_cached_sessions():
    loaded = _loaded(CACHE_URL="redis://127.0.0.1:6379/1")
    cache = loaded["CACHES"]["default"]
    assert cache["BACKEND"] == REDIS
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/1"
    assert cache["KEY_PREFIX"] == "ikc-share"
    assert cache["VERSION"] == 1
    assert loaded["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_redis_url_is_used_when_cache_url_is_not_set_and_cache_url_wins():
    assert _loaded(REDIS_URL="rediss://:pw@redis.example:6380/2")["CACHES"]["default"]["BACKEND"] == REDIS
    loaded = _loaded(CACHE_URL="redis://cache:6379/1", REDIS_URL="redis://other:6379/5")
    assert loaded["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/1"


def test_prefix_and_version_come_from_the_environment():
    cache = _loaded(CACHE_URL="redis://127.0.0.1:6379/1", CACHE_KEY_PREFIX="ikc-acc", CACHE_VERSION="7")["CACHES"][
        "default"
    ]
    assert (cache["KEY_PREFIX"], cache["VERSION"]) == ("ikc-acc", 7)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("memcache://127.0.0.1:11211", "must be redis://"),
        ("127.0.0.1:6379", "must be redis://"),
        ("redis://redis:port/1", "not a valid Redis URL"),
        ("redis:///1", "names no Redis host"),
        ("redis://redis:6379/one", "the database must be a number"),
        ("redis://redis:6379/1?socket_timeout=soon", "not a valid Redis URL"),
    ],
)
def test_a_bad_cache_url_fails_loudly(value, message):
    result = _settings(CACHE_URL=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_docker_compose_gives_web_worker_and_beat_the_same_redis_cache():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    urls = {name: compose["services"][name]["environment"]["CACHE_URL"] for name in ("web", "worker", "beat")}
    assert len(set(urls.values())) == 1, urls
    url = urls["web"]
    assert url.startswith("redis://")
    assert url != compose["services"]["web"]["environment"]["CELERY_BROKER_URL"]  # not the broker's database
    assert _loaded(CACHE_URL=url)["CACHES"]["default"]["BACKEND"] == REDIS


def test_env_example_documents_the_cache_settings():
    text = (ROOT / ".env.example").read_text()
    for name in ("CACHE_URL=redis://", "REDIS_URL", "CACHE_KEY_PREFIX", "CACHE_VERSION"):
        assert name in text
