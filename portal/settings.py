"""OneGate settings: one file, every value from the environment.

The defaults are the safe production ones. `make run` and the test suite set
DEBUG, HTTPS and DEMO_MODE explicitly; see the configuration table in README.md.
"""

import hashlib
import hmac
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, REPORT_SAMPLE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name, default=""):
    return os.environ.get(name, default)


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envlist(name, default=""):
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def envsecret(name, default=""):
    """A secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


DEBUG = envbool("DEBUG", False)
# Demo mode allows `seed_demo` and creates keys for local use automatically.
DEMO_MODE = envbool("DEMO_MODE", False)
# Behind TLS in production: secure cookies, HSTS and redirects. Off only for local HTTP.
HTTPS = envbool("HTTPS", True)

VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-local-development-only-" + "x" * 20
    else:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = envstr("SITE_NAME", "OneGate")
CITY_CODE = envstr("CITY_CODE", "HLD")  # Huludao; used in tracking numbers
# Named in every refusal (Art. 38 of the Administrative Licensing Law): where the applicant may
# apply for administrative reconsideration (within 60 days) or sue (within 6 months).
RECONSIDERATION_BODY_ZH = envstr("RECONSIDERATION_BODY_ZH", "葫芦岛市人民政府")
RECONSIDERATION_BODY_EN = envstr("RECONSIDERATION_BODY_EN", "Huludao Municipal People's Government")
LITIGATION_COURT_ZH = envstr("LITIGATION_COURT_ZH", "葫芦岛市连山区人民法院")
LITIGATION_COURT_EN = envstr("LITIGATION_COURT_EN", "Lianshan District People's Court, Huludao")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "allauth",
    # allauth's and the OAuth toolkit's apps, named in the portal's words (portal/third_party_apps.py).
    "portal.third_party_apps.PortalAccountConfig",
    "portal.third_party_apps.PortalMFAConfig",
    "portal.third_party_apps.PortalOIDCConfig",
    "portal.third_party_apps.PortalOAuthConfig",
    "ninja",
    "portal",
    "services",
    "deadlines",
    "approvals",
    "licenses",
    "seals",
    "supervision",
    "api",
]

MIDDLEWARE = [
    # The request id first, so that every later step logs under it; then /healthz and
    # /readyz, answered before the HTTPS redirect, the host check, sessions and language;
    # then the 503 page for a database outage (portal/requestid.py, health.py, unavailable.py).
    "portal.requestid.RequestIdMiddleware",
    "portal.health.HealthCheckMiddleware",
    "portal.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (static files come compressed from WhiteNoise). Against BREACH,
    # Django pads each gzip body with random bytes, and CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "api.middleware.ApiMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.csp.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite by default so a fresh clone runs; PostgreSQL in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'onegate.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Background jobs and the web process share the file: wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    # default: what is only a cache, served as a miss while Redis is away (portal/cache.py);
    # counters: the rate limits and the readiness probe, which must see an outage.
    CACHES = {
        "default": {"BACKEND": "portal.cache.SharedCache", "LOCATION": REDIS_URL},
        "counters": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "counters": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counters"},
    }

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "me"

# django-allauth: https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "portal.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Six digits, as people expect from an SMS; allauth allows 3 tries per code.
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, spelled out so that they are visible and reviewed.
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# How many reverse proxies sit in front of the app (their X-Forwarded-For hops
# are trusted for client addresses in rate limits); 0 uses the connection.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Accept the neighbouring 30-second step too: phones' clocks drift. Codes are single-use.
MFA_TOTP_TOLERANCE = 1
# SMS for phone sign-in: a dotted path to a backend (see portal/sms.py).
SMS_BACKEND = envstr("SMS_BACKEND", "portal.sms.OutboxBackend")

# OpenID Connect provider for departmental systems (allauth.idp.oidc).
IDP_OIDC_PRIVATE_KEY = envsecret("OIDC_PRIVATE_KEY")
if not IDP_OIDC_PRIVATE_KEY and (DEBUG or DEMO_MODE):
    from portal.devkeys import local_oidc_key

    IDP_OIDC_PRIVATE_KEY = local_oidc_key(VAR_DIR / "oidc-signing-key.pem")
if not IDP_OIDC_PRIVATE_KEY:
    raise ImproperlyConfigured("OIDC_PRIVATE_KEY (or OIDC_PRIVATE_KEY_FILE) must be set in production.")
IDP_OIDC_ADAPTER = "portal.adapter.OIDCAdapter"

# The departmental API (/api/v1/): machine clients get short-lived bearer tokens
# through OAuth 2.0 client credentials (django-oauth-toolkit, docs/api.md).
API_TOKEN_SECONDS = envint("API_TOKEN_SECONDS", 600)
# Calls per minute: each machine client, and each address on the public verification endpoint.
API_CLIENT_PER_MINUTE = envint("API_CLIENT_PER_MINUTE", 600)
API_VERIFY_PER_MINUTE = envint("API_VERIFY_PER_MINUTE", 30)
# Token requests per minute from one address (a client needs one every API_TOKEN_SECONDS).
API_TOKEN_PER_MINUTE = envint("API_TOKEN_PER_MINUTE", 60)
# Webhooks (docs/api.md): each delivery is retried with exponential backoff (BACKOFF,
# 2×, 4×… seconds, at most BACKOFF_MAX apart) up to WEBHOOK_MAX_RETRIES times. Plain
# http is refused outside DEBUG, except to this machine when WEBHOOK_ALLOW_LOCAL_HTTP.
WEBHOOK_MAX_RETRIES = envint("WEBHOOK_MAX_RETRIES", 8)
WEBHOOK_RETRY_BACKOFF_SECONDS = envint("WEBHOOK_RETRY_BACKOFF_SECONDS", 30)
WEBHOOK_RETRY_BACKOFF_MAX_SECONDS = envint("WEBHOOK_RETRY_BACKOFF_MAX_SECONDS", 6 * 3600)
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_MAX_PER_CLIENT = envint("WEBHOOK_MAX_PER_CLIENT", 5)
WEBHOOK_ALLOW_LOCAL_HTTP = envbool("WEBHOOK_ALLOW_LOCAL_HTTP", False)
# Webhooks go to public addresses only, or to these networks too (CIDRs, comma-separated:
# the government network departmental systems live on, say). Loopback, private and
# link-local addresses are refused otherwise, at subscription and at each attempt.
WEBHOOK_ALLOWED_NETWORKS = envlist("WEBHOOK_ALLOWED_NETWORKS")
# Named explicitly so that migrations can depend on it (MachineClient links to one).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": API_TOKEN_SECONDS,
    "SCOPES": {
        "licenses:verify": "Verify licenses",
        "licenses:read": "Read licenses",
        "applications:read": "Read applications",
        "applications:write": "Submit and update applications",
        "catalogue:read": "Read the published catalogue",
    },
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.MachineClientValidator",
    # RFC 9700 (OAuth 2.0 Security BCP): tokens hashed at rest, never in a query string;
    # no implicit or password grant, no plain PKCE, no refresh-token replay.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
}

# Seals: the key-encryption key that protects every private key at rest.
SEAL_KEK_FILE = envstr("SEAL_KEK_FILE", str(VAR_DIR / "seal-kek.key") if (DEBUG or DEMO_MODE) else "")
# An external RFC 3161 timestamp authority; empty: the portal's own TSA (under our root) stamps in-process.
SEAL_TSA_URL = envstr("SEAL_TSA_URL")
# PEM file of the external timestamp authority's root(s), trusted beside our root.
SEAL_TSA_TRUST_FILE = envstr("SEAL_TSA_TRUST_FILE")
# Sealed documents get a new archive timestamp when their newest one's certificate ends within this many days.
SEAL_ARCHIVE_RENEW_DAYS = envint("SEAL_ARCHIVE_RENEW_DAYS", 365)
# Seals whose keys live on a PKCS#11 token (an HSM; SoftHSM2 in tests).
SEAL_PKCS11_MODULE = envstr("SEAL_PKCS11_MODULE", "/usr/lib/softhsm/libsofthsm2.so")
SEAL_PKCS11_PIN = envsecret("SEAL_PKCS11_PIN")
# How long a process keeps a decrypted seal key in memory between signatures.
SEAL_SIGNER_CACHE_SECONDS = envint("SEAL_SIGNER_CACHE_SECONDS", 300)
# The public /verify/ upload: largest PDF accepted, and uploads per minute per IP address.
SEAL_VERIFY_MAX_BYTES = envint("SEAL_VERIFY_MAX_BYTES", 10 * 1024 * 1024)
SEAL_VERIFY_PER_MINUTE = envint("SEAL_VERIFY_PER_MINUTE", 20)

# Who looked at my data: the access log keeps each resident ID number or credit code as an
# HMAC-SHA256 under this key, never the number. By default it is derived from SECRET_KEY; set
# it on its own in production, as changing it hides older entries from the people they are about.
ACCESS_LOG_SUBJECT_KEY = envsecret("ACCESS_LOG_SUBJECT_KEY") or hmac.new(
    SECRET_KEY.encode(), b"onegate access-log subject key", hashlib.sha256
).hexdigest()

# Internationalisation: Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# Each app keeps its own catalogue; the root one holds portal/ and templates/.
# Listed app-first so that `makemessages`, run once from the project root,
# files each string in the catalogue of the app it comes from.
CATALOGUE_APPS = ["services", "deadlines", "approvals", "licenses", "seals", "supervision", "api"]
LOCALE_PATHS = [BASE_DIR / app / "locale" for app in CATALOGUE_APPS] + [BASE_DIR / "locale"]
# English dates as the English text writes them ("8 December 2026"): portal/formats/en/formats.py.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files and private storage. Uploaded materials and licenses are never
# served directly: views check permissions and stream them. S3-compatible
# storage is one setting away: STORAGE_BACKEND=storages.backends.s3.S3Storage
# (with the `s3` extra installed; bucket and endpoint in STORAGE_OPTIONS).
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
if (BASE_DIR / "node_modules" / "htmx.org" / "dist").exists():
    STATICFILES_DIRS.append(("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"))


def _storage_options() -> dict:
    """STORAGE_OPTIONS: a JSON object passed to the storage class (bucket, endpoint, …).

    The default filesystem storage keeps `var/private` as its folder unless the
    options name another; an S3 backend must name its bucket.
    """
    raw = envstr("STORAGE_OPTIONS")
    try:
        options = json.loads(raw) if raw else {}
    except ValueError as exc:
        raise ImproperlyConfigured(f"STORAGE_OPTIONS is not valid JSON: {exc}") from None
    if not isinstance(options, dict):
        raise ImproperlyConfigured("STORAGE_OPTIONS must be a JSON object.")
    backend = envstr("STORAGE_BACKEND")
    if not backend:
        return {"location": str(VAR_DIR / "private"), **options}
    if "s3" in backend.lower() and not options.get("bucket_name"):
        raise ImproperlyConfigured('S3 storage needs its bucket: STORAGE_OPTIONS={"bucket_name": "…"}.')
    return options


STORAGES = {
    "default": {
        "BACKEND": envstr("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": _storage_options(),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and envbool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# Email. Console in development; SMTP settings for production.
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
# Seconds before an unreachable mail server counts as down (the outbox holds a message's row meanwhile).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "OneGate <noreply@onegate.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis in production; without REDIS_URL a file-based broker under
# var/celery so that `make run` still runs a real worker and beat.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _celery_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis redelivers a message nobody acknowledged (acks late: a worker killed mid-task)
    # after the visibility timeout. 1,200 s is four times the hard time limit (300 s,
    # portal/celery.py) and above the licenses', documents' and emails' longest retry
    # countdown (900 s), so none of those is handed out twice while a live worker holds
    # it, yet a dead worker's work comes back in 20 minutes instead of kombu's default
    # hour (the license sweep and the email outbox catch up sooner still). The longer
    # back-offs (webhooks, archive timestamps) may be handed out again while they wait;
    # their tasks do nothing for work already done. See docs/operations.md.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 1200)}
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True

# Security (Django's deployment checklist).
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache and written through to the database: a Redis restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", HTTPS) else None
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp: https://django-csp.readthedocs.io/en/latest/configuration.html).
# Scripts and style sheets come from our own static files; an inline <script>
# or <style> needs the request's nonce ({{ request.csp_nonce }}). Style
# attributes stay allowed (style-src-attr): the rate bars are sized by one, and
# so are a few of allauth's hidden forms; they cannot run script. data: images
# are allauth's TOTP QR codes; object-src 'self' lets the desk preview PDFs in
# an <object>. A response that allows same-origin framing
# (@xframe_options_sameorigin) gets frame-ancestors 'self' instead of 'none'
# (portal/csp.py). No form-action: Chromium applies it to the redirect after a
# POST, and the OIDC consent form redirects to a departmental system.
# CSP_REPORT_URI, if set, receives the browsers' violation reports (with the
# first characters of what was blocked: 'report-sample').
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, REPORT_SAMPLE],
        "style-src": [SELF, NONCE, REPORT_SAMPLE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "report-uri": envstr("CSP_REPORT_URI") or None,
    },
}

# Logs go to the console, each record with the request id (portal/requestid.py): one JSON
# object per line in production (LOG_FORMAT=json), plain text in DEBUG (LOG_FORMAT=plain).
LOG_FORMAT = envstr("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: say plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.requestid.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.requestid.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint narrates every rendering step at INFO; fontTools every subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
