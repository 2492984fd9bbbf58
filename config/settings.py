"""
Settings for Quórum, read from the environment (see .env.example).

Development works with no variable set: SQLite in the project folder, DEBUG on.
Production sets DEBUG=0, SECRET_KEY, SITE_URL and DATABASE_URL (README, "Producción").
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.site import host_of, parse_site_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Quórum needs a long random SECRET_KEY "
            "in the environment (see .env.example)."
        )
    # Development only: never used when DEBUG is off (checked above).
    SECRET_KEY = "django-insecure-development-key-not-for-production"  # noqa: S105

# The site's public address: the source of every absolute link and of the calendars' UIDs
# (config/site.py). In development it follows the port ./dev run serves on.
SITE_URL = os.getenv("SITE_URL", "").strip()
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL no está definida. Con DEBUG=0 Quórum necesita la dirección pública del "
            "sitio, por ejemplo SITE_URL=https://quorum.example.org: de ella salen los enlaces "
            "de los correos, de los calendarios y de los documentos (vea .env.example)."
        )
    SITE_URL = f"http://127.0.0.1:{os.getenv('PORT', '8000')}"
SITE_URL = parse_site_url(SITE_URL)

# The site's own host is always served; development adds the loopback names.
site_host = host_of(SITE_URL)
ALLOWED_HOSTS = envlist(
    "ALLOWED_HOSTS", f"localhost,127.0.0.1,[::1],{site_host}" if DEBUG else site_host
)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_tasks_db",
    "committees",
    "sessions.apps.SessionsConfig",
    "agendas",
    "reports",
    "transparency",
    "search",
    "reminders",
    "demo",
    # The site as a whole: its address, health check, deployment checks, backup and restore.
    "config.apps.QuorumConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "config.middleware.BusyDatabaseMiddleware",
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

# SQLite in the project folder unless DATABASE_URL says otherwise. PostgreSQL connections
# are kept open between requests and checked before reuse.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", "600"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite and keep the file locked in tests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers queue for the lock at BEGIN instead of failing when a read transaction
            # tries to become a write one; a writer waits this long before giving up (and
            # the page then says the database is busy: config.middleware).
            "transaction_mode": "IMMEDIATE",
            "timeout": envint("SQLITE_BUSY_TIMEOUT", "20"),
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request (and the health check) in seconds
    # instead of holding it until the operating system gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))

# Uploaded documents, rendered PDFs and the archive: a folder (MEDIA_ROOT, which every app
# server and worker must share) or an S3-compatible bucket. The files are private either way:
# they are served only through the views that check who may see them.
STORAGE_BACKEND = os.getenv("STORAGE_BACKEND", "filesystem").strip().lower()
if STORAGE_BACKEND == "filesystem":
    media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    if not os.getenv("AWS_STORAGE_BUCKET_NAME", "").strip():
        raise ImproperlyConfigured(
            "STORAGE_BACKEND=s3 necesita AWS_STORAGE_BUCKET_NAME, el nombre del bucket donde "
            "se guardan los documentos (vea .env.example)."
        )
    media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"].strip(),
            # Empty: Amazon S3 itself; otherwise the address of another S3-compatible store.
            "endpoint_url": os.getenv("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.getenv("AWS_S3_REGION_NAME") or None,
            # "path" for stores that do not serve buckets as subdomains (MinIO, Ceph, moto).
            "addressing_style": os.getenv("AWS_S3_ADDRESSING_STYLE") or None,
            # A prefix inside the bucket, so that one bucket can hold several sites.
            "location": os.getenv("AWS_LOCATION", ""),
            # The credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the
            # machine's role), read by boto3 itself.
            # No ACL is sent: objects stay as private as the bucket (public access blocked).
            "default_acl": None,
            # A name in use gets a free variant: an archived file is never overwritten.
            "file_overwrite": False,
            # Any URL of a file (the admin's links) is signed and short-lived.
            "querystring_auth": True,
            "querystring_expire": envint("AWS_QUERYSTRING_EXPIRE", "300"),
        },
    }
else:
    raise ImproperlyConfigured(
        f"STORAGE_BACKEND={STORAGE_BACKEND!r} no se reconoce: use filesystem (por omisión) o s3."
    )
STORAGES = {
    "default": media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# One cache for every app server and worker, in the database they already share (its table
# is made by config's migration). A per-process cache would give each process its own truth.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "quorum_cache",
    },
    # Rendered calendar feeds, kept under their ETag (sessions.views): in each process's
    # memory, so a repeated 200 costs no query and no file; the oldest go first.
    "feeds": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "quorum-feeds",
        "OPTIONS": {"MAX_ENTRIES": envint("FEED_CACHE_ENTRIES", "300")},
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

TASKS = {
    "default": {"BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")},
}
# The task worker (manage.py run_worker) beats every WORKER_HEARTBEAT_SECONDS; a task left
# running by a worker silent for three beats, or by a worker that never beat for
# TASKS_STALE_AFTER_SECONDS, is recovered, and every worker looks for lost work every
# TASKS_SWEEP_SECONDS (reports.recovery).
WORKER_HEARTBEAT_SECONDS = envint("WORKER_HEARTBEAT_SECONDS", "10")
TASKS_STALE_AFTER_SECONDS = envint("TASKS_STALE_AFTER_SECONDS", "900")
TASKS_SWEEP_SECONDS = envint("TASKS_SWEEP_SECONDS", "300")
# Reminders (reminders app): the worker plans and sends them every REMINDERS_EVERY_SECONDS;
# a session's reminder goes REMINDER_HOURS_BEFORE it starts, and each person responsible
# gets one digest a day of the agreements due in the next AGREEMENT_DIGEST_DAYS or overdue.
REMINDERS_EVERY_SECONDS = envint("REMINDERS_EVERY_SECONDS", "300")
REMINDER_HOURS_BEFORE = envint("REMINDER_HOURS_BEFORE", "24")
AGREEMENT_DIGEST_DAYS = envint("AGREEMENT_DIGEST_DAYS", "3")

# The health check (/salud/) fails when a task has waited this many seconds for a worker
# and no worker finished or started one meanwhile.
HEALTH_WORKER_MAX_WAIT = envint("HEALTH_WORKER_MAX_WAIT", "300")

# Mail: the console in development, SMTP in production (Django 6.1 MAILERS).
email_backend = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": email_backend}}
if email_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.getenv("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", "25"),
        "username": os.getenv("EMAIL_HOST_USER", ""),
        "password": os.getenv("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS", "0"),
        # Notices are sent while the secretariat waits: never hang on a dead server.
        "timeout": envint("EMAIL_TIMEOUT", "10"),
    }
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Quórum <quorum@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Documents attached to agenda points.
DOCUMENT_MAX_UPLOAD_BYTES = envint("DOCUMENT_MAX_UPLOAD_BYTES", str(25 * 1024 * 1024))

# Security: strict by default in production, relaxed only for local development.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", "0") else None
)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
# The health check answers on plain HTTP too: the reverse proxy polls it on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^salud/$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0" if DEBUG else "1")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Strict: no inline script or style anywhere (templates load everything from static/).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every render step at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
