"""Django settings for newroles, read from environment variables, then the project's `.env` (see .env.example)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from newroles.lib.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
# The project's `.env` (written by `make install`) fills in what the environment leaves unset, whatever the cwd.
load_env_file(env_str("NEWROLES_ENV_FILE", str(BASE_DIR / ".env")))
VAR_DIR = Path(env_str("NEWROLES_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file and private uploads live here

DEBUG = env_bool("NEWROLES_DEBUG", False)
SECRET_KEY = env_str("NEWROLES_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set NEWROLES_SECRET_KEY (or NEWROLES_DEBUG=True for local development).")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("NEWROLES_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("NEWROLES_CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("NEWROLES_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",  # runserver serves static through WhiteNoise, as production does
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # its static files: the API's interactive docs are served from the installed package, not a CDN
    "newroles.accounts",
    "newroles.audit",
    "newroles.organisations",
    "newroles.imports",
    "newroles.roles",
    "newroles.mapping",
    "newroles.skillmix",
    "newroles.workforce",
    "newroles.funding",
    "newroles.forewarning",
    "newroles.readiness",
    "newroles.evidence",
    "newroles.reports",
    "newroles.api",
    "newroles.demo",
    "newroles.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "newroles.audit.middleware.RequestIdMiddleware",
    "newroles.accounts.middleware.LoginRequiredMiddleware",
    "newroles.accounts.middleware.SecondFactorRequiredMiddleware",
    "newroles.accounts.middleware.PasswordChangeRequiredMiddleware",
    # Near the end, so it sees the view's exceptions first: a busy database is a 503 "try again" page, not a 500.
    "newroles.lib.busy.DatabaseBusyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]

ROOT_URLCONF = "newroles.urls"
WSGI_APPLICATION = "newroles.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "newroles" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newroles.accounts.context_processors.access",
                "newroles.demo.context_processors.demo",
            ],
            "builtins": ["newroles.templatetags.nhsuk", "newroles.templatetags.panels"],
        },
    },
]

# Database: SQLite by default so a fresh machine needs nothing else; PostgreSQL for multi-user servers.
DB_ENGINE = env_str("NEWROLES_DB", "sqlite")
if DB_ENGINE == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": env_str("NEWROLES_DB_HOST", "localhost"),
            "PORT": env_str("NEWROLES_DB_PORT", "5432"),
            "NAME": env_str("NEWROLES_DB_NAME", "newroles"),
            "USER": env_str("NEWROLES_DB_USER", "newroles"),
            "PASSWORD": env_str("NEWROLES_DB_PASSWORD"),
            "CONN_MAX_AGE": env_int("NEWROLES_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    }
elif DB_ENGINE == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("NEWROLES_DB_NAME", str(VAR_DIR / "newroles.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy timeout
                # instead of one failing with "database is locked" half-way through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL lets the web server read while the worker writes. The page cache (in MiB, per
                # connection, taken only as used) keeps a big import's index pages in memory: at SQLite's
                # default 2 MiB, writing a national month's counts re-read the indexes from disk.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    f"PRAGMA cache_size=-{1024 * env_int('NEWROLES_SQLITE_CACHE_MIB', 64)}; PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    }
else:
    raise ImproperlyConfigured(f"NEWROLES_DB must be 'sqlite' or 'postgres', not {DB_ENGINE!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Sign-in safety. django-axes refuses sign-in for a cool-off after repeated failures, counted per account and,
# separately, per address (so neither guessing one account from many places nor many accounts from one place
# works); admins unlock in the admin or with `newroles axes_reset`. django-otp: the second factor.
# Object permissions: each model's change rule (accounts/rules.py), asked as user.has_perm(perm, obj).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out sign-in stops here
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("NEWROLES_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWROLES_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "newroles.accounts.lockout.username_of"
AXES_LOCKOUT_CALLABLE = "newroles.accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "newroles.accounts.lockout.client_address"
# Behind N reverse proxies that append to X-Forwarded-For, the client is the Nth address from its right;
# 0 (directly exposed) uses the socket's address only, because any client can write that header.
PROXY_COUNT = env_int("NEWROLES_PROXY_COUNT", 0)
OTP_TOTP_ISSUER = "newroles"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "newroles" / "static",
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
# The NHS.UK frontend is served under /static/nhsuk/ by its own finder, its stylesheets without the external
# web font and with icons from the package (newroles/lib/offlinecss.py): pages make no request off the site.
NHSUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "newroles.lib.offlinecss.NhsukFrontendFinder",
]
# In development (make run) files come straight from the finders; a production server (`make serve`) runs
# collectstatic, and WhiteNoise serves STATIC_ROOT with the gzip copies made there.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded files (imports in progress, shared documents) live outside the web root and are only ever
# served through views that check access.
PRIVATE_FILES_DIR = VAR_DIR / "private"
MAX_UPLOAD_BYTES = env_int("NEWROLES_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Zip-based uploads (XLSX, DOCX, ODT, role pack zips) are checked member by member before any parser
# opens them (newroles/lib/zipcheck.py), so a small file cannot inflate to gigabytes. Real documents
# hold a few dozen parts compressed 2-20 times; a 50,000-row import workbook unpacks to about 20 MB.
ZIP_MAX_MEMBERS = env_int("NEWROLES_ZIP_MAX_MEMBERS", 1000)
ZIP_MAX_RATIO = env_int("NEWROLES_ZIP_MAX_RATIO", 100)
ZIP_MAX_UNCOMPRESSED_BYTES = env_int("NEWROLES_ZIP_MAX_UNCOMPRESSED_BYTES", 256 * 1024 * 1024)
# A staff-record workbook may use all of Excel's 1,048,576 rows; a 17-column extract is about 1 KB of
# sheet XML a row, so 2 KiB a row leaves room for wider extracts.
WORKFORCE_ZIP_MAX_UNCOMPRESSED_BYTES = env_int("NEWROLES_WORKFORCE_ZIP_MAX_UNCOMPRESSED_BYTES", 2 * 1024**3)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Staff-record extracts have their own upload limit: a national extract is ~200 MB as CSV, far above the
# other imports'. Their titles are normalised in this many worker processes (each builds a normaliser).
WORKFORCE_MAX_UPLOAD_BYTES = env_int("NEWROLES_WORKFORCE_MAX_UPLOAD_BYTES", 250 * 1024 * 1024)
WORKFORCE_PROCESSES = env_int("NEWROLES_WORKFORCE_PROCESSES", 2)

TASKS = {
    "default": {
        "BACKEND": env_str("NEWROLES_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# What /readyz checks (newroles/health.py); a worker heartbeat check can replace the queue check.
READINESS_CHECKS = [
    "newroles.health.database",
    "newroles.health.migrations",
    "newroles.health.task_queue_moving",
    "newroles.health.worker_heartbeat",
]

# A running import (a check, a commit, a staff-record extract) whose heartbeat is older than this was
# abandoned by a process that died: the worker's minute sweep fails it and deletes its upload.
IMPORT_ABANDONED_AFTER_SECONDS = env_int("NEWROLES_IMPORT_ABANDONED_AFTER_SECONDS", 10 * 60)

# Security: strict defaults whenever not in debug, so `manage.py check --deploy` is clean.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("NEWROLES_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("NEWROLES_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("NEWROLES_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("NEWROLES_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes on the host speak plain HTTP
# Believe the proxy's "this was HTTPS" header only when told a proxy sets it (e.g. X-Forwarded-Proto):
# without one, any client could send it. See docs/deploy.md.
_proxy_header = env_str("NEWROLES_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None

# Content-Security-Policy (django-csp): everything from this site only, fonts too; no inline script or style, no eval,
# no framing. The NHS.UK frontend and HTMX are static files; pages add script as static files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

EMAIL_BACKEND = env_str("NEWROLES_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("NEWROLES_FROM_EMAIL", "newroles@localhost")

# JSON lines with the request id in production (docs/deploy.md); plain lines in development.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newroles.audit.logfilters.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env_str("NEWROLES_LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("NEWROLES_LOG_LEVEL", "WARNING")},
}

# The API's rate limits per token (per user for a browser session): writes, and the title normaliser, whose
# requests may each hold 10,000 titles. "number/period", period one of s, m, h, d.
API_WRITE_RATE = env_str("NEWROLES_API_WRITE_RATE", "120/m")
API_NORMALISER_RATE = env_str("NEWROLES_API_NORMALISER_RATE", "30/m")

# Aggregates shown beyond the trust that owns them hide counts below this (shown as "*").
SMALL_COUNT_THRESHOLD = 5

# Costly map pages keep their figures and charts in each process until the next write (newroles.audit.cache).
PAGE_CACHE = env_bool("NEWROLES_PAGE_CACHE", True)

# The demo imports six months of synthetic staff record for fourteen trusts, so national, regional and trend
# pages show real figures; the test suite turns it off (each demo load would cost ~15 s more).
DEMO_STAFF_RECORD_BREADTH = env_bool("NEWROLES_DEMO_STAFF_RECORD_BREADTH", True)
# Figures a costly page computed under one version of the data (`audit.cache`) are kept in each process and,
# through files under var/cache, shared by the server's processes: one process draws the national map after
# a change and the others read its drawing. Stale versions are never read (the key holds the version) and
# age out.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Loaded in order by `newroles load_reference` (and `make install`); each returns a dict of counts.
REFERENCE_LOADERS = [
    "newroles.organisations.services.load_reference",
    "newroles.roles.services.load_catalogue",
    "newroles.skillmix.services.load_competency_defaults",
    "newroles.forewarning.services.load_events",
    "newroles.readiness.services.load_framework",
]
