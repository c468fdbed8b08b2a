"""Every sign-in, registration and password-reset form is under the per-address limits.

The URL resolver is walked: any view that looks like one of these forms (a subclass of
Django's LoginView or PasswordResetView, a form class that authenticates or mails a reset,
or a route or name saying login / password reset / register / authenticate) must have a
scope in marketplace.core.ratelimit.FORM_SCOPES, or be listed below as not a way in, with
why. So a sign-in page mounted later cannot escape. Then each limited URL is posted to until
429 (docs/decisions/0013-sign-in-and-form-abuse-limits.md, 0030).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver

from marketplace.core.ratelimit import view_scope

pytestmark = pytest.mark.django_db

LOOKS_LIKE = re.compile(r"login|sign.?in|password.?reset|password_reset|register|authenticate", re.I)

#: Routes that match the pattern above but are no way in, each with why.
NOT_A_WAY_IN = {
    "password-reset/done/": "a page saying the mail is on its way",
    "password-reset/confirm/<str:uidb64>/<str:token>/": "needs the mailed token",
    "password-reset/complete/": "a page",
    "cms/password_reset/done/": "a page",
    "cms/password_reset/confirm/<uidb64>/<token>/": "needs the mailed token",
    "cms/password_reset/complete/": "a page",
    "accounts/register/sent/": "a page",
    r"dashboard/users/^(?P<pk>-?\d+)/password-reset/$": "programme staff, signed in, for a user",
}


def patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def looks_like_a_way_in(route: str, entry) -> bool:
    view_class = getattr(entry.callback, "view_class", None)
    if view_class is not None:
        if issubclass(view_class, (LoginView, PasswordResetView)):
            return True
        forms = [getattr(view_class, name, None) for name in ("form_class", "authentication_form",
                                                              "login_form_class")]
        if any(isinstance(f, type) and issubclass(f, (AuthenticationForm, PasswordResetForm))
               for f in forms):
            return True
    return bool(LOOKS_LIKE.search(f"{route} {entry.name or ''}"))


def ways_in() -> list[tuple[str, object]]:
    return [(route, entry) for route, entry in patterns() if looks_like_a_way_in(route, entry)]


def test_the_walk_finds_the_known_entry_points():
    routes = {route for route, _ in ways_in()}
    assert {
        "accounts/login/", "accounts/register/", "password-reset/", "cms/login/",
        "cms/password_reset/", "dashboard/login/", "_util/login/", "django-admin/login/",
    } <= routes


def test_every_sign_in_registration_and_reset_view_has_a_limit():
    escaped = [
        route for route, entry in ways_in()
        if view_scope(entry.callback) is None and route not in NOT_A_WAY_IN
        and "logout" not in route and "password_change" not in route and "change-password" not in route
    ]
    assert escaped == [], f"add these to marketplace.core.ratelimit.FORM_SCOPES: {escaped}"


LIMITED = [
    ("/accounts/login/", {"login-username": "a@example.vn", "login-password": "x", "login_submit": "1"}),
    ("/accounts/register/", {"email": "a@example.vn", "password1": "x", "password2": "y"}),
    ("/cms/login/", {"username": "a@example.vn", "password": "x"}),
    ("/dashboard/login/", {"username": "a@example.vn", "password": "x"}),
    ("/_util/login/", {"username": "a@example.vn", "password": "x"}),
    ("/django-admin/login/", {"username": "a@example.vn", "password": "x"}),
    ("/password-reset/", {"email": "a@example.vn"}),
    ("/cms/password_reset/", {"email": "a@example.vn"}),
    ("/_util/authenticate_with_password/1/1/", {"password": "x"}),
    ("/documents/authenticate_with_password/1/", {"password": "x"}),
    ("/checkout/", {"username": "a@example.vn", "password": "x", "options": "existing"}),
]


def test_the_checkout_gateway_is_a_sign_in_form_and_is_found():
    assert ("checkout/", "login") in {(r, view_scope(e.callback)) for r, e in ways_in()}


def test_the_checkout_guest_email_does_not_count_as_a_sign_in():
    with override_settings(FORM_RATE_LIMITS={"login": "1/hour"}):
        cache.clear()
        client = Client()
        for _ in range(3):
            assert client.post("/checkout/", {"username": "a@example.vn", "options": "anonymous", "phone": "0912345678"}).status_code != 429


def test_the_table_below_covers_every_limited_route():
    limited = {route for route, entry in ways_in() if view_scope(entry.callback)}
    posted = {path for path, _ in LIMITED}
    for route in limited:
        concrete = re.sub(r"<[^>]+>", "1", route)
        assert "/" + concrete in posted, f"post to {route} in LIMITED"


@pytest.mark.parametrize("path,data", LIMITED, ids=[p for p, _ in LIMITED])
def test_each_entry_point_answers_429_over_the_limit(path, data):
    cache.clear()
    limits = {"login": "2/hour", "register": "2/hour", "password_reset": "2/hour", "shop_apply": "2/hour"}
    with override_settings(FORM_RATE_LIMITS=limits):
        client = Client()
        for _ in range(2):
            assert client.post(path, data).status_code != 429
        response = client.post(path, data)
        assert response.status_code == 429, path
        assert "Retry-After" in response
        # another address is not affected
        assert client.post(path, data, REMOTE_ADDR="10.7.7.7").status_code != 429
