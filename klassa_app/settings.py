"""Klassa settings, read from the environment.

Development needs no configuration at all: SQLite, in-process tasks, e-mail on the
console and demo mode on. Production (``KLASSA_ENV=production``) refuses to start without
a secret key and allowed hosts, and refuses debug and demo mode.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from klassa_app.observability import init_sentry, parse_admins

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


KLASSA_ENV = os.environ.get("KLASSA_ENV", "development").lower()
if KLASSA_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("KLASSA_ENV must be 'development' or 'production'.")
PRODUCTION = KLASSA_ENV == "production"

DEBUG = env_bool("KLASSA_DEBUG", not PRODUCTION)
# Demo users and their published passwords exist only in demo mode.
DEMO_MODE = env_bool("KLASSA_DEMO", not PRODUCTION)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("KLASSA_DEBUG must be off when KLASSA_ENV=production.")
    if DEMO_MODE:
        raise ImproperlyConfigured("KLASSA_DEMO must be off when KLASSA_ENV=production.")
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters in production."
        )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names of this installation.")
else:
    SECRET_KEY = os.environ.get(
        "SECRET_KEY", "django-insecure-development-key-never-use-in-production"
    )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "klassa_app.apps.KlassaAppConfig",
    "assessments.apps.AssessmentsConfig",
    "benefits.apps.BenefitsConfig",
    "portfolio.apps.PortfolioConfig",
    "interchange.apps.InterchangeConfig",
    "worklist.apps.WorklistConfig",
    "api.apps.ApiConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "mozilla_django_oidc",
    "ninja",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "klassa_app.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "klassa_app.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "klassa_app.links.RequestOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "klassa_app.middleware.CurrentOrganisationMiddleware",
    # After the memberships are read: a session that owes its second factor goes to that step.
    "klassa_app.signin.mfa_middleware.SecondFactorMiddleware",
    # Last, so that a lockout is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "klassa_app.urls"
WSGI_APPLICATION = "klassa_app.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "klassa_app.context_processors.klassa",
                "worklist.context_processors.worklist",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server read while a task writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several web and worker processes share one cache only through Redis; production refuses
# the in-process default (klassa.E002 in klassa_app.checks).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if CACHE_URL:
    if urlsplit(CACHE_URL).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            "CACHE_URL must be a Redis URL (redis://, rediss:// or unix://), "
            "for example redis://redis:6379/1."
        )
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
    }

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "klassa_app.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "klassa_app.auth_backends.KlassaModelBackend",
    # Loads the people signed in through OpenID Connect; the sign-in itself runs in
    # klassa_app.signin.oidc_views, never through django.contrib.auth.authenticate.
    "klassa_app.signin.oidc_backend.KlassaOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # an invitation link lives three days

# django-axes: five wrong passwords lock the account+address pair for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# One account whatever the spelling of its e-mail address (trimmed, lower case).
AXES_USERNAME_CALLABLE = "klassa_app.auth_backends.axes_username"
# Behind the reverse proxy the client address comes from X-Forwarded-For (django-ipware),
# so that a lockout hits the attacker's address, not the proxy's.
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
if AXES_IPWARE_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

# --- Sign-in with OpenID Connect (docs/sign-in.md) -----------------------------------------
# The installation's own identity provider, besides those organisation admins configure.
# Unset: none. It signs people into the organisation whose code OIDC_ORGANISATION names.
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL") or None
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID") or None
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET") or None
OIDC_LABEL = os.environ.get("OIDC_LABEL") or None
OIDC_ORGANISATION = os.environ.get("OIDC_ORGANISATION") or None
# Microsoft Entra ID: "oid", the object id that stays the same in every application.
OIDC_SUBJECT_CLAIM = os.environ.get("OIDC_SUBJECT_CLAIM") or "sub"
OIDC_SCOPES = os.environ.get("OIDC_SCOPES") or "openid email profile"
# Link invited people by an e-mail address the provider does not mark as verified.
OIDC_TRUST_EMAIL = env_bool("OIDC_TRUST_EMAIL", False)
if OIDC_DISCOVERY_URL and not (OIDC_CLIENT_ID and OIDC_ORGANISATION):
    raise ImproperlyConfigured(
        "OIDC_DISCOVERY_URL needs OIDC_CLIENT_ID and OIDC_ORGANISATION (the code of the "
        "organisation its people sign in to)."
    )
# mozilla-django-oidc: the seconds to wait for the provider.
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_RP_SIGN_ALGO = "RS256"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "klassa_app" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES: dict[str, dict] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves straight from the app folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Files: reports, exports ----------------------------------------------------------------
# A worker writes a report and any web process serves it, so every node must see the same
# files: MEDIA_ROOT on one volume mounted everywhere (docker-compose.yml), or S3-compatible
# object storage when S3_BUCKET is set. Code reads and writes only through the storage API
# (FileField, default_storage), never through a local path.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    if S3_ENDPOINT_URL and urlsplit(S3_ENDPOINT_URL).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            "S3_ENDPOINT_URL must be an http(s) address such as https://s3.example.se."
        )
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    if bool(S3_ACCESS_KEY_ID) != bool(S3_SECRET_ACCESS_KEY):
        raise ImproperlyConfigured(
            "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (then the "
            "credentials come from the machine's role)."
        )
    S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE") or (
        # Most S3-compatible services (MinIO, Ceph) answer bucket names in the path only.
        "path" if S3_ENDPOINT_URL else "auto"
    )
    if S3_ADDRESSING_STYLE not in {"auto", "path", "virtual"}:
        raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be auto, path or virtual.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "location": os.environ.get("S3_PREFIX", "").strip("/"),
            "addressing_style": S3_ADDRESSING_STYLE,
            # Files are private: people download them through Klassa, which checks access.
            "default_acl": None,
            "querystring_auth": True,
            # Like the file system: a name in use gets a new one, nothing is overwritten.
            "file_overwrite": False,
        },
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Klassa <klassa@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
# The absolute address that links in e-mails point to (e-mails are sent by workers, which
# have no request to build it from). Left unset in debug mode, links follow the address the
# development server was last reached at (klassa_app.links), whatever its port.
KLASSA_BASE_URL = os.environ.get("KLASSA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
KLASSA_BASE_URL_EXPLICIT = bool(os.environ.get("KLASSA_BASE_URL"))

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker, tasks run in-process so the quick start needs nothing but Python: in a
# background thread after the response (klassa_app.queue), or inside the request when
# KLASSA_TASKS_INLINE is on (the test suite, so that a request's work is done when it returns).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
KLASSA_TASKS_INLINE = env_bool("KLASSA_TASKS_INLINE", False)
KLASSA_TASK_THREADS = env_int("KLASSA_TASK_THREADS", 2)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or (CELERY_BROKER_URL or None)
# Lets several installations (or a test run) share one Redis without taking each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page must not hang when the broker is down: try briefly, then let the caller record
# the task as pending (see klassa_app.queue).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BEAT_SCHEDULE = {
    "send-pending-invitations": {
        "task": "klassa_app.tasks.send_pending_invitations",
        "schedule": 15 * 60,
    },
    "requeue-stale-report-jobs": {
        "task": "assessments.tasks.requeue_stale_report_jobs",
        "schedule": 5 * 60,
    },
    "requeue-stale-register-exports": {
        "task": "interchange.tasks.requeue_stale_register_exports",
        "schedule": 5 * 60,
    },
    "requeue-stale-spreadsheet-exports": {
        "task": "interchange.tasks.requeue_stale_spreadsheet_exports",
        "schedule": 5 * 60,
    },
    "requeue-stale-register-imports": {
        "task": "interchange.tasks.requeue_stale_register_imports",
        "schedule": 5 * 60,
    },
    "requeue-stale-portfolio-jobs": {
        "task": "portfolio.tasks.requeue_stale_portfolio_jobs",
        "schedule": 5 * 60,
    },
    "solve-pending-portfolio-results": {
        "task": "portfolio.tasks.solve_pending_results",
        "schedule": 5 * 60,
    },
    "send-pending-session-invitations": {
        "task": "assessments.tasks.send_pending_session_invitations",
        "schedule": 15 * 60,
    },
    "send-pending-notification-emails": {
        "task": "klassa_app.tasks.send_pending_notification_emails",
        "schedule": 15 * 60,
    },
    "notification-digest": {
        "task": "klassa_app.tasks.send_notification_digest",
        # Every day at 06:30, Swedish time, before the working day.
        "schedule": crontab(minute=30, hour=6),
    },
    "overdue-review-digest": {
        "task": "assessments.tasks.send_overdue_review_digest",
        # Mondays at 07:00, Swedish time.
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "klassa_app.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a decision about the whole domain that the municipality takes,
        # not a default an application may take for it.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP from inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# No inline scripts or styles anywhere: every asset is a file served by the app itself.
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

# Errors: to Sentry or a self-hosted GlitchTip when SENTRY_DSN is set, otherwise e-mailed to
# ADMINS ("Name <address>, address2"). Logs: JSON lines with the request id in production.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
ADMINS = parse_admins(os.environ.get("ADMINS", ""))
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'plain'.")
_error_handlers = ["mail_admins"] if ADMINS and not SENTRY_DSN else []
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "klassa_app.observability.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "klassa_app.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console", *_error_handlers], "propagate": False},
        "celery": {"handlers": ["console", *_error_handlers], "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every font and image it loads at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Klassa ---------------------------------------------------------------------------------
KLASSA_AUDIT_PAGE_SIZE = 50
# Called by load_demo after the core demo data, so the core needs no import of the apps
# that build on it (each takes an ``actor`` argument, None for the system).
KLASSA_DEMO_LOADERS = [
    "interchange.register.load_demo_register",
    "portfolio.demo.load_demo_portfolio",
    "benefits.demo.load_demo_benefits",
    "assessments.demo.load_demo_work",
]
KLASSA_LIST_PAGE_SIZE = 50
# Requests per API token (or signed-in person) in each window of that many seconds.
KLASSA_API_RATE_LIMIT = env_int("KLASSA_API_RATE_LIMIT", 600)
KLASSA_API_RATE_WINDOW = env_int("KLASSA_API_RATE_WINDOW", 60)
# How long an external guest's link to a consensus session stays valid, in days.
KLASSA_GUEST_LINK_DAYS = env_int("KLASSA_GUEST_LINK_DAYS", 14)
# Background work queued longer than this (seconds) tells the person waiting that the report
# service is not answering; /healthz and the admin's status panel report the oldest.
KLASSA_QUEUE_STALE_SECONDS = env_int("KLASSA_QUEUE_STALE_SECONDS", 120)
# Where /healthz finds queued work: each returns the oldest queued time (organisation or None
# for all), so the core needs no import of the apps that build on it.
# Who may still see what a notification is about: object type → a function
# ``(user, ids) → visible ids`` of the app that owns the objects (see klassa_app.notifications).
KLASSA_NOTIFICATION_OBJECTS = {
    "assessments.consensussession": "assessments.notifications.visible_session_ids",
    "assessments.assessment": "assessments.notifications.visible_assessment_ids",
    "assessments.informationasset": "assessments.notifications.visible_asset_ids",
}
KLASSA_QUEUE_PROBES = [
    "klassa_app.health.oldest_queued_file_job",
    "portfolio.health.oldest_pending_result",
    "interchange.register_import.oldest_queued_import",
]

if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", KLASSA_ENV),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
