"""Whole buyer pages for anonymous visitors, from the cache (docs/decisions/0017-anonymous-page-cache.md).

The home page, product pages and search/browse pages are the same for every visitor who is
not signed in, has no basket and no message waiting. For those requests the rendered HTML
is kept in Django's cache and served without running the view again; every other request
renders as before.

Which requests (`cacheable`): GET or HEAD with no session cookie (so nobody is signed in),
no basket cookie (the header counts the basket's items) and no messages cookie.

What keeps a stored page right:

- its key: the kind of page, host, scheme, full path with the query string, language and
  the local date (OCOP stars show only while a certificate is valid, a matter of dates);
- the *catalogue version* (marketplace/cms/caching.py) it was rendered under: replaced on
  every save of a product, its stock, photos, certificates, reviews (the product's rating),
  a shop, a collection or a page, and on every audited bulk change; a stored page of an
  older version is not served;
- a fingerprint of the products the page shows (visibility, shop status, price, stock,
  allocation — `catalogue.selectors.product_state_fingerprint`, one query on each hit):
  a checkout's stock allocation is a conditional UPDATE that sends no signal, yet the page
  is rendered again as soon as it changes;
- `PAGE_CACHE_SECONDS` (default 300) bounds whatever else changes without a signal.

A worker process that found a stored page right serves it again for
`PAGE_CACHE_CHECK_SECONDS` (default 1) without asking Redis or the database (at most 256
pages, ~10 MB): a change shows on every worker within that second — as on any page rendered
a moment before the change. The checkout itself allocates stock with a conditional UPDATE
and never oversells.

Per-visitor parts are filled in on every hit: the CSRF token of the forms (the visitor's
own, so their POSTs pass) and the CSP nonce if the page used one. Nothing else in these
pages depends on the visitor when the conditions above hold.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

from catalogue.selectors import product_state_fingerprint
from marketplace.cms.caching import VERSION_KEY, catalogue_version

CSRF_PLACEHOLDER = "__page_cache_csrf_token__"
NONCE_PLACEHOLDER = "__page_cache_csp_nonce__"
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
DEFAULT_TIMEOUT = 300
DEFAULT_CHECK_SECONDS = 1.0
#: Per process: stored page key → (when it was last found right, the entry).
_recent: dict[str, tuple[float, dict]] = {}
_RECENT_MAX = 256
#: Response header saying whether the page came from the cache (diagnostics, tests).
HEADER = "X-Page-Cache"


def timeout() -> int:
    return int(getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_TIMEOUT))


def cacheable(request) -> bool:
    """A visitor who sees exactly what every other anonymous visitor sees."""
    if request.method not in ("GET", "HEAD") or timeout() <= 0:
        return False
    if getattr(request, "is_preview", False):
        return False
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or settings.OSCAR_BASKET_COOKIE_OPEN in cookies
        or "messages" in cookies
    )


def page_key(request, kind: str) -> str:
    parts = [
        kind,
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
    ]
    return "page:" + hashlib.sha1("|".join(parts).encode()).hexdigest()


def fetch(request, key: str) -> HttpResponse | None:
    """The stored page for this request, if it is still right; None otherwise."""
    entry = _recent_entry(key) or _checked_entry(key)
    if entry is None:
        return None
    html = entry["html"]
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in html:
        html = html.replace(NONCE_PLACEHOLDER, str(request.csp_nonce))
    response = HttpResponse(html, content_type=entry["content_type"])
    response[HEADER] = "hit"
    return response


def _recent_entry(key: str) -> dict | None:
    """The entry this process found right less than PAGE_CACHE_CHECK_SECONDS ago."""
    recent = _recent.get(key)
    window = float(getattr(settings, "PAGE_CACHE_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))
    if recent is not None and time.monotonic() - recent[0] < window:
        return recent[1]
    return None


def _checked_entry(key: str) -> dict | None:
    """The stored entry if the catalogue version and the shown products' state still match."""
    found = cache.get_many([key, VERSION_KEY])
    entry = found.get(key)
    if entry is None or entry["version"] != found.get(VERSION_KEY):
        return None
    if entry["products"] and product_state_fingerprint(entry["products"]) != entry["fingerprint"]:
        return None
    now = time.monotonic()
    if len(_recent) >= _RECENT_MAX:
        window = float(getattr(settings, "PAGE_CACHE_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))
        for old in [k for k, (checked, _e) in _recent.items() if now - checked >= window]:
            del _recent[old]
        if len(_recent) >= _RECENT_MAX:
            _recent.clear()
    _recent[key] = (now, entry)
    return entry


def store(
    request,
    key: str,
    response,
    *,
    products: Iterable[int],
    version: str,
    seconds: int | None = None,
    fingerprint: str | None = None,
) -> bool:
    """Keep a rendered page for the next anonymous visitors; False when it must not be.

    `version` (and `fingerprint`, when the products were known in advance) were read
    *before* the page was rendered: a change during the rendering then leaves a page that
    no later request takes. Without `fingerprint` it is read now, just after the rendering:
    a signal-less change landing in between (milliseconds) keeps that page until the next
    change or PAGE_CACHE_SECONDS; adding to the basket and the checkout read stock afresh.
    """
    if response.status_code != 200 or response.streaming:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False  # the view started a session: the page may be this visitor's own
    html = response.content.decode(response.charset)
    tokens = set(match.group(2) for match in _CSRF_INPUT.finditer(html))
    html = _CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<3>", html)
    if any(token in html for token in tokens):
        return False  # the token is printed some other way too: it cannot be replaced safely
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str):
        html = html.replace(nonce, NONCE_PLACEHOLDER)
    products = sorted({int(pk) for pk in products})
    entry = {
        "html": html,
        "content_type": response["Content-Type"],
        "version": version,
        "products": products,
        "fingerprint": (
            fingerprint
            if fingerprint is not None
            else product_state_fingerprint(products)
            if products
            else ""
        ),
    }
    cache.set(key, entry, timeout() if seconds is None else max(1, min(seconds, timeout())))
    response[HEADER] = "miss"
    return True


def current_version() -> str:
    return catalogue_version()


def serve(
    request,
    kind: str,
    render: Callable[[], HttpResponse],
    products: Callable[[HttpResponse], Iterable[int] | None],
    seconds: Callable[[HttpResponse], int | None] | None = None,
    known_products: Iterable[int] | None = None,
):
    """The page from the cache, or `render()` — stored when `products(response)` is not None.

    `products` gets the response (a TemplateResponse is stored once rendered, after every
    middleware had its say) and answers the ids of the products shown, or None when this
    response must not be stored (an error). `known_products`: the ids when they are known
    before rendering (a product page), so that their state is read before it too.
    """
    if not cacheable(request):
        return render()
    key = page_key(request, kind)
    hit = fetch(request, key)
    if hit is not None:
        return hit
    version = current_version()
    known = sorted({int(pk) for pk in known_products}) if known_products is not None else None
    before = product_state_fingerprint(known) if known else None
    response = render()

    def keep(rendered):
        ids = products(rendered)
        if ids is not None:
            ids = sorted({int(pk) for pk in ids})
            store(
                request,
                key,
                rendered,
                products=ids,
                version=version,
                seconds=seconds(rendered) if seconds else None,
                fingerprint=before if ids == known else None,
            )
        return rendered

    if getattr(response, "is_rendered", True):
        return keep(response)
    response.add_post_render_callback(keep)
    return response
