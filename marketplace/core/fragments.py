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

A page's fragments can be read ahead in one round trip (`prefetch`, as the product view
does) instead of one per `{% fragment %}` tag.

**Local fragments** (`{% local_fragment %}`): the parts of the site's header and footer that
are the same for every visitor (links, labels, the language list, the info pages' links)
are kept in the worker's own memory under the same key, not in Redis: every page renders
them, a Redis read would cost about what rendering them does, and a deployment (new
templates, static file names, settings) starts new workers with nothing stored. At most
`LOCAL_MAX_ENTRIES` per process, each for `FRAGMENT_CACHE_SECONDS`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from marketplace.cms.caching import catalogue_version

DEFAULT_TIMEOUT = 600
#: Where a request's catalogue version is kept while its template renders (one cache read).
_VERSION_ATTR = "_fragment_catalogue_version"
#: Fragments a view read ahead (`prefetch`): key -> stored HTML or None, until the template
#: asks for them.
_PREFETCHED_ATTR = "_fragment_prefetched"
#: Local fragments kept per process: a few per language, catalogue version and day.
LOCAL_MAX_ENTRIES = 256
_local: OrderedDict[str, tuple[float, str]] = OrderedDict()
_local_lock = threading.Lock()


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


def prefetch(request, fragments) -> None:
    """Read the page's fragments — `(name, vary_on)` as its template's `{% fragment %}` tags
    give them — in one cache round trip before the template renders, instead of one per tag.
    A tag whose key was not read ahead (a theme's own fragment, other values) reads its own;
    values that differ from the tag's only cost that read, never a wrong fragment."""
    if request is None or timeout() <= 0:
        return
    version = version_for(request)
    keys = [fragment_key(name, vary_on, version) for name, vary_on in fragments]
    found = cache.get_many(keys)
    ahead = request.__dict__.setdefault(_PREFETCHED_ATTR, {})
    for key in keys:
        ahead[key] = found.get(key)


def cached(request, name: str, vary_on, render) -> str:
    """The stored fragment, or `render()` kept for the next visitors."""
    seconds = timeout()
    if seconds <= 0:
        return render()
    key = fragment_key(name, vary_on, version_for(request))
    ahead = getattr(request, _PREFETCHED_ATTR, None)
    html = ahead.pop(key) if ahead and key in ahead else cache.get(key)
    if html is None:
        html = render()
        if "csrfmiddlewaretoken" not in html:
            cache.set(key, html, seconds)
    return html


def forget_local() -> None:
    """Drop this process's local fragments (tests)."""
    with _local_lock:
        _local.clear()


def cached_locally(request, name: str, vary_on, render) -> str:
    """The fragment from this process's memory, or `render()` kept there."""
    seconds = timeout()
    if seconds <= 0:
        return render()
    key = fragment_key(name, vary_on, version_for(request))
    now = time.monotonic()
    found = _local.get(key)
    if found is not None and found[0] > now:
        return found[1]
    html = render()
    if "csrfmiddlewaretoken" not in html:
        with _local_lock:
            _local[key] = (now + seconds, html)
            _local.move_to_end(key)
            while len(_local) > LOCAL_MAX_ENTRIES:
                _local.popitem(last=False)
    return html
