"""One settings module. Every knob is an environment variable with a safe default;
a bad value fails loudly at start-up."""

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def _in_range(name: str, value, minimum, maximum):
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            bounds = f"at least {minimum}"
        elif minimum is None:
            bounds = f"at most {maximum}"
        else:
            bounds = f"between {minimum} and {maximum}"
        raise ImproperlyConfigured(f"{name} must be {bounds}, got {value!r}")
    return value


def envint(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """An integer setting; a value that is not an integer or out of range stops start-up."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    return _in_range(name, value, minimum, maximum)


def envfloat(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc
    return _in_range(name, value, minimum, maximum)


CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
    # Django's Redis cache, reusing its client objects (lienhe/rediscache.py, issue 21).
    "redis": "lienhe.rediscache.RedisCache",
}


def cache_settings(backend: str, location: str, url: str) -> dict:
    """The default cache from CACHE_BACKEND (locmem, db, redis), CACHE_LOCATION (table
    or locmem name) and CACHE_URL (redis://…; alone it selects redis). Anything else
    stops start-up: a silent fall back to local memory breaks the API rate limit
    across processes."""
    backend = backend.strip().lower() or ("redis" if url else "locmem")
    if backend not in CACHE_BACKENDS:
        raise ImproperlyConfigured(
            f"CACHE_BACKEND must be one of {', '.join(CACHE_BACKENDS)}, got {backend!r}"
        )
    if backend != "redis":
        if url:
            raise ImproperlyConfigured(
                f"CACHE_URL is only used with CACHE_BACKEND=redis, not {backend!r}"
            )
        return {"BACKEND": CACHE_BACKENDS[backend], "LOCATION": location}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"CACHE_BACKEND=redis needs CACHE_URL=redis://host:6379/0, got {url!r}"
        )
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "CACHE_BACKEND=redis needs the 'redis' Python package, which is not installed"
        )
    return {"BACKEND": CACHE_BACKENDS["redis"], "LOCATION": url}


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Off unless asked for (issue 15, finding 9): a production start without the variable
# must not show Django's debug pages. `make demo`/`make run` and the tests
# (lienhe/settings_test.py) set DEBUG=1 themselves for the plain-HTTP defaults.
DEBUG = envbool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "treebeard",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "lienhe.orgs",
    "lienhe.members",
    "lienhe.access",
    "lienhe.audit",
    "lienhe.notify",
    "lienhe.documents",
    "lienhe.liaison",
    "lienhe.meetings",
    "lienhe.away",
    "lienhe.visits",
    "lienhe.petitions",
    "lienhe.reviews",
    "lienhe.reports",
    "lienhe.summaries",
    "lienhe.api",
    "lienhe.demo",
]
if "postgres" in env("DATABASE_URL"):
    INSTALLED_APPS.append("django.contrib.postgres")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lienhe.access.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lienhe.access.middleware.TwoFactorMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lienhe.urls"
WSGI_APPLICATION = "lienhe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lienhe" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lienhe.access.context.navigation",
            ],
            # Our `date` filter overrides Django's (digits-only formats written
            # directly, the rest delegated): lienhe/datefilter.py, issue 21.
            "builtins": ["lienhe.datefilter"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60, minimum=0),
        # A persistent connection broken by a database restart is replaced on the
        # next request instead of failing it (issue 10 fault test).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the demo/worker writes; a short busy timeout
    # turns "database is locked" into a wait.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # PostgreSQL's JIT compiles any query the planner costs above 100.000 (a list of a
    # province's 100.000 members is one): 50-150 ms of compiling for a query that runs
    # in 20 ms. Parallel workers likewise: a list's page of ids ran in 12 ms with two
    # workers and 6 ms without, and under load the workers take the cores the other
    # requests need. Lienhe's queries are short OLTP reads, so both are off (issue 21;
    # `?options=` in DATABASE_URL overrides, docs/operations.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c max_parallel_workers_per_gather=0"
    )
# Optional read replica for reports (PostgreSQL streaming replication); see
# docs/scaling.md and lienhe/dbrouter.py.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"), conn_max_age=envint("DB_CONN_MAX_AGE", 60, minimum=0)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
DATABASE_ROUTERS = ["lienhe.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL's index-only scans of the big lists
# (issue 21); SQLite builds the same index without the extra columns, which is fine.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lienhe.access.backends.UsernameOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "access:login"

# Login throttling (django-axes): lock an account+IP pair after repeated failures.
# The "username" axes sees is the resolved account (any letter case, any phone
# format; lienhe.access.backends.axes_username), issue 15 finding 1.
AXES_USERNAME_CALLABLE = "lienhe.access.backends.axes_username"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = envbool("AXES_ENABLED", True)

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# The idle limit slides without a write per request: `SessionRefreshMiddleware`
# saves the session again only when its last refresh is older than this (issue 21).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = envint("SESSION_REFRESH_SECONDS", 300, minimum=0, maximum=3600)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt"))]
LOCALE_PATHS = [BASE_DIR / "lienhe" / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# Grouping only where asked (|vnum): a global separator would also print years as
# 2.026 and ids in query strings as 1.234.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["lienhe.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "lienhe" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Django 6.1 mailers. EMAIL_BACKEND=console (default) prints mail; smtp sends it.
_EMAIL_BACKENDS = {
    "console": "lienhe.notify.mail.ConsoleEmailBackend",  # readable Vietnamese
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = env("EMAIL_BACKEND", "console" if DEBUG else "smtp")
if _email_backend not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"EMAIL_BACKEND must be one of {sorted(_EMAIL_BACKENDS)}")
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKENDS[_email_backend],
        "OPTIONS": (
            {
                "host": env("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 25, minimum=1, maximum=65535),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": envbool("EMAIL_USE_TLS", False),
                # The worker waits this long for the server, then retries later.
                "timeout": envint("EMAIL_TIMEOUT", 30),
            }
            if _email_backend == "smtp"
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "lienhe@localhost")

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Security: strict defaults outside debug so `check --deploy` is clean.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (Django 6 built-in): no inline scripts or style attributes,
# nothing from other hosts. JS lives in lienhe/static/lienhe/.
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

# Two-factor login (issue 10): committee staff and superusers must use TOTP.
# `make demo` runs with LIENHE_REQUIRE_2FA=0 so the demo accounts stay usable.
LIENHE_REQUIRE_2FA = envbool("LIENHE_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Lienhe"

# Optional single sign-on with the province's OpenID Connect provider (issue 9,
# docs/sso.md), via mozilla-django-oidc. Off unless OIDC_RP_CLIENT_ID is set; local
# username/phone + password login keeps working either way. The IdP only proves who
# someone is: accounts and roles are still granted in Lienhe.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT") or None
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", "openid email profile phone")
OIDC_LOGIN_LABEL = env("OIDC_LOGIN_LABEL", "Đăng nhập bằng tài khoản của tỉnh")
OIDC_MATCH_CLAIM = env("OIDC_MATCH_CLAIM", "preferred_username")
if OIDC_MATCH_CLAIM not in ("preferred_username", "email", "phone_number"):
    raise ImproperlyConfigured(
        "OIDC_MATCH_CLAIM must be preferred_username, email or phone_number, "
        f"got {OIDC_MATCH_CLAIM!r}"
    )
OIDC_CREATE_USERS = envbool("OIDC_CREATE_USERS", False)
# Skip Lienhe's own TOTP step only when the IdP says (ID token `amr`) it did MFA.
OIDC_TRUSTS_IDP_MFA = envbool("OIDC_TRUSTS_IDP_MFA", False)
OIDC_USE_PKCE = envbool("OIDC_USE_PKCE", True)
OIDC_TIMEOUT = envint(
    "OIDC_TIMEOUT", 10, minimum=1, maximum=300
)  # seconds per call to the IdP (library: forever)
OIDC_CALLBACK_CLASS = "lienhe.access.oidc.CallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/tai-khoan/dang-nhap/?sso=loi"
# Password attempts stay throttled; SSO callbacks (no password) are not counted.
AXES_WHITELIST_CALLABLE = "lienhe.access.oidc.axes_exempt_sso"
if OIDC_ENABLED:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _missing and not (_missing == ["OIDC_OP_JWKS_ENDPOINT"] and OIDC_RP_SIGN_ALGO == "HS256"):
        raise ImproperlyConfigured(f"SSO is on (OIDC_RP_CLIENT_ID) but {', '.join(_missing)} unset")
    INSTALLED_APPS.append("mozilla_django_oidc")
    # After the password backends: they ignore the OIDC callback and vice versa.
    AUTHENTICATION_BACKENDS.append("lienhe.access.oidc.ProvinceOIDCBackend")

# API: requests per token per window (seconds). Counted in the cache: with several
# app processes point CACHE_LOCATION at a shared database cache (see docs/api.md).
API_RATE_LIMIT = envint("API_RATE_LIMIT", 600, minimum=1)
API_RATE_WINDOW = envint("API_RATE_WINDOW", 60, minimum=1)
CACHES = {
    "default": cache_settings(
        env("CACHE_BACKEND"), env("CACHE_LOCATION", "lienhe_cache"), env("CACHE_URL")
    )
}
# Sessions read from Redis when Redis is the cache (shared by every process), written
# through to the database: one query less per request (issue 21). With the per-process
# locmem cache a session ended in one process would live on in another: database only.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"] == CACHE_BACKENDS["redis"]
    else "django.contrib.sessions.backends.db"
)
# Per-user home panels and red-flag top 10 kept this many seconds in the cache above,
# dropped earlier by any write in the user's scope (issue 21, docs/scaling.md); 0 = off.
LIENHE_PAGE_CACHE_SECONDS = envint("LIENHE_PAGE_CACHE_SECONDS", 60, minimum=0, maximum=3600)
# Module reports (participation, meetings, petitions, away, fees, comments) cached per
# organization and parameters this many seconds, dropped earlier by any write through
# the summaries hooks in the subtree; what no hook follows (a policy edit) shows after
# at most this long (docs/scaling.md); 0 = off.
LIENHE_REPORT_CACHE_SECONDS = envint("LIENHE_REPORT_CACHE_SECONDS", 300, minimum=0, maximum=3600)
# A list's results (count, rows, pager) cached per user, address and day this many
# seconds, dropped by any write on a table they read (lienhe/listcache.py); 0 = off.
# Off by default with the per-process locmem cache: a write seen by one gunicorn
# worker would leave the others' lists stale until the timeout.
LIENHE_LIST_CACHE_SECONDS = envint(
    "LIENHE_LIST_CACHE_SECONDS",
    0 if CACHES["default"]["BACKEND"] == CACHE_BACKENDS["locmem"] else 300,
    minimum=0,
    maximum=3600,
)
# The same time, the same key and the same versions keep a detail page's whole HTML
# (`@cached_page`, lienhe/pagecache.py). The tests turn on the check that each such
# page declares every table it reads.
LIENHE_PAGE_TABLES_CHECK = False

# SMS gateway class (dotted path); the default only logs messages (docs/liaison.md).
LIENHE_SMS_BACKEND = env("LIENHE_SMS_BACKEND", "")
# lienhe.notify.sms.HTTPSMSBackend: a brand-name SMS gateway over HTTP (docs/notify.md).
LIENHE_SMS_HTTP = {
    "URL": env("LIENHE_SMS_HTTP_URL"),
    "FORMAT": env("LIENHE_SMS_HTTP_FORMAT", "json"),  # json | form
    "TEMPLATE": env(
        "LIENHE_SMS_HTTP_TEMPLATE", '{"to": "{phone}", "content": "{text}", "sender": "{sender}"}'
    ),
    "SENDER": env("LIENHE_SMS_HTTP_SENDER"),  # the registered brand name
    "USERNAME": env("LIENHE_SMS_HTTP_USER"),
    "PASSWORD": env("LIENHE_SMS_HTTP_PASSWORD"),
    "TOKEN": env("LIENHE_SMS_HTTP_TOKEN"),
    "SUCCESS": env("LIENHE_SMS_HTTP_SUCCESS"),  # text a successful answer contains
    "TIMEOUT": envint("LIENHE_SMS_HTTP_TIMEOUT", 10),
}
if LIENHE_SMS_HTTP["FORMAT"] not in ("json", "form"):
    raise ImproperlyConfigured("LIENHE_SMS_HTTP_FORMAT must be json or form")
# E-mail/SMS deliveries (docs/notify.md): attempts before giving up, and the first
# wait between attempts (then x4 each time: 1, 4, 16, 64, 256 minutes).
LIENHE_DELIVERY_MAX_ATTEMPTS = envint("LIENHE_DELIVERY_MAX_ATTEMPTS", 6)
LIENHE_DELIVERY_BACKOFF_SECONDS = envint("LIENHE_DELIVERY_BACKOFF_SECONDS", 60)
# Member import limits (docs/import.md).
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 60 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 200000, minimum=1)  # empty rows count too
# Uncompressed sizes of an .xlsx's parts, checked before parsing (zip bombs, issue 15).
IMPORT_MAX_UNZIPPED_BYTES = envint(
    "IMPORT_MAX_UNZIPPED_BYTES", 400 * 1024 * 1024, minimum=1024 * 1024
)
IMPORT_MAX_PART_BYTES = envint("IMPORT_MAX_PART_BYTES", 256 * 1024 * 1024, minimum=1024 * 1024)
IMPORT_MAX_SHARED_STRINGS_BYTES = envint(
    "IMPORT_MAX_SHARED_STRINGS_BYTES", 40 * 1024 * 1024, minimum=1024 * 1024
)

DEMO_PASSWORD = env("LIENHE_DEMO_PASSWORD", "lienhe-demo")
# Rows a page on every list (lienhe.access.requests.paginate).
LIST_PAGE_SIZE = envint("LIST_PAGE_SIZE", 50, minimum=1, maximum=1000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
# Exports above this many rows must be narrowed by a filter (or run as a task).
EXPORT_SYNC_LIMIT = envint("EXPORT_SYNC_LIMIT", 20000, minimum=1)
# Periodic reports of subtrees up to this many members are computed in the request;
# larger ones run in the background task worker with a progress bar.
PERIODIC_INLINE_LIMIT = envint("PERIODIC_INLINE_LIMIT", 20000, minimum=0)

# Task worker liveness (lienhe/audit/taskwatch.py, docs/operations.md): beat every
# HEARTBEAT seconds; a RUNNING task silent for STALE seconds is requeued, and failed
# (WorkerLost) after MAX_ATTEMPTS claims.
LIENHE_TASK_HEARTBEAT_SECONDS = envfloat("LIENHE_TASK_HEARTBEAT_SECONDS", 10, minimum=0.1)
LIENHE_TASK_STALE_SECONDS = envfloat("LIENHE_TASK_STALE_SECONDS", 90, minimum=1)
if LIENHE_TASK_STALE_SECONDS <= LIENHE_TASK_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "LIENHE_TASK_STALE_SECONDS must be longer than LIENHE_TASK_HEARTBEAT_SECONDS, got "
        f"{LIENHE_TASK_STALE_SECONDS} <= {LIENHE_TASK_HEARTBEAT_SECONDS}"
    )
LIENHE_TASK_MAX_ATTEMPTS = envint("LIENHE_TASK_MAX_ATTEMPTS", 3, minimum=1, maximum=100)
# Demo data: attendance rows written in full up to this many (lienhe/meetings/demo.py).
LIENHE_DEMO_ATTENDANCE_ROWS = envint("LIENHE_DEMO_ATTENDANCE_ROWS", 1_200_000, minimum=0)
