"""Parts of buyer pages that are the same for every visitor, from the cache
(docs/decisions/0045-first-render-budget.md).

A page rendered for a visitor the anonymous page cache does not serve (signed in, with a
basket or a message waiting — marketplace/core/pagecache.py — or the first visit after a
change) still shows blocks that depend only on the catalogue: a product's photos, its
attributes, its reviews, its shop's card, the breadcrumb. They are kept in Django's cache
under a key made of:

- the fragment's name and what it varies on (the product, the shop…);
- the *catalogue version* (marketplace/cms/caching.py), replaced on every save of a product,
  stock record, photo, certificate, review (through the product's rating), shop, category,
  attribute value, collection or page and on every audited bulk change: any catalogue
  change makes every stored fragment unused;
- the language and the local date (OCOP stars show only while a certificate is valid).

Entries live `FRAGMENT_CACHE_SECONDS` (default 600; 0 turns the cache off, as in tests),
which bounds what changes without a signal. A fragment must never hold anything of the
visitor: the CSRF token, the basket, messages, the user. As a guard, an output holding a
CSRF form field is never stored.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from marketplace.cms.caching import catalogue_version

DEFAULT_TIMEOUT = 600
#: Where a request's catalogue version is kept while its template renders (one cache read).
_VERSION_ATTR = "_fragment_catalogue_version"


def timeout() -> int:
    return int(getattr(settings, "FRAGMENT_CACHE_SECONDS", DEFAULT_TIMEOUT))


def version_for(request) -> str:
    """The catalogue version, read once per request (every fragment of a page agrees)."""
    if request is None:
        return catalogue_version()
    version = getattr(request, _VERSION_ATTR, None)
    if version is None:
        version = catalogue_version()
        setattr(request, _VERSION_ATTR, version)
    return version


def fragment_key(name: str, vary_on, version: str) -> str:
    parts = [
        name,
        version,
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        *(str(value) for value in vary_on),
    ]
    return "fragment:" + hashlib.sha1("|".join(parts).encode()).hexdigest()


def cached(request, name: str, vary_on, render) -> str:
    """The stored fragment, or `render()` kept for the next visitors."""
    seconds = timeout()
    if seconds <= 0:
        return render()
    key = fragment_key(name, vary_on, version_for(request))
    html = cache.get(key)
    if html is None:
        html = render()
        if "csrfmiddlewaretoken" not in html:
            cache.set(key, html, seconds)
    return html
