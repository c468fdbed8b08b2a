"""The buyer's account pages (/accounts/): order history grouped by purchase, one shop order."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.core.money import format_vnd
from marketplace.order.links import purchase_link
from marketplace.order.models import Order, Purchase
from marketplace.payment import vietqr
from tests.factories import (
    login,
    make_basket,
    make_option,
    make_product,
    make_shop,
    make_user,
    place,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops():
    honey = make_shop("mat-ong", name="HTX Mật ong U Minh")
    shrimp = make_shop("tom-kho", name="Cơ sở Tôm khô Rạch Gốc")
    shrimp.bank_bin, shrimp.bank_account_number, shrimp.bank_account_name = (
        "970418", "DEMO0000123", "CO SO TOM KHO"
    )
    shrimp.save()
    make_option(honey, "Giao tận nơi", fee=30_000)
    return honey, shrimp


@pytest.fixture
def products(shops):
    honey, shrimp = shops
    return (
        make_product(honey, "Mật ong U Minh Hạ", price=180_000, stock=100),
        make_product(shrimp, "Tôm khô Rạch Gốc", price=550_000, stock=100),
    )


@pytest.fixture
def buyer():
    return make_user("khach@example.com", first_name="Trần", last_name="Khách")


def buy(user, items, method="cod") -> Purchase:
    basket = make_basket(items, owner=user)
    return place(basket, payment_method=method, user=user, email=user.email).purchase


def sections(html: str) -> dict[str, str]:
    """purchase number -> the HTML of its group on the history page."""
    parts = re.split(r'<section class="panel purchase-group" id="purchase-', html)[1:]
    return {part.split('"', 1)[0]: part.split("</section>", 1)[0] for part in parts}


def test_history_groups_shop_orders_by_purchase(client, buyer, products, shops):
    both = buy(buyer, [(products[0], 2), (products[1], 1)], method="cod")
    transfer = buy(buyer, [(products[1], 1)], method="bank_transfer")
    other = make_user("nguoi-khac@example.com")
    stranger = buy(other, [(products[0], 1)])
    login(client, buyer)

    response = client.get(reverse("customer:order-list"))

    assert response.status_code == 200
    html = response.content.decode()
    groups = sections(html)
    assert list(groups) == [transfer.number, both.number]  # newest purchase first
    assert stranger.number not in html
    for purchase in (both, transfer):
        group = groups[purchase.number]
        local = timezone.localtime(purchase.created_at, ZoneInfo("Asia/Ho_Chi_Minh"))
        assert local.strftime("%d/%m/%Y %H:%M") in group
        assert format_vnd(purchase.total) in group
        assert purchase.get_payment_method_display() in group
        assert purchase.get_status_display() in group
        assert purchase_link(purchase) in group
        orders = list(purchase.orders.select_related("shop").order_by("number"))
        assert [o.number for o in orders] == re.findall(r">(\d+-\d+)</a>", group)
        for order in orders:
            assert reverse("customer:order", kwargs={"order_number": order.number}) in group
            assert order.shop.name in group
            assert order.status_label in group
            assert order.get_payment_status_display() in group
    assert str(Order.PaymentStatus.AWAITING_TRANSFER.label) in groups[transfer.number]
    assert str(Order.PaymentStatus.COD_DUE.label) in groups[both.number]


def test_history_filter_by_purchase_number_and_bad_dates(client, buyer, products):
    first = buy(buyer, [(products[0], 1), (products[1], 1)])
    second = buy(buyer, [(products[0], 1)])
    login(client, buyer)

    found = client.get(reverse("customer:order-list"), {"order_number": first.number,
                                                        "date_from": "", "date_to": ""})
    assert found.status_code == 200
    assert list(sections(found.content.decode())) == [first.number]

    # One shop order's exact number goes straight to that order (Oscar's behaviour).
    order = first.orders.order_by("number").first()
    jump = client.get(reverse("customer:order-list"), {"order_number": order.number, "date_from": ""})
    assert jump.status_code == 302
    assert jump["Location"] == reverse("customer:order", kwargs={"order_number": order.number})

    bad = client.get(reverse("customer:order-list"), {"date_from": "31/02/2025", "order_number": ""})
    assert bad.status_code == 200
    assert 'class="errorlist"' in bad.content.decode()
    # An invalid filter lists everything rather than failing.
    assert set(sections(bad.content.decode())) == {first.number, second.number}


def test_history_query_count_does_not_grow_with_purchases(client, buyer, products):
    login(client, buyer)
    buy(buyer, [(products[0], 1), (products[1], 1)])
    url = reverse("customer:order-list")
    client.get(url)  # warm caches (site, content types, session)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(4):
        buy(buyer, [(products[0], 1), (products[1], 1)], method="bank_transfer")
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert len(sections(response.content.decode())) == 5
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]


def test_order_detail_shows_shop_purchase_and_the_transfer_qr(client, buyer, products, shops):
    purchase = buy(buyer, [(products[0], 2), (products[1], 1)], method="bank_transfer")
    login(client, buyer)
    orders = {o.shop_id: o for o in purchase.orders.all()}
    shrimp_order = orders[shops[1].pk]

    response = client.get(reverse("customer:order", kwargs={"order_number": shrimp_order.number}))

    assert response.status_code == 200
    html = response.content.decode()
    assert shops[1].name in html
    assert purchase.number in html and purchase_link(purchase) in html
    assert shrimp_order.get_payment_status_display() in html
    assert "Tôm khô Rạch Gốc" in html and format_vnd(shrimp_order.total_incl_tax) in html
    assert "12 Ấp Tân Hưng" in html  # the delivery address
    # The VietQR pays the shop's own account, with the order number in the memo.
    assert 'src="data:image/png;base64,' in html
    assert "DEMO0000123" in html
    assert vietqr.transfer_memo(shrimp_order.number) in html
    # The other shop's order of the same purchase is linked.
    honey_order = orders[shops[0].pk]
    assert reverse("customer:order", kwargs={"order_number": honey_order.number}) in html

    honey_page = client.get(reverse("customer:order", kwargs={"order_number": honey_order.number}))
    # No own account: the programme's account receives it.
    assert "0011009999999" in honey_page.content.decode()


def test_order_detail_without_transfer_has_no_qr(client, buyer, products):
    purchase = buy(buyer, [(products[0], 1)], method="cod")
    login(client, buyer)
    order = purchase.orders.get()
    html = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert order.get_payment_status_display() in html
    assert "data:image/png" not in html


def test_another_buyers_order_is_404(client, buyer, products):
    purchase = buy(buyer, [(products[0], 1)], method="bank_transfer")
    order = purchase.orders.get()
    url = reverse("customer:order", kwargs={"order_number": order.number})

    client.get(url)  # anonymous: sent to sign in
    assert client.get(url).status_code == 302

    login(client, make_user("nguoi-khac@example.com"))
    assert client.get(url).status_code == 404
    listing = client.get(reverse("customer:order-list"), {"order_number": purchase.number, "date_from": ""})
    assert listing.status_code == 200
    assert sections(listing.content.decode()) == {}
    assert url not in listing.content.decode()
