"""Refuse unsafe production configuration.

Production must never start on a development default: a guessable SECRET_KEY, a
wildcard host, SQLite, the embedded search server, the Stripe emulator, a per-process
cache or e-mail printed to the console.
"""

from __future__ import annotations

from collections.abc import Mapping

DEV_SECRET_PREFIXES = ("dev-only", "django-insecure", "changeme", "secret")


#: Days of notice the E-commerce Law 122/2025 asks before a fee change (docs/decisions/0034).
LEGAL_FEE_NOTICE_DAYS = 20


def production_problems(environ: Mapping[str, str]) -> list[str]:
    """Every reason the given environment is not fit for production (empty when it is)."""
    problems: list[str] = []
    secret = environ.get("SECRET_KEY", "")
    if not secret:
        problems.append("SECRET_KEY is not set")
    elif len(secret) < 50 or len(set(secret)) < 5 or secret.lower().startswith(DEV_SECRET_PREFIXES):
        problems.append(
            "SECRET_KEY is too short or a known development value (need 50+ random characters)"
        )

    hosts = [h.strip() for h in environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts:
        problems.append("ALLOWED_HOSTS is not set")
    elif "*" in hosts:
        problems.append("ALLOWED_HOSTS must list the site's host names, not '*'")

    database_url = environ.get("DATABASE_URL", "")
    if not database_url:
        problems.append("DATABASE_URL is not set")
    elif database_url.startswith("sqlite"):
        problems.append("DATABASE_URL points at SQLite; production runs on PostgreSQL")

    site_url = environ.get("SITE_URL", "")
    if not site_url.startswith("https://"):
        problems.append(
            "SITE_URL must be the public https:// address (it is printed in QR codes and e-mails)"
        )

    notice = environ.get("FEE_CHANGE_NOTICE_DAYS", "").strip()
    if notice and (not notice.isdigit() or int(notice) < LEGAL_FEE_NOTICE_DAYS):
        problems.append(
            f"FEE_CHANGE_NOTICE_DAYS must be at least {LEGAL_FEE_NOTICE_DAYS} "
            "(the E-commerce Law 122/2025: 20 days' notice of a fee change)"
        )

    if not environ.get("ELASTICSEARCH_URL", ""):
        problems.append(
            "ELASTICSEARCH_URL is not set (the embedded search server is for development only)"
        )

    for name, prefix in (
        ("STRIPE_SECRET_KEY", "sk_"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_"),
    ):
        value = environ.get(name, "")
        if not value:
            problems.append(f"{name} is not set")
        elif not value.startswith(prefix):
            problems.append(f"{name} does not look like a Stripe key (expected '{prefix}…')")
    if environ.get("STRIPE_API_BASE", ""):
        problems.append(
            "STRIPE_API_BASE is set: production talks to Stripe itself, not an emulator"
        )

    if environ.get("BANK_WEBHOOK_API_KEY", "") == "embedded-bank-webhook-key":
        problems.append(
            "BANK_WEBHOOK_API_KEY is the public demo key: set the key configured at SePay"
        )

    # Several gunicorn workers (and servers) must share one cache: sessions, the rate limits
    # and the CMS page cache's invalidation depend on it (docs/decisions/0015-production-cache.md).
    redis_url = environ.get("REDIS_URL", "")
    if not redis_url:
        problems.append("REDIS_URL is not set (the shared cache of every worker and server)")
    elif not redis_url.startswith(("redis://", "rediss://", "unix://")):
        problems.append("REDIS_URL must start with redis://, rediss:// or unix://")

    if not environ.get("EMAIL_URL", "") and not environ.get("EMAIL_BACKEND", ""):
        problems.append(
            "EMAIL_URL is not set (outgoing mail, e.g. smtp+tls://user:password@host:587)"
        )
    elif environ.get("EMAIL_URL", "").startswith("console:"):
        problems.append("EMAIL_URL is console://: production must send its e-mails")

    s3 = [name for name in environ if name.startswith("MEDIA_S3_") and environ[name]]
    if s3 and not environ.get("MEDIA_S3_BUCKET", ""):
        problems.append(f"{', '.join(sorted(s3))} set but MEDIA_S3_BUCKET is not")

    if "*" in [ip.strip() for ip in environ.get("FORWARDED_ALLOW_IPS", "").split(",")]:
        problems.append(
            "FORWARDED_ALLOW_IPS must list the proxies, not '*' (clients would choose their address)"
        )
    return problems
