"""marketplace/order/shipments.py: parcels handed to a carrier, delivered, failed, tried again and
returned — with the stock, the COD owed, the refund and the audit that follow each move."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.order.carriers import CARRIERS, carrier_get
from marketplace.order.lifecycle import OrderError, order_lines_transition, refund_due
from marketplace.order.models import Order, Shipment
from marketplace.order.shipments import (
    ShipmentError,
    order_received_by_buyer,
    shipment_cod_amount,
    shipment_delivered,
    shipment_failed,
    shipment_hand_over,
    shipment_reattempt,
    shipment_returned,
    shipments_auto_deliver,
)
from marketplace.order.statuses import OrderStatus
from marketplace.payment.services import order_mark_paid
from shops.models import StockRecord
from tests.factories import make_basket, make_option, make_product, make_shop, make_user, place

pytestmark = pytest.mark.django_db

ShippingEvent = get_model("order", "ShippingEvent")


def stock(product) -> tuple[int, int]:
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A COD order of 2 honey jars (150.000 ₫) and 1 dried fish (80.000 ₫), delivery 30.000 ₫,
    confirmed by the shop: 10 of each in stock."""
    owner = make_user("chu@htx.vn")
    shop = make_shop("htx-mat-ong", owner=owner)
    make_option(shop, fee=30_000)
    honey = make_product(shop, "Mật ong U Minh", price=150_000, stock=10)
    fish = make_product(shop, "Khô cá bổi", price=80_000, stock=10)
    buyer = make_user("mua@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        purchase = place(make_basket([(honey, 2), (fish, 1)], owner=buyer), user=buyer,
                         email=buyer.email).purchase
    order = purchase.orders.get()
    order_lines_transition(shop=shop, order=order, from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    order.refresh_from_db()
    return {"owner": owner, "shop": shop, "honey": honey, "fish": fish, "order": order,
            "buyer": buyer}


def hand_over(world, **kwargs):
    values = {"carrier": "ghn", "tracking_code": "GYCYQNYM", "shipping_fee": 22_000}
    values.update(kwargs)
    return shipment_hand_over(shop=world["shop"], order=world["order"], actor=world["owner"],
                              acting_as="owner", **values)


def lines_status(order) -> set[str]:
    return set(order.lines.values_list("status", flat=True))


# --- the carriers list ------------------------------------------------------------------


def test_every_carrier_of_the_list_checks_its_example_and_builds_a_tracking_link():
    assert list(CARRIERS)[:7] == ["ghn", "ghtk", "viettelpost", "vnpost", "jt", "ninjavan", "best"]
    for carrier in CARRIERS.values():
        if carrier.needs_tracking_code:
            code = carrier.clean_tracking_code(f" {carrier.example.lower()} ")
            assert code == carrier.example
            assert carrier.tracking_link(code).startswith("https://") and code in carrier.tracking_link(code)
        else:
            assert carrier.clean_tracking_code("") == "" and carrier.tracking_link("X1") == ""


@pytest.mark.parametrize("carrier, code", [
    ("vnpost", "EB123456784VN"),   # wrong S10 check digit (5 is right)
    ("vnpost", "123456789"),
    ("jt", "84123ABC"),
    ("ghn", "G"),
    ("ghn", "<script>"),
    ("viettelpost", ""),
])
def test_malformed_tracking_codes_are_refused_with_the_carriers_shape(carrier, code):
    with pytest.raises(Exception) as excinfo:
        carrier_get(carrier).clean_tracking_code(code)
    assert "mã vận đơn" in str(excinfo.value).lower()


# --- hand-over ----------------------------------------------------------------------------


def test_hand_over_records_the_parcel_consumes_stock_and_computes_the_cod(world):
    shipment = hand_over(world)
    assert (shipment.carrier, shipment.tracking_code, shipment.status) == ("ghn", "GYCYQNYM", "in_transit")
    # COD: 2 × 150.000 + 80.000 + the delivery charge 30.000, never typed by the seller.
    assert shipment.cod_amount == 410_000 == world["order"].total_vnd
    assert shipment.shipping_fee == 22_000
    assert stock(world["honey"]) == (8, 0) and stock(world["fish"]) == (9, 0)
    assert lines_status(world["order"]) == {OrderStatus.HANDED_TO_CARRIER}
    event = ShippingEvent.objects.get(order=world["order"])
    assert event.event_type.code == "handed_to_carrier" and event.line_quantities.count() == 2
    audit = AuditEvent.objects.filter(action="order.lines_status_changed").order_by("pk").last()
    assert audit.data["shipment"] == shipment.pk and audit.data["tracking_code"] == "GYCYQNYM"


def test_two_parcels_split_the_lines_and_the_delivery_charge_is_collected_once(world):
    honey_line = world["order"].lines.get(product=world["honey"])
    first = hand_over(world, line_ids=[honey_line.pk])
    second = hand_over(world, carrier="self", tracking_code="")
    assert (first.cod_amount, second.cod_amount) == (330_000, 80_000)
    assert first.cod_amount + second.cod_amount == world["order"].total_vnd
    assert Order.objects.get(pk=world["order"].pk).status == OrderStatus.HANDED_TO_CARRIER


def test_bad_hand_overs_are_refused_and_change_nothing(world):
    with pytest.raises(ShipmentError, match="Hãy chọn đơn vị vận chuyển"):
        hand_over(world, carrier="fedex-ground")
    with pytest.raises(Exception, match="(?i)mã vận đơn"):
        hand_over(world, carrier="vnpost", tracking_code="EB123456784VN")
    with pytest.raises(Exception, match="Hãy nhập mã vận đơn"):
        hand_over(world, tracking_code="  ")
    with pytest.raises(ShipmentError, match="không âm"):
        hand_over(world, shipping_fee=-1)
    assert not Shipment.objects.exists() and stock(world["honey"]) == (10, 2)
    hand_over(world)
    with pytest.raises(ShipmentError):  # nothing confirmed is left to hand over
        hand_over(world, tracking_code="ABCDEFGH")


def test_a_tracking_code_is_used_once_by_a_shop(world):
    other_order_world = dict(world)
    hand_over(world)
    order2 = place(make_basket([(world["honey"], 1)])).purchase.orders.get()
    order_lines_transition(shop=world["shop"], order=order2, from_status="pending",
                           to_status="confirmed", actor=None, acting_as="system")
    other_order_world.update(order=order2)
    with pytest.raises(ShipmentError, match="đã được dùng"):
        hand_over(other_order_world, tracking_code="gycyqnym")
    assert Shipment.objects.count() == 1


def test_a_paid_order_has_nothing_to_collect(world):
    order_mark_paid(world["order"], actor=world["owner"], acting_as="owner")
    world["order"].refresh_from_db()
    assert hand_over(world).cod_amount == 0


# --- outcomes --------------------------------------------------------------------------------


def test_delivered_once_and_the_order_follows(world):
    shipment = hand_over(world)
    shipment_delivered(shipment=shipment, actor=world["owner"], acting_as="owner")
    with pytest.raises(ShipmentError):
        shipment_delivered(shipment=shipment, actor=world["owner"], acting_as="owner")
    shipment.refresh_from_db()
    assert shipment.status == "delivered" and shipment.delivery_confirmed_by == "shop"
    order = Order.objects.get(pk=world["order"].pk)
    assert order.status == OrderStatus.DELIVERED and stock(world["honey"]) == (8, 0)


def test_refused_at_the_door_then_returned_puts_stock_back_and_voids_cod(world, django_capture_on_commit_callbacks):
    shipment = hand_over(world)
    with pytest.raises(ShipmentError):
        shipment_returned(shipment=shipment, actor=world["owner"], acting_as="owner")  # not failed yet
    with pytest.raises(ShipmentError, match="lý do"):
        shipment_failed(shipment=shipment, reason="", actor=world["owner"], acting_as="owner")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shipment_failed(shipment=shipment, reason="refused", note="Khách không nghe máy lần 2",
                        actor=world["owner"], acting_as="owner")
    assert lines_status(world["order"]) == {OrderStatus.DELIVERY_FAILED}
    assert [m.to for m in mail.outbox] == [[world["buyer"].email]]
    shipment_returned(shipment=shipment, actor=world["owner"], acting_as="owner")
    with pytest.raises(ShipmentError):
        shipment_returned(shipment=shipment, actor=world["owner"], acting_as="owner")
    order = Order.objects.get(pk=world["order"].pk)
    assert (order.status, order.payment_status) == (OrderStatus.RETURNED, Order.PaymentStatus.VOID)
    assert stock(world["honey"]) == (10, 0) and stock(world["fish"]) == (10, 0)
    assert refund_due(order) == 0  # COD: nothing was paid
    shipment.refresh_from_db()
    assert (shipment.status, shipment.failure_reason) == ("returned", "refused")
    codes = list(ShippingEvent.objects.filter(order=order).order_by("pk").values_list("event_type__code", flat=True))
    assert codes == ["handed_to_carrier", "delivery_failed", "returned"]
    returned = AuditEvent.objects.filter(action="order.lines_status_changed").order_by("pk").last()
    assert returned.data["cod_amount"] == 410_000 and returned.data["stock_restocked"]


def test_a_failed_parcel_can_be_tried_again_then_delivered(world):
    shipment = hand_over(world)
    shipment_failed(shipment=shipment, reason="unreachable", actor=world["owner"], acting_as="owner")
    shipment_reattempt(shipment=shipment, actor=world["owner"], acting_as="owner")
    shipment.refresh_from_db()
    assert (shipment.status, shipment.attempts) == ("in_transit", 2)
    assert stock(world["honey"]) == (8, 0)  # not consumed twice
    shipment_delivered(shipment=shipment, actor=world["owner"], acting_as="owner")
    assert Order.objects.get(pk=world["order"].pk).status == OrderStatus.DELIVERED


def test_other_reason_needs_a_note_and_unknown_reasons_are_refused(world):
    shipment = hand_over(world)
    with pytest.raises(ShipmentError):
        shipment_failed(shipment=shipment, reason="other", actor=world["owner"], acting_as="owner")
    with pytest.raises(ShipmentError):
        shipment_failed(shipment=shipment, reason="stolen by aliens", actor=world["owner"], acting_as="owner")
    assert Shipment.objects.get(pk=shipment.pk).status == "in_transit"


def test_a_paid_transfer_order_that_comes_back_is_owed_to_the_buyer(world):
    world["order"].__class__.objects.filter(pk=world["order"].pk).update(
        payment_method="bank_transfer", payment_status="awaiting_transfer")
    world["order"].refresh_from_db()
    order_mark_paid(world["order"], actor=world["owner"], acting_as="owner")
    world["order"].refresh_from_db()
    shipment = hand_over(world)
    shipment_failed(shipment=shipment, reason="wrong_address", actor=world["owner"], acting_as="owner")
    shipment_returned(shipment=shipment, actor=world["owner"], acting_as="owner")
    order = Order.objects.get(pk=world["order"].pk)
    assert order.payment_status == "paid" and refund_due(order) == 410_000
    assert AuditEvent.objects.get(action="order.refund_due").data["amount"] == 410_000


# --- the buyer and the clock -------------------------------------------------------------------


def test_the_buyer_confirms_receipt_once(world):
    shipment = hand_over(world)
    assert order_received_by_buyer(order=world["order"], actor=world["buyer"]) == 1
    with pytest.raises(ShipmentError):
        order_received_by_buyer(order=world["order"], actor=world["buyer"])
    shipment.refresh_from_db()
    assert shipment.delivery_confirmed_by == "buyer"
    event = AuditEvent.objects.filter(action="order.lines_status_changed").order_by("pk").last()
    assert event.acting_as == "buyer" and event.actor == world["buyer"]


def test_unconfirmed_parcels_are_delivered_after_the_delay_and_twice_is_a_no_op(world, settings):
    settings.ORDER_AUTO_DELIVERED_DAYS = 7
    old = hand_over(world)
    Shipment.objects.filter(pk=old.pk).update(handed_at=timezone.now() - datetime.timedelta(days=8))
    assert shipments_auto_deliver() == 1
    assert shipments_auto_deliver() == 0
    old.refresh_from_db()
    assert (old.status, old.delivery_confirmed_by) == ("delivered", "automatic")


def test_recent_or_failed_parcels_are_left_alone(world, settings):
    settings.ORDER_AUTO_DELIVERED_DAYS = 7
    shipment = hand_over(world)
    assert shipments_auto_deliver() == 0
    shipment_failed(shipment=shipment, reason="unreachable", actor=world["owner"], acting_as="owner")
    Shipment.objects.filter(pk=shipment.pk).update(handed_at=timezone.now() - datetime.timedelta(days=30))
    assert shipments_auto_deliver() == 0


def test_cod_amount_of_a_non_cod_order_is_zero(world):
    Order.objects.filter(pk=world["order"].pk).update(payment_method="card", payment_status="paid")
    world["order"].refresh_from_db()
    assert shipment_cod_amount(order=world["order"], lines=list(world["order"].lines.all())) == 0


def test_lifecycle_refuses_returned_before_handed_over(world):
    with pytest.raises(OrderError):
        order_lines_transition(shop=world["shop"], order=world["order"], from_status="confirmed",
                               to_status="returned", actor=world["owner"], acting_as="owner")


# --- an order that only partly comes back ---------------------------------------------------


def line_of(world, product):
    return world["order"].lines.get(product=product)


def test_two_parcels_one_delivered_one_returned_settle_the_order(world):
    owner = world["owner"]
    honey = hand_over(world, line_ids=[line_of(world, world["honey"]).pk])
    fish = hand_over(world, tracking_code="GYFISH01", line_ids=[line_of(world, world["fish"]).pk])
    assert (honey.cod_amount, fish.cod_amount) == (330_000, 80_000)  # the delivery fee once
    shipment_delivered(shipment=honey, actor=owner, acting_as="owner")
    shipment_failed(shipment=fish, reason="refused", actor=owner, acting_as="owner")
    shipment_returned(shipment=fish, actor=owner, acting_as="owner")

    order = Order.objects.get(pk=world["order"].pk)
    assert order.status == OrderStatus.DELIVERED  # every line at an end: not left in transit
    assert stock(world["fish"]) == (10, 0) and stock(world["honey"]) == (8, 0)
    # COD: the shop records what the carrier collected, not the returned fish.
    order_mark_paid(order, actor=owner, acting_as="owner")
    order.refresh_from_db()
    assert order.amount_paid == 330_000
    assert refund_due(order) == 0


def test_a_cancelled_line_does_not_keep_a_returned_order_open(world):
    owner, order = world["owner"], world["order"]
    order_lines_transition(shop=world["shop"], order=order, from_status="confirmed",
                           to_status="cancelled", actor=owner, acting_as="owner",
                           reason="Hết khô cá", line_ids=[line_of(world, world["fish"]).pk])
    shipment = hand_over(world)
    shipment_failed(shipment=shipment, reason="unreachable", actor=owner, acting_as="owner")
    shipment_returned(shipment=shipment, actor=owner, acting_as="owner")
    order.refresh_from_db()
    assert order.status == OrderStatus.RETURNED
    assert order.payment_status == Order.PaymentStatus.VOID  # nothing will be collected


def test_a_paid_order_partly_returned_owes_the_returned_lines(world):
    owner, order = world["owner"], world["order"]
    Order.objects.filter(pk=order.pk).update(payment_method="bank_transfer",
                                             payment_status=Order.PaymentStatus.AWAITING_TRANSFER)
    order.refresh_from_db()
    order_mark_paid(order, actor=owner, acting_as="owner")
    honey = hand_over(world, line_ids=[line_of(world, world["honey"]).pk])
    fish = hand_over(world, tracking_code="GYFISH01", line_ids=[line_of(world, world["fish"]).pk])
    assert fish.cod_amount == 0 and honey.cod_amount == 0
    shipment_delivered(shipment=honey, actor=owner, acting_as="owner")
    shipment_failed(shipment=fish, reason="damaged", actor=owner, acting_as="owner")
    shipment_returned(shipment=fish, actor=owner, acting_as="owner")
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert refund_due(order) == 80_000
    assert AuditEvent.objects.filter(action="order.refund_due", data__amount=80_000).exists()


def test_a_line_the_hand_over_could_not_take_from_stock_is_not_put_back(world):
    owner = world["owner"]
    # The seller corrected the fish count by hand below what the order holds.
    StockRecord.objects.filter(product=world["fish"]).update(num_in_stock=0, num_allocated=0)
    shipment = hand_over(world)
    shipment_failed(shipment=shipment, reason="refused", actor=owner, acting_as="owner")
    shipment_returned(shipment=shipment, actor=owner, acting_as="owner")
    assert stock(world["honey"]) == (10, 0)  # taken out at hand-over, back now
    assert stock(world["fish"]) == (0, 0)  # never taken out: not invented


def test_tracking_codes_are_unique_per_shop(world):
    hand_over(world, tracking_code="GYDH0001", line_ids=[line_of(world, world["honey"]).pk])
    with pytest.raises(ShipmentError, match="đã được dùng"):
        hand_over(world, tracking_code="GYDH0001", line_ids=[line_of(world, world["fish"]).pk])
    other_owner = make_user("chu@khac.vn")
    other = make_shop("htx-khac", owner=other_owner)
    make_option(other, fee=20_000)
    product = make_product(other, "Tôm khô", price=200_000, stock=5)
    order = place(make_basket([(product, 1)], owner=world["buyer"]), user=world["buyer"],
                  email=world["buyer"].email).purchase.orders.get()
    order_lines_transition(shop=other, order=order, from_status="pending", to_status="confirmed",
                           actor=other_owner, acting_as="owner")
    # Another shop typing the same code is not refused: nothing told about the first shop.
    shipment_hand_over(shop=other, order=order, carrier="ghn", tracking_code="GYDH0001",
                       actor=other_owner, acting_as="owner")
