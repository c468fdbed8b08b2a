"""Per-IP rate limiting of `/api/v1/`: a fixed window counted in Django's cache.

The limit is `settings.API_RATE_LIMIT` ("120/minute" by default; units second, minute, hour,
day, or s/m/h/d), read on every request so it follows override_settings. Over the limit the
API answers 429 `{"detail": "rate_limited", "message": …}` with `Retry-After` (seconds until
the window ends). The counting (per REMOTE_ADDR, in the shared cache) is
marketplace.core.ratelimit's, which also limits the sign-in and application forms.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

from marketplace.core.ratelimit import client_address, hit, parse_rate

__all__ = ["DEFAULT_RATE", "FixedWindowThrottle", "parse_rate", "throttled_handler"]

DEFAULT_RATE = "120/minute"


class FixedWindowThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        rate = getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE) or DEFAULT_RATE
        verdict = hit("api", client_address(request), rate)
        if not verdict.allowed:
            self._wait = verdict.retry_after
            return False
        return True

    def wait(self) -> int | None:
        return self._wait


def throttled_handler(api):
    def handler(request: HttpRequest, exc: Throttled):
        response = api.create_response(
            request,
            {"detail": "rate_limited", "message": _("Quá nhiều yêu cầu, vui lòng thử lại sau.")},
            status=429,
        )
        if exc.wait is not None:
            response["Retry-After"] = str(max(1, int(exc.wait)))
        return response

    return handler
