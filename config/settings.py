"""Django settings for dichvucong, read only from environment variables (see ``.env.example``).

``config.env`` is the one place that parses them; a wrong value stops the start with a message that
names the variable. ``DJANGO_ENV`` picks the safety defaults: ``production`` refuses to start without
a secret key and allowed hosts and turns every secure-cookie and HSTS switch on.
"""

from __future__ import annotations

import os
from datetime import time as _time
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_int, env_list, env_parsed, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", ("development", "test", "production"), "development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be false when DJANGO_ENV=production")

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789"  # noqa: S105
elif len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 characters long")

_LOCAL_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else _LOCAL_HOSTS)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_ENV=production"
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Demo mode loads the demo city and its demo accounts; never on in production by default.
DEMO_MODE = env_bool("DEMO_MODE", not PRODUCTION)
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "dichvucong-demo-2026")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_prometheus",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "dichvucong.core",
    "dichvucong.accounts",
    "dichvucong.agencies",
    "dichvucong.notifications",
    "dichvucong.workflows",
    "dichvucong.forms",
    "dichvucong.security",
    "dichvucong.identity",
    "oauth2_provider",
    "dichvucong.procedures",
    "dichvucong.dossiers",
    "dichvucong.evaluations",
    "dichvucong.reports",
    "dichvucong.api",
    "dichvucong.sites.portal",
    "dichvucong.sites.backoffice",
    "dichvucong.sites.evaluation",
    "dichvucong.demo",
    "dichvucong.bench",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "dichvucong.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dichvucong.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dichvucong.security.middleware.IdleTimeoutMiddleware",
    "dichvucong.security.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dichvucong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "dichvucong.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dichvucong.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "django_prometheus.db.backends.postgresql"
    _db.setdefault("TEST", {})["NAME"] = env_str("DATABASE_TEST_NAME", "") or None
    if not env_bool("DATABASE_JIT", False):
        # PostgreSQL's JIT compiles a query whose estimated cost is high — a statistics sum over a
        # few hundred thousand rollup rows — spending 0.2–1 s compiling what runs in 15 ms (measured at
        # 10 million dossiers, docs/performance.md). Our queries are short: off unless asked for.
        _db.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    if DJANGO_ENV == "test":
        # Live-server request threads end without closing a persistent connection; with a max age
        # the session outlives the thread and blocks dropping the test database at the end.
        _db["CONN_MAX_AGE"] = 0
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["ENGINE"] = "django_prometheus.db.backends.sqlite3"
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # WAL lets the web server and the worker read while the other writes; IMMEDIATE avoids
        # "database is locked" upgrades in the middle of a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…) or SQLite (sqlite:///…)")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = "postgresql" in _db["ENGINE"]

# --- Cache, broker, background work -------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://, got {REDIS_URL!r}")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A broker that needs no server: messages are files in var/broker (single machine only).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        os.makedirs(BROKER_DIR / _folder, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 30, minimum=1)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300, minimum=5)
# Beat sweeps of workflow task SLA states (reminders, escalations) and BPMN timers.
WORKFLOW_SLA_SWEEP_SECONDS = env_int("WORKFLOW_SLA_SWEEP_SECONDS", 300, minimum=10)
if REDIS_URL or CELERY_BROKER_URL.startswith("redis"):
    # A blackholed broker must not stall the publish that runs at commit time.
    CELERY_BROKER_CONNECTION_TIMEOUT = 3
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5, "max_retries": 1}

# --- Auth -----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "dichvucong.accounts.backends.ContactBackend",
    "dichvucong.agencies.backends.CityAdminPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
# One-time codes that verify an e-mail address or phone number (accounts.verification).
OTP_TTL_MINUTES = env_int("OTP_TTL_MINUTES", 10, minimum=1, maximum=60)
OTP_RESEND_SECONDS = env_int("OTP_RESEND_SECONDS", 60, minimum=0, maximum=3600)

