"""The seller's order page hands parcels to carriers and records outcomes
(shops/seller/operations/views.py: OrderShipView, ShipmentOutcomeView) — own shop only, bad
input re-shown with its message, nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.models import Order, Shipment
from marketplace.order.statuses import OrderStatus
from shops.models import StockRecord
from tests.factories import make_basket, make_option, make_product, make_shop, make_user, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner = make_user("chu@htx.vn")
    shop = make_shop("htx-a", owner=owner)
    make_option(shop, fee=30_000)
    honey = make_product(shop, "Mật ong U Minh", price=150_000, stock=10)
    order = place(make_basket([(honey, 2)])).purchase.orders.get()
    order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    other_owner = make_user("chu@htx-b.vn")
    other = make_shop("htx-b", owner=other_owner)
    return {"owner": owner, "shop": shop, "honey": honey, "order": order,
            "other_owner": other_owner, "other": other}


def url(name, shop, order, **kwargs):
    return reverse(f"seller:{name}", kwargs={"shop_code": shop.code, "order_number": order.number, **kwargs})


def test_the_order_page_offers_the_hand_over_with_the_cod_to_collect(client, world):
    client.force_login(world["owner"])
    html = client.get(url("order-detail", world["shop"], world["order"])).content.decode()
    assert 'name="carrier"' in html and 'name="tracking_code"' in html
    assert "GHN (Giao Hàng Nhanh)" in html and "Cửa hàng tự giao" in html
    assert "330.000 ₫" in html  # 2 × 150.000 + 30.000 delivery, collected by the carrier
    # The plain status buttons no longer hand over without a carrier.
    assert 'name="to_status" value="handed_to_carrier"' not in html


def test_hand_over_then_delivery_failed_then_returned(client, world):
    client.force_login(world["owner"])
    response = client.post(url("order-ship", world["shop"], world["order"]),
                           {"carrier": "ghtk", "tracking_code": "s22861375.mb7.a11.1234567890",
                            "shipping_fee": "25000"}, follow=True)
    html = response.content.decode()
    assert "Đã giao 1 sản phẩm cho GHTK (Giao Hàng Tiết Kiệm)." in html
    assert "https://i.ghtk.vn/S22861375.MB7.A11.1234567890" in html
    shipment = Shipment.objects.get()
    outcome = url("shipment-outcome", world["shop"], world["order"], shipment_pk=shipment.pk)
    response = client.post(outcome, {"outcome": "failed", "reason": ""}, follow=True)
    assert "Hãy chọn lý do giao không thành công." in response.content.decode()
    assert Shipment.objects.get().status == "in_transit"
    client.post(outcome, {"outcome": "failed", "reason": "refused", "note": "Khách đổi ý"})
    response = client.post(outcome, {"outcome": "returned"}, follow=True)
    assert "Đã nhận hàng hoàn" in response.content.decode()
    order = Order.objects.get(pk=world["order"].pk)
    assert (order.status, order.payment_status) == (OrderStatus.RETURNED, "void")
    record = StockRecord.objects.get(product=world["honey"])
    assert (record.num_in_stock, record.num_allocated) == (10, 0)
    # A second "returned" changes nothing and says why.
    response = client.post(outcome, {"outcome": "returned"}, follow=True)
    assert "Chỉ nhận hàng hoàn" in response.content.decode()
    assert StockRecord.objects.get(product=world["honey"]).num_in_stock == 10


def test_a_bad_tracking_code_reshows_the_form_with_the_input_and_changes_nothing(client, world):
    client.force_login(world["owner"])
    response = client.post(url("order-ship", world["shop"], world["order"]),
                           {"carrier": "vnpost", "tracking_code": "EB123456784VN", "shipping_fee": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "EB123456784VN" in html  # what the seller typed is still there
    assert not Shipment.objects.exists()
    response = client.post(url("order-ship", world["shop"], world["order"]),
                           {"carrier": "vnpost", "tracking_code": "EB123456784VN"})
    assert "không đúng dạng mã của VNPost / EMS (ví dụ: EB123456785VN)" in response.content.decode()
    response = client.post(url("order-ship", world["shop"], world["order"]),
                           {"carrier": "dhl", "tracking_code": "X"})
    assert response.status_code == 200 and not Shipment.objects.exists()
    assert Order.objects.get(pk=world["order"].pk).lines.get().status == OrderStatus.CONFIRMED


def test_own_delivery_needs_no_tracking_code(client, world):
    client.force_login(world["owner"])
    client.post(url("order-ship", world["shop"], world["order"]), {"carrier": "self"})
    shipment = Shipment.objects.get()
    assert (shipment.carrier, shipment.tracking_code, shipment.cod_amount) == ("self", "", 330_000)


def test_another_shops_order_and_parcel_are_404(client, world):
    client.force_login(world["owner"])
    client.post(url("order-ship", world["shop"], world["order"]), {"carrier": "self"})
    shipment = Shipment.objects.get()
    client.force_login(world["other_owner"])
    other = world["other"]
    assert client.post(url("order-ship", other, world["order"]), {"carrier": "self"}).status_code == 404
    outcome = url("shipment-outcome", other, world["order"], shipment_pk=shipment.pk)
    assert client.post(outcome, {"outcome": "delivered"}).status_code == 404
    assert client.get(outcome).status_code == 404
    assert Shipment.objects.get().status == "in_transit"
    # The owner's own GET on a POST-only endpoint: 405, not a page.
    client.force_login(world["owner"])
    own = url("shipment-outcome", world["shop"], world["order"], shipment_pk=shipment.pk)
    assert client.get(own).status_code == 405
    assert client.post(url("shipment-outcome", world["shop"], world["order"], shipment_pk=999999),
                       {"outcome": "delivered"}).status_code == 404


def test_garbage_outcomes_are_refused_without_a_500(client, world):
    client.force_login(world["owner"])
    client.post(url("order-ship", world["shop"], world["order"]), {"carrier": "self"})
    shipment = Shipment.objects.get()
    outcome = url("shipment-outcome", world["shop"], world["order"], shipment_pk=shipment.pk)
    for data in ({"outcome": "<script>"}, {}, {"outcome": "failed", "reason": "nope"}):
        assert client.post(outcome, data).status_code == 302
    assert Shipment.objects.get().status == "in_transit"


def test_the_status_buttons_refuse_parcel_moves(client, world):
    client.force_login(world["owner"])
    response = client.post(url("order-status", world["shop"], world["order"]),
                           {"from_status": "confirmed", "to_status": "handed_to_carrier"}, follow=True)
    assert "Giao hàng" in response.content.decode()
    assert Order.objects.get(pk=world["order"].pk).lines.get().status == OrderStatus.CONFIRMED
