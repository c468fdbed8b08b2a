"""Seller orders: a shop sees and moves only its own lines of an order."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.order.statuses import OrderStatus
from tests.factories import make_order, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

Line = get_model("order", "Line")


@pytest.fixture
def world():
    owner_a = make_user("owner-a@example.vn", first_name="Chủ", last_name="A")
    owner_b = make_user("owner-b@example.vn", first_name="Chủ", last_name="B")
    shop_a = make_shop("shop-a", owner=owner_a)
    shop_b = make_shop("shop-b", owner=owner_b)
    honey = make_product(shop_a, "Mật ong U Minh", price=150_000)
    fish = make_product(shop_b, "Khô cá sặc bổi BBB", price=333_000)
    mixed = make_order([(honey, 2), (fish, 1)], number="900001")
    only_b = make_order([(fish, 3)], number="900002")
    return {
        "owner_a": owner_a, "owner_b": owner_b, "shop_a": shop_a, "shop_b": shop_b,
        "honey": honey, "fish": fish, "mixed": mixed, "only_b": only_b,
    }


def detail_url(shop, order):
    return reverse("seller:order-detail", kwargs={"shop_code": shop.code, "order_number": order.number})


def status_url(shop, order):
    return reverse("seller:order-status", kwargs={"shop_code": shop.code, "order_number": order.number})


def a_lines(world):
    return Line.objects.filter(order=world["mixed"], partner=world["shop_a"])


def b_line(world):
    return Line.objects.get(order=world["mixed"], partner=world["shop_b"])


def test_detail_shows_only_own_lines_and_delivery_details(client, world):
    client.force_login(world["owner_a"])
    response = client.get(detail_url(world["shop_a"], world["mixed"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mật ong U Minh" in html
    assert "300.000 ₫" in html  # A's own part: 2 × 150.000
    assert "Nguyễn Văn Nhận" in html and "+84912345678" in html and "Gọi trước khi giao" in html
    assert "123 Ấp Tân Hưng" in html
    # Not another shop's line, not the order total, not the buyer's e-mail.
    assert "Khô cá sặc bổi BBB" not in html
    assert "633.000" not in html and "333.000" not in html
    assert "buyer.secret@example.com" not in html


def test_list_shows_own_orders_and_lines_only(client, world):
    client.force_login(world["owner_a"])
    response = client.get(reverse("seller:orders", kwargs={"shop_code": "shop-a"}))
    html = response.content.decode()
    assert "900001" in html and "900002" not in html
    assert "Mật ong U Minh" in html and "Khô cá sặc bổi BBB" not in html
    assert "buyer.secret@example.com" not in html


def test_an_order_without_own_lines_is_404(client, world):
    client.force_login(world["owner_a"])
    assert client.get(detail_url(world["shop_a"], world["only_b"])).status_code == 404
    response = client.post(status_url(world["shop_a"], world["only_b"]), {"from_status": "pending", "to_status": "confirmed"})
    assert response.status_code == 404
    assert Line.objects.get(order=world["only_b"]).status == "pending"


def test_pipeline_moves_own_lines_only_and_a_double_tap_applies_once(client, world):
    client.force_login(world["owner_a"])
    url = status_url(world["shop_a"], world["mixed"])
    first = client.post(url, {"from_status": "pending", "to_status": "confirmed"}, follow=True)
    assert "Đã chuyển 1 dòng hàng" in first.content.decode()
    second = client.post(url, {"from_status": "pending", "to_status": "confirmed"}, follow=True)
    assert "có thể đã được cập nhật" in second.content.decode()
    assert set(a_lines(world).values_list("status", flat=True)) == {"confirmed"}
    # Handed over as a parcel (carrier and code), then delivered: each applies once.
    ship = reverse("seller:order-ship", kwargs={"shop_code": "shop-a", "order_number": "900001"})
    first = client.post(ship, {"carrier": "self"}, follow=True)
    assert "Đã giao 1 sản phẩm" in first.content.decode()
    second = client.post(ship, {"carrier": "self"}, follow=True)
    assert "có thể vừa được cập nhật" in second.content.decode()
    assert set(a_lines(world).values_list("status", flat=True)) == {"handed_to_carrier"}
    shipment = world["mixed"].shipments.get()
    outcome = reverse("seller:shipment-outcome", kwargs={
        "shop_code": "shop-a", "order_number": "900001", "shipment_pk": shipment.pk})
    first = client.post(outcome, {"outcome": "delivered"}, follow=True)
    assert "kiện hàng đã giao cho người mua" in first.content.decode()
    second = client.post(outcome, {"outcome": "delivered"}, follow=True)
    assert "có thể đã được cập nhật" in second.content.decode()
    assert set(a_lines(world).values_list("status", flat=True)) == {"delivered"}
    assert b_line(world).status == "pending"
    events = AuditEvent.objects.filter(shop=world["shop_a"], action="order.lines_status_changed")
    assert events.count() == 3
    assert {e.acting_as for e in events} == {"owner"}
    assert not AuditEvent.objects.filter(shop=world["shop_b"]).exists()


def test_cancel_requires_a_reason(client, world):
    client.force_login(world["owner_a"])
    url = status_url(world["shop_a"], world["mixed"])
    response = client.post(url, {"from_status": "pending", "to_status": "cancelled", "reason": "  "}, follow=True)
    assert "Vui lòng nêu lý do hủy." in response.content.decode()
    assert set(a_lines(world).values_list("status", flat=True)) == {"pending"}

    response = client.post(url, {"from_status": "pending", "to_status": "cancelled", "reason": "Hết hàng"}, follow=True)
    assert set(a_lines(world).values_list("status", flat=True)) == {"cancelled"}
    assert "Hết hàng" in response.content.decode()
    event = AuditEvent.objects.get(shop=world["shop_a"], action="order.lines_status_changed")
    assert event.reason == "Hết hàng" and event.data["to"] == "cancelled"
    assert b_line(world).status == "pending"


def test_illegal_transitions_are_refused_with_a_message(client, world):
    client.force_login(world["owner_a"])
    url = status_url(world["shop_a"], world["mixed"])
    response = client.post(url, {"from_status": "pending", "to_status": "delivered"}, follow=True)
    assert "Không thể chuyển" in response.content.decode()
    assert set(a_lines(world).values_list("status", flat=True)) == {"pending"}
    # A delivered line cannot be cancelled any more.
    a_lines(world).update(status="delivered")
    response = client.post(url, {"from_status": "delivered", "to_status": "cancelled", "reason": "x"}, follow=True)
    assert "Không thể chuyển" in response.content.decode()
    assert set(a_lines(world).values_list("status", flat=True)) == {"delivered"}
    # Garbage values are refused, never a 500.
    response = client.post(url, {"from_status": "nope", "to_status": "<script>"}, follow=True)
    assert response.status_code == 200


def test_blank_oscar_status_counts_as_pending(client, world):
    a_lines(world).update(status="")
    client.force_login(world["owner_a"])
    client.post(status_url(world["shop_a"], world["mixed"]), {"from_status": "pending", "to_status": "confirmed"})
    assert set(a_lines(world).values_list("status", flat=True)) == {"confirmed"}


def test_list_tabs_follow_own_line_status(client, world):
    a_lines(world).update(status="confirmed")
    honey = world["honey"]
    make_order([(honey, 1)], number="900003")
    client.force_login(world["owner_a"])
    url = reverse("seller:orders", kwargs={"shop_code": "shop-a"})
    html = client.get(url, {"tab": "pending"}).content.decode()
    # B's pending line of the mixed order does not make it a pending order of A.
    assert "900003" in html and "900001" not in html
    html = client.get(url, {"tab": "to_ship"}).content.decode()
    assert "900001" in html and "900003" not in html
    assert client.get(url, {"tab": "bogus"}).status_code == 200


def test_list_is_newest_first_and_paginated(client, world):
    for number in range(910000, 910025):
        make_order([(world["honey"], 1)], number=str(number))
    client.force_login(world["owner_a"])
    url = reverse("seller:orders", kwargs={"shop_code": "shop-a"})
    response = client.get(url)
    orders = list(response.context["orders"])
    assert len(orders) == 20
    assert orders[0].number == "910024"
    assert response.context["page_obj"].paginator.count == 26
    page2 = client.get(url, {"page": 2})
    assert len(page2.context["orders"]) == 6


def test_list_query_count_does_not_grow_with_orders(client, world):
    client.force_login(world["owner_a"])
    url = reverse("seller:orders", kwargs={"shop_code": "shop-a"})
    client.get(url)  # warm caches (site, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for number in range(920000, 920012):
        make_order([(world["honey"], 1), (world["fish"], 1)], number=str(number))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["orders"]) == 13
    assert len(many) == len(few)


def test_pipeline_values():
    assert OrderStatus.TRANSITIONS["pending"] == ("confirmed", "cancelled")
    assert OrderStatus.TRANSITIONS["confirmed"] == ("handed_to_carrier", "cancelled")
    assert str(OrderStatus.label("handed_to_carrier")) == "Đã giao cho đơn vị vận chuyển"