# --- Personal data encrypted at rest (dichvucong.core.crypto) --------------------------------------
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
FIELD_HASH_KEY = env_str("FIELD_HASH_KEY")
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DJANGO_ENV=production")
if PRODUCTION and not FIELD_HASH_KEY:
    raise ImproperlyConfigured("FIELD_HASH_KEY must be set when DJANGO_ENV=production")
if not FIELD_ENCRYPTION_KEYS:  # development and tests only: a fixed, public key
    FIELD_ENCRYPTION_KEYS = ["ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk="]
if not FIELD_HASH_KEY:
    FIELD_HASH_KEY = "development-blind-index-key-not-for-production"
elif len(FIELD_HASH_KEY) < 32:
    raise ImproperlyConfigured("FIELD_HASH_KEY must be at least 32 characters long")
LOGOUT_REDIRECT_URL = "portal:home"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "dichvucong.security.lockout.lockout_response"
# Strong authentication (dichvucong.security): idle timeouts, TOTP (django-otp), unlock links.
OFFICER_IDLE_TIMEOUT_MINUTES = env_int("OFFICER_IDLE_TIMEOUT_MINUTES", 15, minimum=1)
CITIZEN_IDLE_TIMEOUT_MINUTES = env_int("CITIZEN_IDLE_TIMEOUT_MINUTES", 60, minimum=1)
UNLOCK_LINK_MINUTES = env_int("UNLOCK_LINK_MINUTES", 60, minimum=5)
OTP_TOTP_ISSUER = "Dịch vụ công TP.HCM"

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS: list[Path] = []  # each app keeps its own locale/ directory
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "dvc_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "dichvucong" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- E-mail (real SMTP when EMAIL_HOST is set; files in var/mail otherwise) -----------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587 if EMAIL_HOST else 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 15, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cổng Dịch vụ công <no-reply@dichvucong.local>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_HOST must be set when DJANGO_ENV=production")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# --- SMS gateway (adapter in dichvucong.clients.sms) ----------------------------------------------
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_API_KEY = env_str("SMS_GATEWAY_API_KEY")
SMS_SENDER_NAME = env_str("SMS_SENDER_NAME", "DICHVUCONG")
SMS_TIMEOUT = env_int("SMS_TIMEOUT", 10, minimum=1)

# --- Forms engine (dichvucong.forms) and its look-up service (dichvucong.clients.prefill_service) ---
FORMS_MAX_SUBMISSION_BYTES = env_int("FORMS_MAX_SUBMISSION_BYTES", 262144, minimum=1024)
FORMS_PREFILL_HTTP_URL = env_str("FORMS_PREFILL_HTTP_URL")
FORMS_PREFILL_HTTP_API_KEY = env_str("FORMS_PREFILL_HTTP_API_KEY")

