"""Production: every secret and service from the environment; refuses unsafe values.

docs/deploy.md walks through a deployment (one server, or several behind a load balancer);
docs/configuration.md lists every variable; deploy/ has the gunicorn, systemd and nginx files.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from marketplace.core.cache import redis_cache_settings

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list, env_str, env_tasks, parse_email_url
from .safety import production_problems

_problems = production_problems(os.environ)
if _problems:
    raise ImproperlyConfigured(
        "Refusing to start with unsafe production settings:\n- " + "\n- ".join(_problems)
    )

DEBUG = False

# --- Database: one connection per worker thread, kept for a minute, checked before reuse ---
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# PgBouncer in transaction mode (common in front of managed PostgreSQL) cannot keep the
# server-side cursors of `.iterator()` open between transactions.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(  # noqa: F405
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
)
TASKS = env_tasks("TASKS_BACKEND", "database")  # run `manage.py tasks_worker` (ADR 0012)

# --- Behind nginx (and a load balancer): the client's address and the request id ---
# REMOTE_ADDR becomes the client's (rate limits, sign-in lockout) for requests that came
# through these proxies; gunicorn reads the same variable for X-Forwarded-Proto.
TRUSTED_PROXIES = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
MIDDLEWARE = [
    "marketplace.core.proxy.ProxyHeadersMiddleware",
    "marketplace.core.logging.RequestIdMiddleware",
    *MIDDLEWARE,  # noqa: F405
]

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer's health checks may come over plain HTTP: never redirect them.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
OSCAR_BASKET_COOKIE_SECURE = True
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

# Static files: `collectstatic` names each file by its content hash and writes a .gz copy;
# WhiteNoise serves hashed names with `Cache-Control: max-age=315360000, public, immutable`
# (unhashed names: WHITENOISE_MAX_AGE, 60 s by default). See docs/theming.md. A CDN in front
# of the site: STATIC_URL=https://cdn.example.vn/static/ (it fetches them from /static/).
STATIC_URL = env_str("STATIC_URL", "/static/")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

# --- Media: S3-compatible object storage when MEDIA_S3_BUCKET is set, else MEDIA_ROOT ---
# Several app servers need it (a file uploaded through one must be seen by all).
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    from marketplace.core.storage import s3_media_settings  # boto3: only when used

    STORAGES["default"], MEDIA_URL = s3_media_settings(  # noqa: F405
        bucket=MEDIA_S3_BUCKET,
        endpoint_url=env_str("MEDIA_S3_ENDPOINT_URL", ""),
        region=env_str("MEDIA_S3_REGION", ""),
        access_key=env_str("MEDIA_S3_ACCESS_KEY_ID", ""),
        secret_key=env_str("MEDIA_S3_SECRET_ACCESS_KEY", ""),
        custom_domain=env_str("MEDIA_S3_CUSTOM_DOMAIN", ""),
    )
    # Wagtail documents stream through their privacy-checking view, never a bucket URL.
    WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- Cache and sessions: Redis shared by every worker and server; its outages are misses ---
# marketplace/core/cache.py and docs/decisions/0015-production-cache.md. Sessions are written
# to the database and cached: a stopped Redis signs nobody out.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {"default": redis_cache_settings(REDIS_URL)}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- E-mail: EMAIL_URL (smtp+tls://user:password@host:587); EMAIL_BACKEND overrides it ---
_email = parse_email_url(env_str("EMAIL_URL", "") or "smtp://localhost:25")
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "") or _email["EMAIL_BACKEND"]
SERVER_EMAIL = DEFAULT_FROM_EMAIL  # noqa: F405

# --- Logs: one JSON object per line on stdout (journald, or the platform's collector) ---
# LOG_FORMAT=plain gives the development format back (reading logs by hand on a server).
LOGGING["formatters"]["json"] = {"()": "marketplace.core.logging.JsonFormatter"}  # noqa: F405
LOGGING["handlers"]["console"] = {  # noqa: F405
    "class": "logging.StreamHandler",
    "stream": "ext://sys.stdout",
    "formatter": "json" if env_str("LOG_FORMAT", "json") == "json" else "plain",
}
