"""XSS: payloads in every seller- and buyer-writable field render as text, never as markup.

`build_world(payloads=True)` writes, through the sellers' and buyers' own services,
`<mark> <script>alert(…)</script>"><img src=x onerror=alert(…)><a href="javascript:…">` (or
the longest variant that fits the field) into: shop name, legal name, street, description
(shop application); product title and rich-text description; OCOP certificate number;
shipping option name; buyer's name and saved address; name, address line and notes given at
checkout; review title and body; the seller's reply. Each page below is rendered for the role
that sees it; a page passes when no payload runs (no script text, no on* attribute, no
javascript: URL) and the fields expected there do show, as text — otherwise the test would
pass on a page that simply left the field out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from marketplace.order import mails
from shops.seller.catalogue.forms import ProductForm
from tests.security.conftest import build_world, payload
from tests.security.xss_check import scan

STATIC_JS = Path(__file__).resolve().parents[2] / "themes" / "base" / "static" / "js"

# (who, page, fields whose payload must show on it as text)
ANONYMOUS_PAGES = [
    ("shop list", lambda w: "/shops/", {"shop_name"}),
    (
        "storefront",
        lambda w: f"/shops/{w.a.shop.code}/",
        {"shop_name", "shop_legal_name", "shop_street", "shop_description", "product_title"},
    ),
    (
        "product page",
        lambda w: w.a.product.get_absolute_url(),
        {
            "product_title",
            "product_description",
            "shop_name",
            "certificate_number",
            "review_title",
            "review_body",
            "seller_reply",
            "buyer_first_name",
        },
    ),
    ("catalogue", lambda w: "/catalogue/", {"product_title", "shop_name"}),
    (
        "reviews",
        lambda w: f"{w.a.product.get_absolute_url()}reviews/",
        {"review_title", "review_body", "seller_reply"},
    ),
    (
        "review",
        lambda w: f"{w.a.product.get_absolute_url()}reviews/{w.a.review.pk}/",
        {"review_title", "review_body", "seller_reply"},
    ),
]
BUYER_PAGES = [
    ("order list", lambda w: "/accounts/orders/", {"shop_name"}),
    (
        "order",
        lambda w: f"/accounts/orders/{w.a.order.number}/",
        {
            "product_title",
            "shop_name",
            "shipping_name",
            "checkout_name",
            "checkout_line1",
            "checkout_notes",
        },
    ),
    (
        "purchase",
        lambda w: w.a.purchase_url,
        {"product_title", "shop_name", "shipping_name", "checkout_name", "checkout_line1"},
    ),
    ("address book", lambda w: "/accounts/addresses/", {"buyer_book_name"}),
    ("address", lambda w: f"/accounts/addresses/{w.a.address.pk}/", set()),
    ("profile", lambda w: "/accounts/profile/", {"buyer_first_name"}),
    ("basket", lambda w: "/basket/", {"product_title", "shop_name"}),
]
SELLER_PAGES = [
    ("overview", lambda w: f"/seller/{w.a.shop.code}/", {"shop_name", "product_title"}),
    ("orders", lambda w: f"/seller/{w.a.shop.code}/orders/", {"product_title", "checkout_name"}),
    (
        "order",
        lambda w: f"/seller/{w.a.shop.code}/orders/{w.a.order.number}/",
        {"product_title", "checkout_name", "checkout_line1", "checkout_notes"},
    ),
    ("products", lambda w: f"/seller/{w.a.shop.code}/products/", {"product_title"}),
    (
        "product form",
        lambda w: f"/seller/{w.a.shop.code}/products/{w.a.product.pk}/",
        {"product_description"},
    ),
    ("stock", lambda w: f"/seller/{w.a.shop.code}/products/stock/", {"product_title"}),
    ("shipping", lambda w: f"/seller/{w.a.shop.code}/shipping/", {"shipping_name"}),
    (
        "certificates",
        lambda w: f"/seller/{w.a.shop.code}/certificates/",
        {"certificate_number", "product_title"},
    ),
    (
        "certificate",
        lambda w: f"/seller/{w.a.shop.code}/certificates/{w.a.certificate.pk}/",
        {"certificate_number"},
    ),
    (
        "reviews",
        lambda w: f"/seller/{w.a.shop.code}/reviews/",
        {"review_title", "review_body", "seller_reply", "buyer_first_name"},
    ),
    ("history", lambda w: f"/seller/{w.a.shop.code}/history/", {"product_title"}),
    ("figures", lambda w: f"/seller/{w.a.shop.code}/figures/", {"product_title"}),
]
STAFF_PAGES = [
    ("shop applications", lambda w: "/dashboard/shops/", {"shop_name"}),
    (
        "shop application",
        lambda w: f"/dashboard/shops/{w.a.shop.code}/",
        {"shop_name", "shop_legal_name", "shop_street", "shop_description"},
    ),
    ("certificates", lambda w: "/dashboard/ocop/", {"certificate_number", "product_title"}),
    (
        "certificate",
        lambda w: f"/dashboard/ocop/{w.a.certificate.pk}/",
        {"certificate_number", "product_title", "shop_legal_name"},
    ),
    ("curation shops", lambda w: "/dashboard/curation/shops/", {"shop_name"}),
    ("payments", lambda w: "/dashboard/payments/", {"shop_name"}),
    ("figures", lambda w: "/dashboard/figures/", {"product_title", "shop_name"}),
    ("orders", lambda w: "/dashboard/orders/", {"checkout_name", "checkout_line1"}),
    (
        "order",
        lambda w: f"/dashboard/orders/{w.a.order.number}/",
        {"product_title", "shop_name", "shipping_name", "checkout_name", "checkout_notes"},
    ),
    ("reviews", lambda w: "/dashboard/reviews/", {"review_title", "product_title"}),
    ("review", lambda w: f"/dashboard/reviews/{w.a.review.pk}/", {"review_body"}),
    ("catalogue", lambda w: "/dashboard/catalogue/", {"product_title"}),
    ("partners", lambda w: "/dashboard/partners/", {"shop_name"}),
]
SUPERUSER_PAGES = [
    ("customers", lambda w: "/dashboard/users/", {"buyer_first_name"}),
    (
        "customer",
        lambda w: f"/dashboard/users/{w.a.buyer.pk}/",
        {"buyer_first_name", "buyer_book_name", "review_title"},
    ),
    ("partner", lambda w: f"/dashboard/partners/{w.a.shop.pk}/", {"shop_name"}),
    ("django admin shops", lambda w: "/django-admin/partner/partner/", {"shop_name"}),
    (
        "django admin shop",
        lambda w: f"/django-admin/partner/partner/{w.a.shop.pk}/change/",
        {"shop_name"},
    ),
]
PAGES = [
    *[("anonymous", *page) for page in ANONYMOUS_PAGES],
    *[("buyer", *page) for page in BUYER_PAGES],
    *[("seller", *page) for page in SELLER_PAGES],
    *[("staff", *page) for page in STAFF_PAGES],
    *[("superuser", *page) for page in SUPERUSER_PAGES],
]


@pytest.fixture(scope="module")
def xss_world(django_db_setup, django_db_blocker, tmp_path_factory, search_server):
    """The world with payloads, built once for the module and rolled back after it.

    The search index holds exactly the world's products (rebuilt), so search results and
    browse pages show them through the real search server, whatever ran before.
    """
    from django.db import transaction
    from django.test import override_settings

    from search.engine import reset_client
    from search.indexing import rebuild_index

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("m"))),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world(payloads=True)
            reset_client()
            rebuild_index()
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _user(world, role):
    return {
        "anonymous": None,
        "buyer": world.a.buyer,
        "seller": world.a.owner,
        "staff": world.staff,
        "superuser": world.superuser,
    }[role]


def assert_inert(html: str, world, expected: set[str], where: str) -> None:
    names = {mark: name for name, mark in world.marks.items()}
    problems, shown = scan(html, names)
    assert not problems, f"{where}: payload markup survived: {problems[:5]}"
    missing = expected - {names[mark] for mark in shown}
    assert not missing, f"{where}: fields not shown, so not checked: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "page", "url", "expected"), PAGES, ids=[f"{p[0]}-{p[1]}" for p in PAGES]
)
def test_payloads_render_as_text(xss_world, role, page, url, expected):
    client = Client()
    user = _user(xss_world, role)
    if user is not None:
        client.force_login(user)
    if page == "basket":
        client.post(f"/basket/add/{xss_world.a.product.pk}/", {"quantity": 1})
    response = client.get(url(xss_world))
    assert response.status_code == 200, f"{role} {page}: {response.status_code}"
    assert_inert(response.content.decode(), xss_world, expected, f"{role} {page}")


@pytest.mark.django_db
def test_every_payload_field_is_checked_somewhere(xss_world):
    shown_somewhere = set().union(*(page[-1] for page in PAGES))
    assert set(xss_world.marks) <= shown_somewhere | {"shop_name"}, (
        f"fields with a payload but no page checking them: {set(xss_world.marks) - shown_somewhere}"
    )


@pytest.mark.django_db
@pytest.mark.search
def test_search_results_render_payloads_as_text(xss_world, search_server, settings):
    from search.engine import reset_client

    settings.ELASTICSEARCH_URL = search_server.url
    reset_client()
    try:
        call_command("search_index", rebuild=True, verbosity=0)
        mark = xss_world.marks["product_title"]
        response = Client().get("/search/", {"q": mark})
        assert response.status_code == 200
        assert_inert(response.content.decode(), xss_world, {"product_title", "shop_name"}, "search")
    finally:
        reset_client()


@pytest.mark.django_db
def test_order_emails_render_payloads_as_text(xss_world):
    mail.outbox = []
    mails.send_purchase_placed(xss_world.a.purchase.pk)
    mails.send_shop_new_order(xss_world.a.order.pk)
    html_parts = [
        content
        for message in mail.outbox
        for content, kind in getattr(message, "alternatives", [])
        if kind == "text/html"
    ]
    assert len(html_parts) >= 2, "the buyer's and the shop's e-mails, each with an HTML part"
    for html in html_parts:
        assert_inert(html, xss_world, {"product_title", "checkout_name"}, "order e-mail")


@pytest.mark.django_db
def test_rich_text_is_sanitised_when_stored(xss_world):
    """Descriptions keep simple formatting; scripts, handlers and javascript: links go."""
    for stored in (xss_world.a.product.description, xss_world.a.shop.description):
        assert "<script" not in stored and "onerror" not in stored
        assert "javascript:" not in stored and "<img" not in stored


@pytest.mark.django_db
def test_the_seller_form_refuses_javascript_links(xss_world):
    """The only URL a seller types (product traceability) cannot be javascript:."""
    from catalogue.models import Category

    category = Category.objects.first()
    form = ProductForm(
        data={
            "title": "Mật ong",
            "category": category.pk,
            "price": "180000",
            "stock": "5",
            "traceability_url": "javascript:alert(document.cookie)",
        },
        shop=xss_world.a.shop,
    )
    assert not form.is_valid() and "traceability_url" in form.errors


def test_our_scripts_write_text_not_html():
    """Suggestions and communes come back as JSON holding seller text: our scripts put them
    in the page with textContent/createElement, never as HTML."""
    sinks = re.compile(
        r"innerHTML\s*=(?!\s*(\"\"|''))|outerHTML\s*=|insertAdjacentHTML|document\.write|eval\("
    )
    found = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(STATIC_JS.glob("*.js"))
        for match in sinks.finditer(path.read_text())
    ]
    assert list(STATIC_JS.glob("*.js")) and not found, found


def test_payload_variants_fit_their_fields():
    assert len(payload("m" * 24, 64)) <= 64
    assert "onerror" in payload("mark", 64)
