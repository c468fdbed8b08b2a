"""Per-IP rate limiting of `/api/v1/`: a fixed window counted in Django's cache.

The limit is `settings.API_RATE_LIMIT` ("120/minute" by default; units second, minute, hour,
day, or s/m/h/d), read on every request so it follows override_settings. Over the limit the
API answers 429 `{"detail": "rate_limited", "message": …}` with `Retry-After` (seconds until
the window ends). The client is REMOTE_ADDR: X-Forwarded-For is not trusted here (a reverse
proxy must set REMOTE_ADDR, e.g. gunicorn's forwarded-allow-ips). With several processes the
cache must be shared (Redis in production) for the limit to be global.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

DEFAULT_RATE = "120/minute"
PERIODS = {"s": 1, "second": 1, "m": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """"120/minute" → (120, 60)."""
    try:
        count, period = rate.split("/")
        return int(count), PERIODS[period.strip().lower()]
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"API_RATE_LIMIT must look like '120/minute', not {rate!r}") from exc


class FixedWindowThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        limit, period = parse_rate(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE) or DEFAULT_RATE)
        now = int(time.time())
        window = now // period
        key = f"api-rate:{request.META.get('REMOTE_ADDR', '')}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr: start again
            cache.set(key, 1, timeout=period + 1)
            count = 1
        if count > limit:
            self._wait = (window + 1) * period - now
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
