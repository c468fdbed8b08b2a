"""Content-Security-Policy (django-csp 4): one strict policy for the site, one for staff tools.

- Every page we render gets settings.CONTENT_SECURITY_POLICY: scripts from this origin (and
  a nonce, `{{ request.csp_nonce }}`, for the rare inline script) and nothing inline.
- The staff tools we do not write — Oscar's dashboard (/dashboard/), Wagtail's admin (/cms/),
  Django's admin — ship inline scripts; under their path prefixes STAFF_CONTENT_SECURITY_POLICY
  replaces it (docs/decisions/0011-content-security-policy.md).
- Origins known only at run time are added per request: the card step (/checkout/) may load
  Stripe.js from Stripe, or from the embedded localstripe whose address is set when it
  starts (settings.STRIPE_API_BASE); media and static files may live on another origin
  (MEDIA_URL / STATIC_URL of a CDN or S3 bucket).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

STRIPE_JS = "https://js.stripe.com"
STRIPE_API = "https://api.stripe.com"
STRIPE_HOOKS = "https://hooks.stripe.com"


def origin(url: str) -> str | None:
    """The origin of a URL: "https://cdn.example.vn/media/" → "https://cdn.example.vn"; None for a path."""
    parts = urlsplit(url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def stripe_sources() -> dict[str, list[str]]:
    """What Stripe.js needs on the card step: its script, its frames, its API."""
    emulator = origin(getattr(settings, "STRIPE_API_BASE", ""))
    if emulator:  # localstripe serves the fake Stripe.js and the API from one origin
        return {"script-src": [emulator], "connect-src": [emulator], "frame-src": [emulator]}
    return {
        "script-src": [STRIPE_JS],
        "connect-src": [STRIPE_API],
        "frame-src": [STRIPE_JS, STRIPE_HOOKS],
    }


def asset_sources() -> dict[str, list[str]]:
    """Media and static files served from another origin (S3, CDN); the footer's Ministry of
    Industry and Trade badge (online.gov.vn serves it)."""
    found: dict[str, list[str]] = {}
    media = origin(settings.MEDIA_URL)
    if media:
        found["img-src"] = [media]
    badge = origin(getattr(settings, "MOIT_BADGE_IMAGE_URL", ""))
    if badge:
        found.setdefault("img-src", []).append(badge)
    static = origin(settings.STATIC_URL)
    if static:
        for directive in ("script-src", "style-src", "img-src", "font-src"):
            found.setdefault(directive, []).append(static)
    return found


def _merge(*updates: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for update in updates:
        for directive, sources in update.items():
            merged.setdefault(directive, []).extend(sources)
    return merged


def is_staff_tool(path: str) -> bool:
    return path.startswith(tuple(getattr(settings, "CSP_STAFF_PATH_PREFIXES", ())))


class MarketplaceCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None and is_staff_tool(request.path_info):
            staff = getattr(settings, "STAFF_CONTENT_SECURITY_POLICY", None) or {}
            if staff.get("DIRECTIVES"):
                parts.config = dict(staff["DIRECTIVES"])
        extra = [asset_sources()]
        if request.path_info.startswith("/checkout/"):
            extra.append(stripe_sources())
        update = _merge(parts.update or {}, *extra)
        parts.update = update or None
        return parts
