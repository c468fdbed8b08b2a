"""The cached page bodies and footer links of the content pages (Django's cache).

A rendered body is stored under a key made of:

- the page (id, revision) and a digest of the stored content itself (a page edited
  without a new revision, as tests and scripts do, gets a new key too);
- the *catalogue version*: a random token replaced whenever a product, its stock, photos
  or certificates, a shop, a collection or any page changes (marketplace/cms/receivers.py);
- `Promotions.fingerprint()`: what the page's products look like to buyers right now
  (catches changes made by bulk UPDATEs that send no signal: a product hidden in the
  seller workspace, stock taken by a checkout);
- the local date (OCOP stars are shown only while the certificate is valid, a matter of
  dates; an announced fee starts on its date) and the language;
- the settings the published-rules blocks print (`RULES_SETTINGS`: the complaint deadlines,
  the fee notice period), so a changed setting never leaves an old number cached.

Entries live `CMS_BODY_CACHE_SECONDS` (default 10 minutes), never past the moment a
campaign teaser of the page is due to appear or disappear.
"""

from __future__ import annotations

import hashlib
import json
import uuid

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

VERSION_KEY = "cms:catalogue-version"
FOOTER_KEY = "cms:footer-info-links"
DEFAULT_TIMEOUT = 600


#: Settings printed by the blocks of marketplace/cms/blocks.py (rules_blocks).
RULES_SETTINGS = (
    "COMPLAINT_WINDOW_DAYS", "COMPLAINT_ANSWER_DAYS", "ORDER_AUTO_DELIVERED_DAYS", "FEE_CHANGE_NOTICE_DAYS",
)


def body_timeout() -> int:
    return int(getattr(settings, "CMS_BODY_CACHE_SECONDS", DEFAULT_TIMEOUT))


def catalogue_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or "0"
    return version


def bump_catalogue_version() -> None:
    """Every cached body becomes stale (its key no longer matches)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def forget_footer_links() -> None:
    cache.delete(FOOTER_KEY)


def _content_digest(page, stream) -> str:
    raw = list(stream.raw_data) if stream is not None else []
    fields = {
        name: str(getattr(page, name, ""))
        for name in ("title", "hero_title", "hero_intro", "intro", "url_path")
    }
    payload = json.dumps([fields, raw], sort_keys=True, default=str)
    return hashlib.sha1(payload.encode()).hexdigest()


def body_cache_key(page, stream, promo, field: str) -> str:
    parts = [
        str(page.pk),
        str(page.latest_revision_id),
        field,
        _content_digest(page, stream),
        catalogue_version(),
        promo.fingerprint(),
        timezone.localdate().isoformat(),
        translation.get_language() or "",
        ",".join(str(getattr(settings, name, "")) for name in RULES_SETTINGS),
    ]
    return "cms:body:" + hashlib.sha1("|".join(parts).encode()).hexdigest()


def timeout_for(promo) -> int:
    timeout = body_timeout()
    moment = promo.next_change()
    if moment is not None:
        seconds = int((moment - promo.now).total_seconds()) + 1
        timeout = max(1, min(timeout, seconds))
    return timeout