# --- Dossier uploads and ClamAV (dichvucong.dossiers.uploads, dichvucong.clients.clamav) ------------
DOSSIER_MAX_UPLOAD_MB = env_int("DOSSIER_MAX_UPLOAD_MB", 10, minimum=1, maximum=100)
DOSSIER_UPLOAD_TYPES = env_list("DOSSIER_UPLOAD_TYPES", ["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "odt"])
CLAMAV_HOST = env_str("CLAMAV_HOST")  # empty: no virus scan (documents are marked "not scanned")
CLAMAV_PORT = env_int("CLAMAV_PORT", 3310, minimum=1, maximum=65535)
CLAMAV_TIMEOUT = env_int("CLAMAV_TIMEOUT", 10, minimum=1)

# --- Working-day calendar and deadlines (dichvucong.agencies.workdays, SPEC-VN §5) ----------------
# Near due when the working time left is at most this % of the allowed time (never less than 1 working day).
DEADLINE_NEAR_DUE_PERCENT = env_int("DEADLINE_NEAR_DUE_PERCENT", 20, minimum=0, maximum=100)
# Wards open Saturday mornings for reception; whether Saturdays count for deadlines is a policy (default no).
DEADLINE_COUNT_SATURDAYS = env_bool("DEADLINE_COUNT_SATURDAYS", False)
SUPPLEMENT_CLOCK_POLICY = env_choice("SUPPLEMENT_CLOCK_POLICY", ("restart", "pause"), "restart")
# Decree 61 Art. 19: a dossier received after this time counts from the next working day.
AFTERNOON_CUTOFF = env_parsed("AFTERNOON_CUTOFF", _time.fromisoformat, _time(15, 0), "a time HH:MM")

# --- Satisfaction evaluation (dichvucong.evaluations, SPEC-VN §3) -----------------------------------
# Minutes during which the applicant may change a rating; after that it is frozen.
EVALUATION_EDIT_MINUTES = env_int("EVALUATION_EDIT_MINUTES", 30, minimum=0, maximum=1440)
# Working days a unit has to close a follow-up opened from a rating (evaluation index 8).
EVALUATION_FOLLOW_UP_WORKING_DAYS = env_int("EVALUATION_FOLLOW_UP_WORKING_DAYS", 10, minimum=1, maximum=60)
# Days a signed evaluation link (receipt/result QR, SMS) stays valid.
EVALUATION_LINK_DAYS = env_int("EVALUATION_LINK_DAYS", 60, minimum=1, maximum=3650)
# Ratings one kiosk, or one IP address on the phone link, may send per hour before being refused.
EVALUATION_KIOSK_MAX_PER_HOUR = env_int("EVALUATION_KIOSK_MAX_PER_HOUR", 60, minimum=1)
EVALUATION_IP_MAX_PER_HOUR = env_int("EVALUATION_IP_MAX_PER_HOUR", 20, minimum=1)
# Grade of an agency's 18-point score: "min:grade" pairs, highest first (SPEC-VN §3.1, TD convention).
EVALUATION_GRADE_THRESHOLDS = env_parsed(
    "EVALUATION_GRADE_THRESHOLDS",
    lambda raw: tuple(
        (float(pair.split(":")[0]), pair.split(":")[1].strip()) for pair in raw.split(",") if pair.strip()
    ),
    ((15.0, "xuat_sac"), (12.0, "tot"), (9.0, "kha"), (6.0, "trung_binh")),
    'comma-separated "points:grade" pairs such as 15:xuat_sac,12:tot,9:kha,6:trung_binh',
)

# --- Signed slips: PAdES signature of receipts and notices (dichvucong.core.signing) ---------------
# PEM files of the agency's signing key and certificate (the certificate file may carry the chain).
# Unset outside production: a local test CA signs, generated once into VAR_DIR/signing/.
SIGNING_CERT_FILE = env_str("SIGNING_CERT_FILE")
SIGNING_KEY_FILE = env_str("SIGNING_KEY_FILE")
SIGNING_KEY_PASSWORD = env_str("SIGNING_KEY_PASSWORD")
if bool(SIGNING_CERT_FILE) != bool(SIGNING_KEY_FILE):
    raise ImproperlyConfigured("SIGNING_CERT_FILE and SIGNING_KEY_FILE must be set together")
# Production without a certificate refuses to issue slips unless this is false (then they go unsigned).
SIGNING_REQUIRED = env_bool("SIGNING_REQUIRED", PRODUCTION)

# --- Assistant's optional language model (adapter in dichvucong.clients.llm; off when unset) ----------
LLM_BASE_URL = env_str("LLM_BASE_URL")
LLM_API_KEY = env_str("LLM_API_KEY")
LLM_MODEL = env_str("LLM_MODEL", "gpt-4o-mini")
LLM_TIMEOUT = env_int("LLM_TIMEOUT", 20, minimum=1)

# --- Security headers -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8, minimum=60)
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# HSTS preload binds the parent domain to HTTPS in every browser for years: the operator decides, so
# `check --deploy` (run by `make lint` at --fail-level WARNING) does not nag about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # `Authorization: Bearer …`: personal API tokens and access tokens of our OIDC provider. First,
        # so that a refused request gets 401 with `WWW-Authenticate: Bearer` (DRF asks the first class).
        "dichvucong.identity.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "dichvucong.api.exceptions.exception_handler",
    # Public dossier look-up (dichvucong.dossiers.api.LookupView), per client address.
    "DEFAULT_THROTTLE_RATES": {"lookup": "60/minute"},
    # Whose address a throttle counts: without a proxy the socket's, never a client-sent
    # X-Forwarded-For (which would let anyone dodge the limit); behind one reverse proxy, the address
    # that proxy appended last.
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dichvucong API",
    "DESCRIPTION": "REST API v1 of the city public-service platform",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Single sign-on: our OIDC provider at /o/ (django-oauth-toolkit) -----------------------------
OIDC_RSA_PRIVATE_KEY = env_str("OIDC_RSA_PRIVATE_KEY").replace("\\n", "\n")
if not OIDC_RSA_PRIVATE_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("OIDC_RSA_PRIVATE_KEY (PEM) must be set when DJANGO_ENV=production")
    # Development and tests: one key generated once into VAR_DIR and reused, so tokens survive restarts.
    _oidc_key_file = VAR_DIR / "oidc-rsa-private-key.pem"
    if not _oidc_key_file.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        os.makedirs(VAR_DIR, exist_ok=True)
        _pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _oidc_key_file.write_bytes(_pem)
        _oidc_key_file.chmod(0o600)
    OIDC_RSA_PRIVATE_KEY = _oidc_key_file.read_text()
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # identity.ClientPolicy points at it
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "OAUTH2_VALIDATOR_CLASS": "dichvucong.identity.oidc.Validator",
    "SCOPES_BACKEND_CLASS": "dichvucong.identity.oidc.ClientScopes",
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "ID_TOKEN_EXPIRE_SECONDS": 60 * 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 60 * 24 * 30,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "auto",
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    # RFC 9700 (OAuth 2.0 Security BCP): enforce every recommendation DOT knows.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    # Plain-http redirect URIs only outside production (local development, the test servers).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": PRODUCTION,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# --- National SSO / VNeID federation: we are a relying party of an upstream OIDC provider ----------
NATIONAL_SSO_METADATA_URL = env_str("NATIONAL_SSO_METADATA_URL")  # …/.well-known/openid-configuration
NATIONAL_SSO_CLIENT_ID = env_str("NATIONAL_SSO_CLIENT_ID")
NATIONAL_SSO_CLIENT_SECRET = env_str("NATIONAL_SSO_CLIENT_SECRET")
NATIONAL_SSO_SCOPES = env_str("NATIONAL_SSO_SCOPES", "openid profile email cccd")
NATIONAL_SSO_ASSURANCE_CLAIM = env_str("NATIONAL_SSO_ASSURANCE_CLAIM", "acr")
if bool(NATIONAL_SSO_METADATA_URL) != bool(NATIONAL_SSO_CLIENT_ID):
    raise ImproperlyConfigured("NATIONAL_SSO_METADATA_URL and NATIONAL_SSO_CLIENT_ID must be set together")

# --- Operations -----------------------------------------------------------------------------------
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
# Serves /bench/bare, the floor `manage.py bench` compares every endpoint with (the command sets it).
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
LOG_LEVEL = env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "text"), "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "dichvucong.core.logging.RequestIdFilter"},
        "redact_secrets": {"()": "dichvucong.identity.logging.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO (slips are rendered per request).
        "weasyprint": {"level": "WARNING"},
        # runserver's request lines carry query strings (?code=…): through the redacting handler.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

os.makedirs(VAR_DIR, exist_ok=True)
# WhiteNoise warns (an error under pytest) when STATIC_ROOT is missing, i.e. before any collectstatic.
os.makedirs(STATIC_ROOT, exist_ok=True)
