"""Settings for ikc-share: one module, driven by environment variables.

Defaults give the embedded setup (SQLite, filesystem Celery broker, console e-mail).
Production sets DATABASE_URL, CELERY_BROKER_URL, CACHE_URL (Redis: one cache and the
sessions shared by every process), SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
Bad values fail loudly at start-up (ImproperlyConfigured, from django-environ or below).
The test suite runs on ikc_share/settings_test.py, which imports this module and then
relaxes it (throwaway key, eager tasks, fast hashing, plain static storage).
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IKC_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"  # noqa: S105
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# The audit chain's HMAC key (ikc_share/audit.py), kept outside the database so that someone
# who can write the database cannot forge an event. Without it the key is derived from
# SECRET_KEY; set it separately (a long random string) so SECRET_KEY can be rotated without
# breaking the chain. Changing this key makes every keyed event fail verification.
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # The product's apps, lowest layer first (see README "Layout" and .importlinter).
    "ikc_share",
    "agreements",
    "consent",
    "transfers",
    "accountability",
    "onboarding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ikc_share.middleware.DutchFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "consent.middleware.MagicLinkPortalOnlyMiddleware",
    "ikc_share.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ikc_share.urls"
WSGI_APPLICATION = "ikc_share.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ikc_share.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The inbox's covering indexes (transfers 0003) carry extra columns on PostgreSQL only;
    # on SQLite they are plain indexes, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so audit-chain
    # writers queue instead of failing on lock upgrade; WAL lets the worker read meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ------------------------------------------------------------------
# CACHE_URL (or, when that is not set, REDIS_URL) = redis://[:password@]host[:port][/db]
# (rediss:// for TLS) gives every web process, Celery worker and beat ONE cache: Django's
# built-in Redis backend. The chain-head-keyed figures (accountability/chain.py), the
# parent portal's link throttle and the cached sessions are then the same whichever
# process serves the request. Nothing set: the embedded default, a cache per process
# (LocMem), right only for one process or for figures a stale process may recompute.
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="ikc-share")
# Raise CACHE_VERSION when a release changes what a cached value holds: processes of the
# old and the new release then never read each other's entries during a rolling deploy.
CACHE_VERSION = env.int("CACHE_VERSION", default=1)


def _cache_from_url(url: str) -> dict:
    """The default cache for a CACHE_URL / REDIS_URL value; ImproperlyConfigured if bad."""
    from urllib.parse import urlsplit

    if url in ("", "locmemcache://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ikc-share"}
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ImproperlyConfigured(
            f"CACHE_URL / REDIS_URL must be redis://host[:port][/db] or rediss://… (or unset for the "
            f"per-process default); got scheme {parts.scheme or '(none)'!r}."
        )
    from redis.connection import parse_url

    try:
        parse_url(url)  # the port, the password and the query's options (socket_timeout=…)
        host = parts.hostname
    except ValueError as exc:
        raise ImproperlyConfigured(f"CACHE_URL / REDIS_URL is not a valid Redis URL: {exc}") from None
    if not host:
        raise ImproperlyConfigured("CACHE_URL / REDIS_URL names no Redis host (redis://host[:port][/db]).")
    if parts.path not in ("", "/") and not parts.path[1:].isdigit():
        raise ImproperlyConfigured(f"CACHE_URL / REDIS_URL: the database must be a number (/1), not {parts.path!r}.")
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "VERSION": CACHE_VERSION,
        # Fail fast when Redis is away instead of holding a web worker (a URL's own
        # ?socket_timeout=… wins: redis-py reads the URL's options after these).
        "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
    }


CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
CACHES = {"default": _cache_from_url(CACHE_URL)}
SHARED_CACHE = CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
# With a shared cache, sessions are read from it and written through to the database
# (cached_db: a logout or expiry reaches every process at once). With a cache per process
# they stay in the database only: a session cached in one gunicorn worker would outlive
# a logout served by another.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if SHARED_CACHE else "django.contrib.sessions.backends.db"

# --- Authentication --------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Object permissions. The app's own pages never accept global permissions or
    # superuser status: see ikc_share/permissions.py.
    "guardian.backends.ObjectPermissionBackend",
    # Parents' e-mail links (consent portal): single-use, expiring tokens. A session started
    # from a link reaches the parent portal only (consent/middleware.py).
    "sesame.backends.ModelBackend",
]
SESAME_MAX_AGE = env.int("SESAME_MAX_AGE", default=7 * 24 * 3600)  # seconds
SESAME_ONE_TIME = True
# The personal link on a paper letter (agreements/letters/links.py, scoped token "paper-letter"):
# also single-use, but valid longer than an e-mail link, because a printed letter is
# handed over or posted days after it is made and read when the parent finds time.
PAPER_LINK_MAX_AGE_DAYS = env.int("PAPER_LINK_MAX_AGE_DAYS", default=30)
if not 1 <= PAPER_LINK_MAX_AGE_DAYS <= 366:
    raise ImproperlyConfigured("PAPER_LINK_MAX_AGE_DAYS must be between 1 and 366.")
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row
GUARDIAN_RAISE_403 = False
LOGIN_URL = "ikc_share:login"
LOGIN_REDIRECT_URL = "ikc_share:home"
LOGOUT_REDIRECT_URL = "ikc_share:login"
PASSWORD_RESET_TIMEOUT = env.int("INVITATION_TIMEOUT_SECONDS", default=7 * 24 * 3600)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Behind a reverse proxy (the TLS terminator) REMOTE_ADDR is the proxy's address, shared by
# everyone: set TRUSTED_PROXY_COUNT to the number of proxies in front that each append the
# address they saw to X-Forwarded-For (usually 1). Throttles then use the client's own
# address (ikc_share/http.py client_ip). 0 (the default): no proxy, REMOTE_ADDR; never set
# it higher than the proxies really there, or clients choose their own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if not 0 <= TRUSTED_PROXY_COUNT <= 5:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be between 0 and 5.")

# django-axes: throttle password guessing per username + client address. A parent's e-mail
# link has no username: it counts per link (ikc_share/logins.py axes_username), so spent
# links clicked from behind one proxy never lock every parent's link login.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "ikc_share.logins.axes_username"
AXES_CLIENT_IP_CALLABLE = "ikc_share.http.client_ip"
AXES_ENABLE_ADMIN = False  # its records hold usernames and addresses: not for the admin
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Two-factor login (django-otp TOTP). In production required for every role with access to
# children's data (the register of processing activities promises it to parents), and for the
# Django admin; the demo (DEBUG) turns it off.
OTP_REQUIRED_FOR_ROLES = env.list(
    "OTP_REQUIRED_FOR_ROLES", default=[] if DEBUG else ["director", "staff", "privacy_officer"]
)
OTP_TOTP_ISSUER = "ikc-share"

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ikc_share.formats"]  # one date format: "7 december 2026" (issue 18)
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploaded and generated files are private: stored through the storage API outside any
# public URL and served only by permission-checked views.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ikc-share <noreply@ikc-share.local>")

# --- Celery ----------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _d in (_queue_dir, _processed_dir, _control_dir):
        _d.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "purge-stale-imports-daily": {
        "task": "onboarding.tasks.purge_stale_imports",
        "schedule": crontab(hour=3, minute=15),
    },
    "verify-audit-chains-nightly": {
        "task": "ikc_share.tasks.verify_audit_chains",
        "schedule": crontab(hour=2, minute=30),
    },
    "publish-audit-anchors-daily": {
        "task": "ikc_share.tasks.publish_audit_anchors",
        "schedule": crontab(hour=2, minute=45),
    },
    "consent-expiry-reminders-daily": {
        "task": "consent.tasks.send_expiry_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "transfers-retention-purge-hourly": {
        "task": "transfers.tasks.housekeeping",
        "schedule": crontab(minute=17),
    },
    "accountability-retention-nightly": {
        "task": "accountability.tasks.retention_nightly",
        "schedule": crontab(hour=3, minute=45),
    },
    "accountability-rights-reminders-daily": {
        "task": "accountability.tasks.rights_reminders_daily",
        "schedule": crontab(hour=8, minute=30),
    },
    # The outbox (ikc_share/outbox.py): work that did not reach the broker at commit.
    "outbox-dispatch-every-minute": {
        "task": "ikc_share.tasks.outbox_dispatch",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

# --- Security ---------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_production = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_production)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=_production)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=_production)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"

# django-csp 4: no third-party origins, no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Development only: the benchmark's scale seeder (`manage.py seed_scale`, bench/scale/).
if env.bool("IKC_BENCH", default=False):
    INSTALLED_APPS.append("bench")
