"""Settings for the volunteer-posts site, read from the environment.

Development needs nothing set. Production is chosen with DJANGO_ENV=production, which
then requires a real SECRET_KEY and ALLOWED_HOSTS and turns on the HTTPS protections
that `manage.py check --deploy` looks for.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not IS_PRODUCTION)
if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) in production.")
else:
    # A fixed key is fine for development: it protects nothing real.
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
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
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "volunteer",
    "members",
    "inbox",
    "posts",
    "scoring",
    "helpdesk",
    "django_tasks",
    "django_tasks_db",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "volunteer.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle log-ins end (SESSION_IDLE_MINUTES); downloads go to the security trail.
    "members.middleware.IdleSessionMiddleware",
    "members.middleware.DownloadAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "volunteer.urls"
WSGI_APPLICATION = "volunteer.wsgi.application"

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
                "volunteer.layout.menu",
                "inbox.context_processors.text_size",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts: two requests that read then write
    # (confirming the last seat of a post) are then served one after the other.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # At least three of: lower-case, upper-case, digits, symbols (等保2.0 level 3).
    {
        "NAME": "members.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": env_int("PASSWORD_MIN_CLASSES", 3)},
    },
]
# Django's own PBKDF2 at full strength, hashed in a thread at the lowest priority (nice
# PASSWORD_HASHING_NICE, 0 to keep the normal one) so that a wave of log-ins takes only
# the CPU other requests leave (volunteer/hashing.py, docs/load.md). Django's plain PBKDF2
# hasher is left out: the last hasher of an algorithm would win.
PASSWORD_HASHERS = [
    "volunteer.hashing.NicePBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
PASSWORD_HASHING_NICE = env_int("PASSWORD_HASHING_NICE", 19)
# django-axes checks every log-in before the password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "members.backends.MobileNumberBackend",
    "members.backends.ActivationCodeBackend",
]
# A printed activation code opens a new log-in (or one whose password was forgotten)
# once, within this many days.
ACTIVATION_CODE_DAYS = env_int("ACTIVATION_CODE_DAYS", 14)
# ID numbers are stored encrypted (members/idnumbers.py). ID_NUMBER_KEYS: Fernet keys,
# comma-separated, newest first (the newest encrypts, all decrypt; README: rotation).
# ID_NUMBER_HASH_KEY: a separate secret for the keyed hash members are found by. Both
# travel apart from backups. Development and tests use the fixed, published keys below,
# which protect nothing: production refuses to start without its own.
DEVELOPMENT_ID_NUMBER_KEY = "ZGV2LW9ubHktaWQtbnVtYmVyLWtleS0wMTIzNDU2Nzg="
DEVELOPMENT_ID_NUMBER_HASH_KEY = "dev-only-id-number-hash-key-do-not-use-in-production"
if IS_PRODUCTION:
    ID_NUMBER_KEYS = env_list("ID_NUMBER_KEYS")
    ID_NUMBER_HASH_KEY = env_str("ID_NUMBER_HASH_KEY", "")
    if not ID_NUMBER_KEYS or not ID_NUMBER_HASH_KEY:
        raise ImproperlyConfigured(
            "Set ID_NUMBER_KEYS and ID_NUMBER_HASH_KEY in production (README: Personal data)."
        )
    if DEVELOPMENT_ID_NUMBER_KEY in ID_NUMBER_KEYS or (
        ID_NUMBER_HASH_KEY == DEVELOPMENT_ID_NUMBER_HASH_KEY
    ):
        raise ImproperlyConfigured(
            "ID_NUMBER_KEYS and ID_NUMBER_HASH_KEY must not be the published development keys."
        )
else:
    ID_NUMBER_KEYS = env_list("ID_NUMBER_KEYS", DEVELOPMENT_ID_NUMBER_KEY)
    ID_NUMBER_HASH_KEY = env_str("ID_NUMBER_HASH_KEY", DEVELOPMENT_ID_NUMBER_HASH_KEY)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True
FORMAT_MODULE_PATH = ["volunteer.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outside production, WhiteNoise serves straight from static/ (no collectstatic needed).
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's widget markup, the plain widgets written in Python (volunteer/forms_renderer.py).
FORM_RENDERER = "volunteer.forms_renderer.PythonWidgetsRenderer"

# Uploads: the roster import reads the file in memory; anything larger is refused.
ROSTER_MAX_UPLOAD_BYTES = env_int("ROSTER_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
ROSTER_MAX_ROWS = env_int("ROSTER_MAX_ROWS", 3000)
ROSTER_MAX_UNPACKED_BYTES = env_int("ROSTER_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Only `make load` turns these off: it talks plain HTTP to gunicorn on loopback.
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    # Behind a TLS-terminating proxy on the intranet, the proxy sets this header.
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Log-in throttling (django-axes): a user name is locked from one address only, so a
# guesser elsewhere cannot lock a secretary out of their own office. The overseers of
# the user's member file see the failures and may unlock (members:login-failures).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "members.views_logins.locked_out"
# Sessions (等保2.0 level 3): a role holder's or staff log-in ends after this many
# minutes without a request; a member without a role may stay idle longer.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
MEMBER_SESSION_IDLE_MINUTES = env_int("MEMBER_SESSION_IDLE_MINUTES", 7 * 24 * 60)
# The security audit trail (members.SecurityEvent) is kept this many days, at least 180,
# then pruned by `manage.py daily_sweep`.
AUDIT_KEEP_DAYS = env_int("AUDIT_KEEP_DAYS", 180)
if AUDIT_KEEP_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_KEEP_DAYS must be at least 180 (six months).")
if env_bool("BEHIND_TLS_PROXY", False):
    # The proxy appends the client's address; only the last hop is trusted.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy (django-csp 4): scripts and styles come from our static files
# only; no inline script, no eval, no style attributes (print templates are rendered to
# PDF on the server and never reach a browser).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The public help form's flood limit counts submissions per address in this cache. The
# default keeps them in each process's memory; set CACHE_BACKEND and CACHE_LOCATION to
# share one cache between gunicorn workers (e.g. django.core.cache.backends.redis.RedisCache
# at redis://127.0.0.1:6379/1).
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("CACHE_LOCATION", "volunteer"),
    }
}
# Sessions in the database by default; with a shared cache (Redis), `cached_db` reads
# them from the cache and still survives a cache restart, `cache` skips the database.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")
# The help form's limit per address (helpdesk.antispam). Only a load test from one
# address raises it.
HELPDESK_ASK_LIMIT = env_int("HELPDESK_ASK_LIMIT", 5)
HELPDESK_ASK_WINDOW = env_int("HELPDESK_ASK_WINDOW", 3600)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Text messages (SMS): "log" writes them to the log (development's default), "gateway"
# posts them to SMS_GATEWAY_URL (see inbox/sms.py), "none" sends none (production's
# default until a gateway is configured).
SMS = env_str(
    "SMS", "gateway" if os.environ.get("SMS_GATEWAY_URL") else ("none" if IS_PRODUCTION else "log")
)
_SMS_BACKENDS = {"log": "inbox.sms.LogBackend", "gateway": "inbox.sms.GatewayBackend"}
if SMS not in {*_SMS_BACKENDS, "none"}:
    raise ImproperlyConfigured("SMS must be 'log', 'gateway' or 'none'.")
SMS_BACKEND = _SMS_BACKENDS.get(SMS, "")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
if SMS == "gateway" and not SMS_GATEWAY_URL:
    raise ImproperlyConfigured("Set SMS_GATEWAY_URL to send text messages through a gateway.")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 5)
SMS_SIGN = env_str("SMS_SIGN", "党员先锋岗")
# Where an inbox message is repeated: dotted paths to `send(notification)` callables.
INBOX_CHANNELS = ["inbox.channels.email_channel"] + (
    ["inbox.channels.sms_channel"] if SMS_BACKEND else []
)
# The site's own address, for links that leave it (e-mails have no request to ask).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (jobs app on django-tasks). By default there is no worker: a job runs
# inside the request that starts it (ImmediateBackend) and the user lands on a finished
# job page. TASKS_BACKEND=database queues jobs in the database for
# `manage.py db_worker`. A running job whose heartbeat is older than JOBS_STALE_SECONDS
# is reported failed (its worker died) and may be retried; batches of at most
# JOBS_DIRECT_MAX documents may still be downloaded straight away; a job renders its PDF
# JOBS_CHUNK_SIZE documents at a time; finished jobs are deleted by `manage.py
# jobs_sweep` after JOBS_KEEP_DAYS.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'immediate' or 'database'.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 60)
JOBS_DIRECT_MAX = env_int("JOBS_DIRECT_MAX", 30)
JOBS_CHUNK_SIZE = env_int("JOBS_CHUNK_SIZE", 25)
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 7)
# Text messages hold a phone number and what was said to it: once sent or given up, they
# are kept this many days (to answer "did I get a text?") and then deleted by
# `manage.py daily_sweep`.
TEXTS_KEEP_DAYS = env_int("TEXTS_KEEP_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
