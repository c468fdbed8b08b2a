"""CSRF: a POST without the token is refused by every URL of the site, except the documented few.

The URL patterns are walked from the root resolver (ours, Oscar's, Wagtail's, Django admin's:
a view added later is covered without editing this test). For each one a matching path is
built from its regular expression and POSTed with `Client(enforce_csrf_checks=True)`, as a
signed-in superuser (so no view could answer before the check if it ever moved into a view),
without a token: the answer must be CsrfViewMiddleware's refusal. Only the views listed in
CSRF_EXEMPT may skip the check, and each must be exempt for the reason given.
"""

from __future__ import annotations

import re
from re import _parser as sre_parse  # the standard library's regex parser

import pytest
from django.http import HttpResponseForbidden
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

pytestmark = pytest.mark.django_db

REFUSED = b"csrf-refused-by-the-middleware"

#: url name (or namespace:) → why it takes POSTs without the token
CSRF_EXEMPT = {
    "stripe-webhook": "Stripe's server posts signed events (Stripe-Signature is checked)",
    "bank-webhook": "SePay's server posts bank credits (Authorization: Apikey is checked)",
    "api-v1:": "the public API is read-only JSON without cookies' authority (no session auth)",
}


def refused(request, reason=""):
    return HttpResponseForbidden(REFUSED)


# --- a path that matches a URL pattern's regex --------------------------------------------


def _char_for_class(items) -> str:
    negate = False
    allowed, excluded = [], set()
    for op, value in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            (excluded.add if negate else allowed.append)(chr(value))
        elif name == "RANGE":
            allowed.append(chr(value[0]))
        elif name == "CATEGORY":
            kind = str(value)
            allowed.append({"CATEGORY_DIGIT": "1", "CATEGORY_WORD": "a"}.get(kind, "a"))
    if negate:
        return next(c for c in "a1-" if c not in excluded)
    for preferred in ("1", "a"):
        if preferred in allowed:
            return preferred
    return allowed[0]


def _sample(parsed) -> str:
    out = []
    for op, value in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(value))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(value) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_char_for_class(value))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = value
            out.append(_sample(sub) * max(low, min(1, high)))
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            out.append(_sample(value[-1]))
        elif name == "BRANCH":
            out.append(_sample(value[1][0]))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        else:
            raise ValueError(f"no sample for regex op {name}")
    return "".join(out)


def sample_path(regexes: list[str]) -> str:
    return "/" + "".join(_sample(sre_parse.parse(regex)) for regex in regexes)


def url_patterns() -> list[tuple[str, str, list[str]]]:
    """(qualified name, route text, [regex per level]) of every pattern of the site."""
    found = []

    def walk(patterns, namespace, regexes, route):
        for entry in patterns:
            levels = [*regexes, entry.pattern.regex.pattern]
            text = route + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = entry.namespace if entry.namespace else None
                walk(entry.url_patterns, ":".join(filter(None, [namespace, inner])), levels, text)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name or ''}" if namespace else (entry.name or "")
                found.append((name, text, levels))

    walk(get_resolver().url_patterns, "", [], "/")
    return found


def _is_rest_framework(view) -> bool:
    from rest_framework.views import APIView

    view_class = getattr(view, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def _exempt_reason(url_name: str) -> str | None:
    for key, reason in CSRF_EXEMPT.items():
        if url_name == key or (key.endswith(":") and url_name.startswith(key)):
            return reason
    return None


# --- the tests ----------------------------------------------------------------------------


def test_the_walk_sees_every_part_of_the_site():
    names = {name for name, _, _ in url_patterns()}
    assert len(names) > 300
    for expected in (
        "customer:login",
        "password-reset",
        "shops:apply",
        "seller:product-edit",
        "checkout:preview",
        "basket:add",
        "dashboard:index",
        "shops-dashboard:decide",
        "wagtailadmin_home",
        "admin:index",
        "set_language",
        "stripe-webhook",
        "bank-webhook",
    ):
        assert expected in names, expected


@override_settings(CSRF_FAILURE_VIEW="tests.security.test_csrf.refused")
def test_every_post_without_a_token_is_refused():
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "pw-Root-2026")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    checked, unbuildable, unrefused, exempt_seen = 0, [], [], set()
    for name, route, regexes in url_patterns():
        try:
            path = sample_path(regexes)
            match = resolve(path)
        except (ValueError, Resolver404) as exc:
            unbuildable.append(f"{name} {route}: {exc}")
            continue
        reason = _exempt_reason(match.view_name)
        if _is_rest_framework(match.func):
            # Wagtail's admin API (Django REST framework): exempt from the middleware, its
            # session authentication checks the token itself and answers 403 "CSRF Failed".
            response = client.post(path, {"field": "value"})
            checked += 1
            if response.status_code != 403 or b"CSRF" not in response.content:
                unrefused.append(f"{name} {path}: {response.status_code}")
            continue
        if getattr(match.func, "csrf_exempt", False):
            if reason is None:
                unrefused.append(f"{match.view_name} ({path}) is csrf_exempt and not documented")
            exempt_seen.add(match.view_name)
            continue
        response = client.post(path, {"field": "value"})
        checked += 1
        if response.status_code != 403 or response.content != REFUSED:
            unrefused.append(f"{name} {path}: {response.status_code}")
    assert not unbuildable, f"no sample path for: {unbuildable}"
    assert not unrefused, f"POST without a CSRF token not refused: {unrefused}"
    assert checked > 800, checked
    assert "stripe-webhook" in exempt_seen


def test_the_documented_exemptions_are_real_and_needed():
    """The webhook and the API are exempt, and only they: a new exempt view fails above."""
    assert getattr(resolve("/payments/stripe/webhook/").func, "csrf_exempt", False)
    assert getattr(resolve("/api/v1/shops").func, "csrf_exempt", False)


def test_a_post_with_the_token_gets_through():
    """The refusal above is the token's absence, not something else about those POSTs."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/password-reset/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    response = client.post(
        "/password-reset/", {"email": "nobody@example.vn", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    assert (
        Client(enforce_csrf_checks=True)
        .post("/password-reset/", {"email": "x@example.vn"})
        .status_code
        == 403
    )
