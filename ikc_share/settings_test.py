"""Settings for the test suite (pyproject.toml points pytest-django here).

The production settings with what the suite needs on top: a throwaway key when none is
given, eager Celery tasks, fast password hashing, plain static storage, private files in
a fresh temporary folder, and no second factor, secure cookies, SSL redirect or HSTS
(the test client speaks plain http). Every value that settings.py reads from the
environment can still be set there; only the defaults differ. CI's real Celery worker
(.ci/run) runs on the development settings (DEBUG=1), not these, and so signs with the
same development key as the suite.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# settings.py refuses to start without a key when DEBUG is off; the suite runs with DEBUG off.
if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = "insecure-development-key-only-for-debug-and-tests"  # noqa: S105

from ikc_share.settings import *  # noqa: E402, F403
from ikc_share.settings import DATABASES, STORAGES, env  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

OTP_REQUIRED_FOR_ROLES = env.list("OTP_REQUIRED_FOR_ROLES", default=[])

if "PRIVATE_MEDIA_ROOT" not in os.environ:
    PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ikc-test-private-"))
    STORAGES["default"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)

# The audit tables refuse TRUNCATE on PostgreSQL (ikc_share migration 0007) unless the session
# says so; the test runner empties tables with TRUNCATE between transactional tests.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c ikc.audit_maintenance=on"
