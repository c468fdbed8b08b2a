"""Smoke test of the base theme: buyer pages render in the shell, cards cost no query each.

Builds its own few objects (no demo loader, no search server) so it stays fast.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")


def make_shop(code: str) -> Partner:
    return Partner.objects.create(
        name=f"HTX {code}",
        code=code,
        status=Partner.Status.APPROVED,
        producer_type=Partner.ProducerType.COOPERATIVE,
        legal_name=f"Hợp tác xã {code}",
        registration_number="2100123456",
        phone="+84918123456",
        street_address="Ấp 3",
    )


def make_product(shop: Partner, n: int, *, stars: int | None = None, stock: int = 5) -> Product:
    from catalogue.models import OcopCertificate

    product_class, _ = ProductClass.objects.get_or_create(
        slug="dac-san", defaults={"name": "Đặc sản", "track_stock": True}
    )
    product = Product.objects.create(
        title=f"Mật ong {n}",
        slug=f"mat-ong-{n}",
        product_class=product_class,
        shop=shop,
        is_public=True,
        description="<p>Mật <b>ong</b></p><script>alert(1)</script>",
    )
    StockRecord.objects.create(
        product=product, partner=shop, partner_sku=f"S{n}", price=Decimal(250000), num_in_stock=stock
    )
    if stars:
        OcopCertificate.objects.create(
            product=product,
            stars=stars,
            score={3: 60, 4: 75, 5: 92}[stars],
            decision_number=f"{n}/QĐ-UBND",
            issuing_body="central" if stars == 5 else "province",
            issued_on=timezone.localdate() - datetime.timedelta(days=30),
            status=OcopCertificate.Status.VERIFIED,
        )
    return product


@pytest.fixture
def home_page():
    from wagtail.models import Page, Site

    from marketplace.cms.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Trang chủ", slug="home-test", hero_title="Chợ"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


def test_shell_on_shop_pages(client):
    shop = make_shop("htx-a")
    make_product(shop, 1, stars=4)
    make_product(shop, 2, stock=0)

    response = client.get("/shops/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert 'action="/search/"' in html and 'name="q"' in html
    assert "/i18n/setlang/" in html

    html = client.get(f"/shops/{shop.code}/").content.decode()
    assert "Hợp tác xã htx-a" in html  # legal name (Decree 52/85 disclosure)
    assert "2100123456" in html
    assert "OCOP 4 sao" in html
    assert "250.000 ₫" in html
    assert "Hết hàng" in html


def test_product_page_posts_to_basket_and_escapes_description(client):
    product = make_product(make_shop("htx-b"), 3, stars=5)
    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="/basket/add/{product.pk}/"' in html
    assert "<script>alert(1)</script>" not in html
    assert "OCOP 5 sao" in html

    response = client.post(f"/basket/add/{product.pk}/", {"quantity": 2})
    assert response.status_code == 302
    html = client.get("/basket/").content.decode()
    assert 'class="basket-count">2<' in html
    assert client.get("/checkout/").status_code in (200, 302)


def test_home_page_cards_do_not_query_per_product(client, home_page):
    # One shop per product: the home shelf shows at most two products of a shop.
    for n in range(2):
        make_product(make_shop(f"htx-few-{n}"), 10 + n, stars=3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for n in range(6):
        make_product(make_shop(f"htx-many-{n}"), 20 + n, stars=4)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.content.decode().count('class="product-card"') == 8
    assert len(many) == len(few)


def test_error_and_account_pages(client):
    assert client.get("/khong-co-trang-nay/").status_code == 404
    assert client.get("/accounts/login/").status_code == 200
