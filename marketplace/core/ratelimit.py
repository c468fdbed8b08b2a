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

`FormRateLimitMiddleware` limits the POSTs of registration, every sign-in form (ours,
Wagtail's admin and private-page ones, Oscar's dashboard, Django admin's), every password reset
(ours, Wagtail's) and the shop application, found by the view serving them (FORM_SCOPES)
(docs/decisions/0013-sign-in-and-form-abuse-limits.md); over the limit it answers 429 with
the `429.html` page and `Retry-After`. Repeated wrong passwords for one account are
django-axes' job (marketplace.core.signin).
"""

from __future__ import annotations

import ipaddress
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


def client_network(request: HttpRequest) -> str:
    """The client's address, or for IPv6 its /64: one subscriber holds a whole /64 and can
    take a new address in it at will, so a limit counted per IPv6 address limits nothing."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends (meaningful when not allowed)


def _window(scope: str, client: str, rate: str) -> tuple[str, int, int, int]:
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now // period
    return f"rate:{scope}:{client}:{period}:{window}", limit, period, max(1, (window + 1) * period - now)


def peek(scope: str, client: str, rate: str) -> Verdict:
    """Whether `client` may make one more counted request in `scope`, without counting it
    (for limits that count only failures)."""
    key, limit, _period, retry_after = _window(scope, client, rate)
    return Verdict(allowed=int(cache.get(key) or 0) < limit, retry_after=retry_after)


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


#: The limit each sign-in, registration, password-reset and application form counts against,
#: keyed by the dotted path of the view class (or function) that serves it. A class matches
#: its subclasses too, so a sign-in or reset page mounted later on Django's LoginView or
#: PasswordResetView (as Wagtail's and Oscar's dashboard's are) is limited without a new line;
#: tests/security/test_rate_limits_coverage.py walks the URL resolver to keep it so.
FORM_SCOPES = {
    # Oscar's /accounts/login/ carries both forms; the registration button counts as "register".
    "oscar.apps.customer.views.AccountAuthView": "login",
    "oscar.apps.customer.views.AccountRegistrationView": "register",  # /accounts/register/
    # /cms/login/ (Wagtail), /dashboard/login/ (Oscar), /_util/login/ (Wagtail's sign-in for
    # pages restricted to signed-in people): all Django's LoginView.
    "django.contrib.auth.views.LoginView": "login",
    "django.contrib.admin.sites.AdminSite.login": "login",  # /django-admin/login/
    # Wagtail's shared passwords of private pages and documents: guessable like a sign-in.
    "wagtail.views.authenticate_with_password": "login",
    "wagtail.documents.views.serve.authenticate_with_password": "login",
    # /password-reset/ (ours, on Oscar's) and /cms/password_reset/ (Wagtail's).
    "django.contrib.auth.views.PasswordResetView": "password_reset",
    # The checkout's first step signs a returning buyer in with a password (its guest and
    # new-account choices are not sign-ins; see _form_scope).
    "oscar.apps.checkout.views.IndexView": "login",
    "shops.views.ShopApplyView": "shop_apply",
}


def _dotted(obj) -> str:
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"


def view_scope(func) -> str | None:
    """The FORM_SCOPES scope of a resolved view callable (class-based: through its MRO)."""
    view_class = getattr(func, "view_class", None)
    if view_class is not None:
        for klass in view_class.__mro__:
            if (scope := FORM_SCOPES.get(_dotted(klass))) is not None:
                return scope
        return None
    return FORM_SCOPES.get(_dotted(getattr(func, "__func__", func)))


def _form_scope(request: HttpRequest) -> str | None:
    """The FORM_RATE_LIMITS key of this POST, or None when it is not limited."""
    match = request.resolver_match
    scope = view_scope(match.func) if match else None
    if scope == "login" and "registration_submit" in request.POST:
        return "register"  # the registration half of Oscar's sign-in page
    if scope == "login" and request.POST.get("options") in ("anonymous", "new"):
        return None  # the checkout gateway's guest e-mail or "create an account": no password
    return scope


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
