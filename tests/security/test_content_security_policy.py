"""Content-Security-Policy: strict on every page we render, relaxed only for staff tools.

The header is read as a browser reads it (directive → sources). The pages we render are also
checked for what the policy would block: an inline <script> without the request's nonce, an
on* event-handler attribute, a javascript: URL (the browser tests report actual violations
on the journeys; this audit also covers pages no journey opens).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from marketplace.core.csp import MarketplaceCSPMiddleware

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_public_pages_allow_no_inline_script():
    for url in ("/accounts/login/", "/shops/", "/basket/", "/password-reset/", "/no-such-page/"):
        directives = policy(Client().get(url))
        assert directives["script-src"][0] == "'self'", url
        assert "'unsafe-inline'" not in directives["script-src"], url
        assert "'unsafe-eval'" not in directives["script-src"], url
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]
        assert "https://js.stripe.com" not in directives["script-src"]


def test_a_nonce_is_added_when_a_template_asks_for_one():
    """`{{ request.csp_nonce }}` in a template puts the same nonce in the header."""
    from django.template import engines

    def view(request):
        from django.http import HttpResponse

        html = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}"></script>')
        return HttpResponse(html.render({"request": request}))

    request = RequestFactory().get("/")
    middleware = MarketplaceCSPMiddleware(view)
    response = middleware(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]
    assert "'unsafe-inline'" not in policy(response)["script-src"]


def test_staff_tools_get_their_own_policy(world):
    client = Client()
    client.force_login(world.superuser)
    for url in ("/dashboard/", "/cms/", "/django-admin/"):
        directives = policy(client.get(url))
        assert directives["script-src"] == ["'self'", "'unsafe-inline'"], url
        assert directives["frame-ancestors"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"], url
    # the seller workspace is ours: the strict policy
    client.force_login(world.a.owner)
    directives = policy(client.get(f"/seller/{world.a.shop.code}/"))
    assert "'unsafe-inline'" not in directives["script-src"]


@override_settings(STRIPE_API_BASE="")
def test_the_card_step_may_load_stripe():
    directives = policy(Client().get(reverse("checkout:index")))
    assert "https://js.stripe.com" in directives["script-src"]
    assert "https://api.stripe.com" in directives["connect-src"]
    assert {"https://js.stripe.com", "https://hooks.stripe.com"} <= set(directives["frame-src"])
    assert "'unsafe-inline'" not in directives["script-src"]


@override_settings(STRIPE_API_BASE="http://127.0.0.1:8420")
def test_the_card_step_may_load_the_emulators_stripe_js():
    directives = policy(Client().get(reverse("checkout:index")))
    for name in ("script-src", "connect-src", "frame-src"):
        assert "http://127.0.0.1:8420" in directives[name], name
    assert "http://127.0.0.1:8420" not in policy(Client().get("/shops/"))["script-src"]


@override_settings(
    MEDIA_URL="https://media.ocop.example.vn/m/", STATIC_URL="https://cdn.ocop.example.vn/s/"
)
def test_media_and_static_on_another_origin_are_allowed():
    directives = policy(Client().get("/shops/"))
    assert "https://media.ocop.example.vn" in directives["img-src"]
    assert "https://cdn.ocop.example.vn" in directives["script-src"]
    assert "https://cdn.ocop.example.vn" in directives["style-src"]


# --- what the policy would block on our pages ---------------------------------------------


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.nonces: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script" and "src" not in attributes:
            kind = (attributes.get("type") or "").lower()
            if kind in ("application/json", "application/ld+json", "text/template"):
                return
            if attributes.get("nonce"):
                self.nonces.append(attributes["nonce"])
            else:
                self.found.append("<script> inline without a nonce")


def blocked_on(response) -> list[str]:
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    sources = policy(response)["script-src"]
    return finder.found + [
        f"nonce {nonce} not in the header"
        for nonce in finder.nonces
        if f"'nonce-{nonce}'" not in sources
    ]


def test_our_pages_hold_nothing_the_policy_blocks(world, settings):
    a = world.a
    pages = {
        None: [
            "/accounts/login/",
            "/accounts/register/",
            "/password-reset/",
            "/shops/",
            f"/shops/{a.shop.code}/",
            "/catalogue/",
            a.product.get_absolute_url(),
            f"{a.product.get_absolute_url()}reviews/",
            "/basket/",
            a.purchase_url,
            "/no-such-page/",
            "/api/v1/docs",
        ],
        a.buyer: [
            "/accounts/profile/",
            "/accounts/profile/edit/",
            "/accounts/change-password/",
            "/accounts/orders/",
            f"/accounts/orders/{a.order.number}/",
            "/accounts/addresses/",
            "/accounts/addresses/add/",
            f"/accounts/addresses/{a.address.pk}/",
            "/accounts/wishlists/",
            "/accounts/wishlists/create/",
            "/accounts/emails/",
            "/accounts/notifications/inbox/",
            "/accounts/alerts/",
            "/shops/apply/",
        ],
        a.owner: [
            f"/seller/{a.shop.code}/{suffix}"
            for suffix in (
                "",
                "orders/",
                f"orders/{a.order.number}/",
                "products/",
                "products/new/",
                f"products/{a.product.pk}/",
                f"products/{a.product.pk}/images/",
                "products/stock/",
                "products/import/",
                "shipping/",
                "shipping/new/",
                f"shipping/{a.option.pk}/",
                "certificates/",
                "certificates/new/",
                f"certificates/{a.certificate.pk}/",
                "members/",
                "members/add/",
                "payment/",
                "history/",
                "reviews/",
                "figures/",
            )
        ],
    }
    problems = []
    for user, urls in pages.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), f"{url}: {response.status_code}"
            problems += [f"{url}: {found}" for found in blocked_on(response)]
    assert not problems, problems
