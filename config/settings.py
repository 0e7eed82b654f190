"""SESIS settings. Production differs from development only by environment variables
(see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("SESIS_DEBUG", False)
SECRET_KEY = env_str("SESIS_SECRET_KEY", "dev-only-insecure-key" if DEBUG else None)
ALLOWED_HOSTS = env_list("SESIS_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("SESIS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "sesis.audit",
    "sesis.jobs",
    "sesis.imports",
    "sesis.schools",
    "sesis.people",
    "sesis.students",
    "sesis.mandates",
    "sesis.medicaid",
    "sesis.access",
    "sesis.caseloads",
    "sesis.schoolcalendar",
    "sesis.services",
    "sesis.schedules",
    "sesis.ivr",
    "sesis.reports",
    "sesis.claims",
    "sesis.api",
    "sesis.administration",
    "sesis.site",
]

MIDDLEWARE = [
    "sesis.lib.timing.ServerTimingMiddleware",  # first: it times everything after it
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "sesis.audit.channel.AuditChannelMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sesis.access.middleware.LoginRequiredMiddleware",
    "sesis.access.middleware.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sesis.people.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded SQLite database by default; PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("SESIS_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; IMMEDIATE avoids lock-upgrade
    # deadlocks between two writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }

# A PostgreSQL streaming replica, when there is one, serves the reports, their exports,
# the supervisor's dashboard and the API's report reads (sesis.lib.replica): not a
# user's reads for SESIS_REPLICA_OWN_WRITES_SECONDS after their own change, and nothing
# while it lags more than SESIS_REPLICA_MAX_LAG_SECONDS or does not answer (its lag is
# measured at most every SESIS_REPLICA_CHECK_SECONDS). Tests mirror it to the primary.
if replica_url := env_str("SESIS_REPLICA_DATABASE_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(replica_url, conn_max_age=env_int("SESIS_DB_CONN_MAX_AGE", 0))
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("SESIS_REPLICA_DATABASE_URL must be a PostgreSQL database (a streaming replica).")
    DATABASES["replica"]["OPTIONS"] = {"connect_timeout": 3}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["sesis.lib.replica.ReplicaRouter"]
SESIS_REPLICA_MAX_LAG_SECONDS = env_int("SESIS_REPLICA_MAX_LAG_SECONDS", 10)
SESIS_REPLICA_OWN_WRITES_SECONDS = env_int("SESIS_REPLICA_OWN_WRITES_SECONDS", 30)
SESIS_REPLICA_CHECK_SECONDS = env_int("SESIS_REPLICA_CHECK_SECONDS", 1)
# Each response's database queries and time in a Server-Timing header (sesis.lib.timing):
# for operators and `make bench`, off by default.
SESIS_SERVER_TIMING = env_bool("SESIS_SERVER_TIMING", False)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work (large imports) runs as jobs of Django's Tasks API, kept in SESIS's own
# database (django-tasks-db) and run by `manage.py worker` beside the web server
# (docs/operations.md). A job's progress (rows done of total) is published through the
# "progress" cache, readable by every process: files in var/progress on one machine
# (several app servers: SESIS_PROGRESS_DIR on a shared file system).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("SESIS_PROGRESS_DIR", str(BASE_DIR / "var" / "progress")),
    },
}
# Imports of a file larger than this (bytes) are checked and applied by the worker,
# with a progress bar; smaller ones within the request.
SESIS_IMPORT_INLINE_BYTES = env_int("SESIS_IMPORT_INLINE_BYTES", 256 * 1024)
# An Encounter Attendance export of more rows than this, and a claim run of a month with
# more service records, is prepared by the worker; its file is kept for its requester
# for SESIS_JOB_FILE_HOURS.
SESIS_EXPORT_INLINE_ROWS = env_int("SESIS_EXPORT_INLINE_ROWS", 50_000)
# A printable PDF takes WeasyPrint about 17 ms and 0.4 MB a row (3,077 rows: 54 s,
# 1.3 GB): one of more rows than this is made by the worker, not within the request.
SESIS_PDF_INLINE_ROWS = env_int("SESIS_PDF_INLINE_ROWS", 500)
SESIS_CLAIMS_INLINE_RECORDS = env_int("SESIS_CLAIMS_INLINE_RECORDS", 20_000)
SESIS_JOB_FILE_HOURS = env_int("SESIS_JOB_FILE_HOURS", 24)
AUTH_USER_MODEL = "people.Staff"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# NIST SP 800-63B: at least 12 characters (any characters, up to 128), not a common or
# breached password, not the user's own name or ID, not a run like "aaaa…" or "1234…";
# no composition rules and no forced periodic changes (docs/security.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "sesis.people.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "sesis.people.passwords.BreachedPasswordValidator"},
    {"NAME": "sesis.people.passwords.RepetitiveOrSequentialValidator"},
    {"NAME": "sesis.people.passwords.ContextWordsValidator"},
]

# Sign-in throttling (sesis/people/throttle.py): failed sign-ins (web password or
# telephone PIN) per account and per network address within a window.
SESIS_SIGNIN_WINDOW_SECONDS = env_int("SESIS_SIGNIN_WINDOW_SECONDS", 15 * 60)
SESIS_SIGNIN_ACCOUNT_LIMIT = env_int("SESIS_SIGNIN_ACCOUNT_LIMIT", 10)  # per account per window
SESIS_SIGNIN_ACCOUNT_DAILY_LIMIT = env_int("SESIS_SIGNIN_ACCOUNT_DAILY_LIMIT", 100)  # NIST: at most 100
SESIS_SIGNIN_ADDRESS_LIMIT = env_int("SESIS_SIGNIN_ADDRESS_LIMIT", 100)  # a school's staff share one address
# Behind a load balancer, the number of proxies that append to X-Forwarded-For; the
# client's address is the one they saw. 0 trusts only the connection's own address.
SESIS_TRUSTED_PROXY_COUNT = env_int("SESIS_TRUSTED_PROXY_COUNT", 0)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"  # the district's local school time
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("SESIS_SIMPLE_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Sessions end 8 hours after sign-in (absolute) or after 30 minutes without a request
# (idle, sesis.people.sessions). Django gives a new session id at every sign-in.
SESSION_COOKIE_AGE = env_int("SESIS_SESSION_SECONDS", 8 * 60 * 60)
SESIS_IDLE_SECONDS = env_int("SESIS_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SESIS_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS only in production: redirect plain HTTP (the load balancer's health check of
# /ping/ excepted) and tell browsers never to use it (HSTS, a year). Behind a load
# balancer that ends TLS, SESIS_PROXY_SSL_HEADER names the header it sets, e.g.
# HTTP_X_FORWARDED_PROTO (it must strip that header from clients' requests).
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SESIS_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^ping/$", r"^healthz$"]  # checks from inside the network, over HTTP
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SESIS_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG and env_bool("SESIS_HSTS_PRELOAD", True)  # consent to browsers' preload lists
if env_str("SESIS_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = (env_str("SESIS_PROXY_SSL_HEADER"), "https")

# Content-Security-Policy: only the site's own scripts, styles and images; no inline
# script or style, no plugins, no framing, forms post only to SESIS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# How many rows a search result page shows.
SESIS_PAGE_SIZE = env_int("SESIS_PAGE_SIZE", 25)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SESIS_LOG_LEVEL", "WARNING")},
}

# Service records may be entered for the current month and this many months before it.
SESIS_ENTRY_WINDOW_MONTHS = env_int("SESIS_ENTRY_WINDOW_MONTHS", 1)

# The telephone (IVR) webhook (docs/ivr.md). Requests must carry the telephony
# provider's X-Twilio-Signature, made with the account's auth token or a SharedKey
# (its secret, and optionally its id), unless verification is turned off (development
# only). Behind a proxy, SESIS_IVR_BASE_URL is the public origin the provider calls
# (e.g. https://sesis.example.org). check --deploy reports an IVR that is enabled but
# could verify no request.
SESIS_IVR_ENABLED = env_bool("SESIS_IVR_ENABLED", True)
SESIS_IVR_AUTH_TOKEN = env_str("SESIS_IVR_AUTH_TOKEN", "")
SESIS_IVR_SHARED_KEY = env_str("SESIS_IVR_SHARED_KEY", "")
SESIS_IVR_SHARED_KEY_ID = env_str("SESIS_IVR_SHARED_KEY_ID", "")
SESIS_IVR_VERIFY_SIGNATURE = env_bool("SESIS_IVR_VERIFY_SIGNATURE", True)
SESIS_IVR_BASE_URL = env_str("SESIS_IVR_BASE_URL", "")
SESIS_IVR_VOICE = env_str("SESIS_IVR_VOICE", "Polly.Joanna")  # <Say voice="...">
SESIS_IVR_LANGUAGE = env_str("SESIS_IVR_LANGUAGE", "en-US")  # <Say language="...">

# Email (the daily reminders, docs/operations.md). Through an SMTP relay in production;
# printed to the console in development.
EMAIL_BACKEND = env_str(
    "SESIS_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("SESIS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SESIS_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("SESIS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("SESIS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SESIS_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env_str("SESIS_EMAIL_FROM", "SESIS <sesis@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address staff reach SESIS at, for the links in emails.
SESIS_SITE_URL = env_str("SESIS_SITE_URL", "http://127.0.0.1:8000")
# send_reminders: off for the whole district, and after how many school days an
# uncertified record is worth a reminder.
SESIS_REMINDERS_ENABLED = env_bool("SESIS_REMINDERS_ENABLED", True)
SESIS_REMINDER_SCHOOL_DAYS = env_int("SESIS_REMINDER_SCHOOL_DAYS", 2)

# Medicaid claim files (docs/medicaid.md): the district as submitter and billing
# provider of its 837P files, and who receives and pays them. The defaults are the
# demo district's (NPI 1234567893 is CMS's published example); production sets each.
SESIS_MEDICAID = {
    name: env_str(f"SESIS_MEDICAID_{name.upper()}", default)
    for name, default in {
        "billing_name": "NYC Department of Education",
        "billing_npi": "1234567893",
        "billing_tax_id": "136400434",
        "billing_address": "52 Chambers Street",
        "billing_city": "New York",
        "billing_state": "NY",
        "billing_zip": "100071222",
        "contact_name": "Medicaid Claiming Unit",
        "contact_phone": "2125550100",
        "submitter_id": "SESISDEMO",
        "receiver_name": "eMedNY",
        "receiver_id": "141797357",
        "payer_name": "New York State Medicaid",
        "payer_id": "141797357",
        "usage": "T",  # ISA15: T test, P production
    }.items()
}
