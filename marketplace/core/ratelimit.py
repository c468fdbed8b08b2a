"""Per-IP fixed-window rate limits, counted in Django's cache.

One counter per (scope, client address, window): the public API (`marketplace.api.ratelimit`,
settings.API_RATE_LIMIT) and the abuse-prone forms below (settings.FORM_RATE_LIMITS) share it.
Rates look like "120/minute" (units second, minute, hour, day, or s/m/h/d) and are read on
every request, so they follow override_settings.

The client is REMOTE_ADDR, which marketplace.core.proxy makes the client's own behind the
trusted proxies (FORWARDED_ALLOW_IPS); X-Forwarded-For is not read here. With several
processes the cache must be shared (Redis in production) for a limit to be global. Mobile
carriers put many phones behind one address (CGNAT), so the form limits are generous: they
stop scripts, not people.

`FormRateLimitMiddleware` limits the POSTs of registration, sign-in (ours, Wagtail's and
Django admin's), password reset and the shop application
(docs/decisions/0013-sign-in-and-form-abuse-limits.md); over the limit it answers 429 with
the `429.html` page and `Retry-After`. Repeated wrong passwords for one account are
django-axes' job (marketplace.core.signin).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.response import TemplateResponse

PERIODS = {
    "s": 1,
    "second": 1,
    "m": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse a rate: "120/minute" → (120, 60)."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip().lower()]
    except (ValueError, KeyError, AttributeError) as exc:
        raise ImproperlyConfigured(f"a rate must look like '120/minute', not {rate!r}") from exc


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (meaningful when not allowed)


def hit(scope: str, client: str, rate: str) -> Verdict:
    """Count one request of `client` in `scope` against `rate`."""
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now // period
    key = f"rate:{scope}:{client}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=period + 1)
        count = 1
    return Verdict(allowed=count <= limit, retry_after=max(1, (window + 1) * period - now))


# --- the forms ------------------------------------------------------------------------------


def _form_scope(request: HttpRequest) -> str | None:
    """The FORM_RATE_LIMITS key of this POST, or None when it is not limited."""
    match = request.resolver_match
    name = match.view_name if match else ""
    if name == "customer:register":
        return "register"
    if name == "customer:login":
        # Oscar's sign-in page carries both forms; the button's name says which was sent.
        if "registration_submit" in request.POST:
            return "register"
        return "login"
    if name in ("wagtailadmin_login", "admin:login"):  # the staff sign-in pages
        return "login"
    if name == "password-reset":
        return "password_reset"
    if name == "shops:apply":
        return "shop_apply"
    return None


class FormRateLimitMiddleware:
    """429 for POSTs of the limited forms over settings.FORM_RATE_LIMITS[scope] per address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        scope = _form_scope(request)
        rate = (getattr(settings, "FORM_RATE_LIMITS", None) or {}).get(scope) if scope else None
        if not rate:
            return None
        verdict = hit(scope, client_address(request), rate)
        if verdict.allowed:
            return None
        response = TemplateResponse(
            request, "429.html", {"retry_minutes": -(-verdict.retry_after // 60)}, status=429
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
