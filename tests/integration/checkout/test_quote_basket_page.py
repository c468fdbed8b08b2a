"""The basket page, by shop: each shop's lines and delivery fee (its cheapest option, free above
its threshold), and a total that is what the checkout then places — the figures come from
marketplace/checkout/quote.py, not from Oscar's "free shipping" repository."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.core.addresses import communes
from marketplace.order.models import Purchase
from tests.factories import ensure_country, make_option, make_product, make_shop

pytestmark = pytest.mark.django_db

ADDRESS_POST = {"name": "Trần Thị Khách", "phone": "0912 345 678", "province": "96", "street": "Ấp 3"}


def add(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302


def shown_total(html: str) -> int:
    match = re.search(r'id="basket-grand-total">([\d.]+) ₫<', html)
    return int(match.group(1).replace(".", ""))


def sections(html: str) -> list[str]:
    return re.findall(r'<section class="panel shop-part basket-shop">(.*?)</section>', html, re.S)


@pytest.fixture
def two_shops(settings):
    settings.CHECKOUT_DEFAULT_SHIPPING_FEE = 30_000
    ensure_country()
    honey_shop = make_shop("mat-ong", name="HTX Mật ong U Minh")
    make_option(honey_shop, "Giao tiết kiệm", kind="free_above", fee=25_000, free_above=300_000)
    make_option(honey_shop, "Giao nhanh", fee=45_000, position=1)
    make_option(honey_shop, "Nhận tại cửa hàng", kind="pickup", fee=0, position=2)
    fish_shop = make_shop("kho-ca", name="Cơ sở Khô cá Năm Căn")
    make_option(fish_shop, "Giao tận nơi", kind="free_above", fee=20_000, free_above=500_000)
    honey = make_product(honey_shop, "Mật ong rừng tràm", price=160_000, stock=20)
    fish = make_product(fish_shop, "Khô cá lóc", price=120_000, stock=20)
    return honey_shop, fish_shop, honey, fish


def test_each_shop_shows_its_delivery_and_the_total_is_what_is_placed(client, two_shops):
    honey_shop, fish_shop, honey, fish = two_shops
    add(client, honey, 2)  # 320.000 ₫: above the honey shop's 300.000 ₫, delivered free
    add(client, fish, 1)   # 120.000 ₫: 20.000 ₫ delivery, free from 500.000 ₫

    html = client.get(reverse("basket:summary")).content.decode()

    fish_block, honey_block = sections(html)  # shops in name order
    assert "HTX Mật ong U Minh" in honey_block and "Mật ong rừng tràm" in honey_block
    assert "Giao tiết kiệm" in honey_block and "Miễn phí" in honey_block
    assert "Cơ sở Khô cá Năm Căn" in fish_block and "Khô cá lóc" in fish_block
    assert "Giao tận nơi" in fish_block and "20.000 ₫" in fish_block
    assert "Miễn phí giao hàng cho đơn của cửa hàng từ 500.000 ₫ — mua thêm 380.000 ₫." in fish_block
    assert "Giao hàng miễn phí" not in html  # Oscar's shipping line is gone
    total = shown_total(html)
    assert total == 320_000 + 0 + 120_000 + 20_000

    # Checkout: the delivery step offers the same options first; the buyer keeps them.
    client.post(reverse("checkout:index"), {"username": "khach@example.com", "options": "anonymous", "phone": "0912345678"})
    client.post(reverse("checkout:shipping-address"), {**ADDRESS_POST, "commune": str(communes(96)[0][0])})
    step = client.get(reverse("checkout:shipping-method")).content.decode()
    checked = dict(re.findall(r'<input type="radio" name="(shop_\d+)" value="([^"]+)"[^>]*checked', step))
    assert set(checked) == {f"shop_{honey_shop.pk}", f"shop_{fish_shop.pk}"}
    assert client.post(reverse("checkout:shipping-method"), checked).status_code == 302
    assert client.post(reverse("checkout:payment-method"), {"method": "cod"}).status_code == 302
    review = client.get(reverse("checkout:preview")).content.decode()
    expected = int(re.search(r'name="expected_total" value="(\d+)"', review).group(1))
    assert expected == total
    response = client.post(reverse("checkout:preview"),
                           {"action": "place", "expected_total": expected, "accept_terms": "on"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    purchase = Purchase.objects.get()
    assert purchase.total == total
    assert sum(int(order.total_incl_tax) for order in purchase.orders.all()) == total


def test_a_shop_without_options_shows_the_programme_fee(client, settings):
    settings.CHECKOUT_DEFAULT_SHIPPING_FEE = 30_000
    product = make_product(make_shop("ruou", name="Rượu hoa dừa"), "Rượu hoa dừa", price=120_000)
    add(client, product)
    html = client.get(reverse("basket:summary")).content.decode()
    (block,) = sections(html)
    assert "Giao hàng tiêu chuẩn" in block and "30.000 ₫" in block
    assert shown_total(html) == 150_000


def test_a_delivery_chosen_in_checkout_is_what_the_basket_shows_after(client, two_shops):
    honey_shop, fish_shop, honey, fish = two_shops
    add(client, honey, 1)  # 160.000 ₫: the cheapest delivery is 25.000 ₫
    client.post(reverse("checkout:index"), {"username": "khach@example.com", "options": "anonymous", "phone": "0912345678"})
    client.post(reverse("checkout:shipping-address"), {**ADDRESS_POST, "commune": str(communes(96)[0][0])})
    fast = honey_shop.shipping_options.get(name="Giao nhanh")
    assert client.post(reverse("checkout:shipping-method"), {f"shop_{honey_shop.pk}": str(fast.pk)}).status_code == 302
    html = client.get(reverse("basket:summary")).content.decode()
    assert "Giao nhanh" in sections(html)[0]
    assert shown_total(html) == 160_000 + 45_000


def test_the_basket_page_queries_do_not_grow_with_shops(client, settings):
    settings.CHECKOUT_DEFAULT_SHIPPING_FEE = 30_000
    shops = [make_shop(f"htx-{n}", name=f"HTX số {n}") for n in range(3)]
    for shop in shops:
        make_option(shop, "Giao tận nơi", fee=20_000)
        make_option(shop, "Miễn phí từ 500k", kind="free_above", fee=25_000, free_above=500_000)
    products = [make_product(shop, f"Đặc sản {n}", price=100_000) for n, shop in enumerate(shops)]
    products += [make_product(shop, f"Quà tặng {n}", price=50_000) for n, shop in enumerate(shops)]
    # Two products of one shop: Oscar's shipping check loads the first line's product class
    # before the strategy loads every line's at once, so a one-line basket is one query less.
    add(client, products[0])
    add(client, products[3])
    client.get(reverse("basket:summary"))  # warm Oscar's one-off lookups
    with CaptureQueriesContext(connection) as one:
        html = client.get(reverse("basket:summary")).content.decode()
    assert len(sections(html)) == 1
    for product in (products[1], products[2], products[4], products[5]):
        add(client, product, 2)
    with CaptureQueriesContext(connection) as three:
        html = client.get(reverse("basket:summary")).content.decode()
    assert len(sections(html)) == 3
    assert shown_total(html) == 150_000 + 4 * 2 * 75_000 + 3 * 20_000
    assert len(three) == len(one), [q["sql"][:120] for q in three.captured_queries]
