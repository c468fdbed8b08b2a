"""Sign-in lockout with django-axes: failures counted per (account, address), then a cool-off.

Settings (marketplace/settings/base.py, "Sign-in protection"): AXES_FAILURE_LIMIT wrong
passwords for one e-mail from one address lock that pair out for AXES_COOLOFF_TIME; a
successful sign-in clears the count. Every sign-in form we serve passes the request to
`authenticate()` (Oscar's /accounts/login/, Wagtail's /cms/login/, Django's admin login), so
the lockout applies to all of them; the locked-out visitor gets `account_locked.html` (429).

Why a subclass of axes' backend: Oscar's registration logs the new user in with
`authenticate(username=…, password=…)` and no request, and axes refuses a call without one
(AxesBackendRequestParameterRequired). There is no address to count there and nothing to
guess (the password was just chosen), so without a request this backend steps aside. (Our
registration now confirms by e-mail and signs in with `login()` after the link,
marketplace/core/registration.py; the step-aside stays for any other caller without a request.)
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render

from marketplace.core.ratelimit import client_address


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_of(request, credentials) -> str | None:
    """What was typed in the sign-in form, case-folded ("An@X.vn" and "an@x.vn" count as one).

    The form's value comes first: after a successful sign-in axes passes the account's
    username (not the e-mail typed) and the failures to clear are filed under the e-mail.
    """
    value = None
    if request is not None and request.method == "POST":
        value = request.POST.get("login-username") or request.POST.get("username")
    if not value:
        value = (credentials or {}).get("username")
    value = (value or "").strip().lower()
    return value or None


def client_ip(request) -> str:
    """The same address the rate limits use (REMOTE_ADDR; see marketplace.core.ratelimit)."""
    return client_address(request)


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    minutes = -(-int(cool_off.total_seconds()) // 60) if cool_off else None
    response = render(
        request,
        "account_locked.html",
        {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
