"""Smoke test of the base theme: buyer pages render in the shell, cards cost no query each.

Builds its own few objects (no demo loader, no search server) so it stays fast.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_home_page, make_product, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_page():
    return make_home_page(slug="home-test", published=False)


def test_shell_on_shop_pages(client):
    shop = make_shop("htx-a", cooperative=True)
    make_product(shop, "Mật ong 1", price=250_000, stars=4)
    make_product(shop, "Mật ong 2", price=250_000, stock=0)

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
    product = make_product(
        make_shop("htx-b", cooperative=True), "Mật ong 3", stars=5,
        description="<p>Mật <b>ong</b></p><script>alert(1)</script>",
    )
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
        make_product(make_shop(f"htx-few-{n}", cooperative=True), f"Mật ong {10 + n}", stars=3)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for n in range(6):
        make_product(make_shop(f"htx-many-{n}", cooperative=True), f"Mật ong {20 + n}", stars=4)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.content.decode().count('class="product-card"') == 8
    assert len(many) == len(few)


def test_error_and_account_pages(client):
    assert client.get("/khong-co-trang-nay/").status_code == 404
    assert client.get("/accounts/login/").status_code == 200
