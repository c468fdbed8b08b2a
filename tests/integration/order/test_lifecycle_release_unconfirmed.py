"""`manage.py orders_release_unconfirmed`: a COD order its shop leaves unconfirmed for
ORDER_UNCONFIRMED_RELEASE_HOURS is cancelled through the lifecycle — stock released, nothing
to collect, audited with the reason — and the buyer is e-mailed; safe to run twice."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import order_lines_transition, orders_release_unconfirmed
from marketplace.order.models import Order
from marketplace.order.statuses import OrderStatus
from shops.models import StockRecord
from tests.factories import make_basket, make_product, make_shop, make_user, place

pytestmark = pytest.mark.django_db

REASON = "Cửa hàng không xác nhận đơn trong 48 giờ"


@pytest.fixture
def world(settings):
    settings.ORDER_UNCONFIRMED_RELEASE_HOURS = 48
    owner = make_user("chu@htx.vn")
    shop = make_shop("htx-mat-ong", name="HTX Mật ong", owner=owner)
    other = make_shop("tom-kho", name="Cơ sở Tôm khô")
    honey = make_product(shop, "Mật ong U Minh", price=150_000, stock=10)
    shrimp = make_product(other, "Tôm khô Rạch Gốc", price=300_000, stock=10)
    return {"owner": owner, "shop": shop, "other": other, "honey": honey, "shrimp": shrimp}


def placed(items, *, hours_ago: float, method="cod", email="mua@example.com"):
    purchase = place(make_basket(items), payment_method=method, email=email).purchase
    Order.objects.filter(purchase=purchase).update(
        date_placed=timezone.now() - datetime.timedelta(hours=hours_ago)
    )
    return purchase


def allocated(product) -> int:
    return StockRecord.objects.get(product=product).num_allocated


def test_an_unconfirmed_cod_order_is_released_and_the_buyer_told(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    purchase = placed([(world["honey"], 3)], hours_ago=49)
    order = purchase.orders.get()
    mailoutbox.clear()

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("orders_release_unconfirmed", stdout=out)

    assert "Đã hủy 1 đơn COD" in out.getvalue()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.payment_status == Order.PaymentStatus.VOID
    assert set(order.lines.values_list("status", "partner_line_notes")) == {(OrderStatus.CANCELLED, REASON)}
    assert allocated(world["honey"]) == 0
    event = AuditEvent.objects.get(action="order.lines_status_changed", object_id=str(order.pk))
    assert event.acting_as == AuditEvent.Capacity.SYSTEM and event.actor is None
    assert event.reason == REASON and event.data["stock_released"]
    assert [m.to for m in mailoutbox] == [["mua@example.com"]]
    assert "Đã hủy" in mailoutbox[0].subject and order.number in mailoutbox[0].subject
    assert REASON in mailoutbox[0].body


def test_running_twice_cancels_once(world, mailoutbox, django_capture_on_commit_callbacks):
    placed([(world["honey"], 2)], hours_ago=72)
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_release_unconfirmed() == 1
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert orders_release_unconfirmed() == 0
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="order.lines_status_changed").count() == 1
    assert allocated(world["honey"]) == 0


def test_only_stale_cod_orders_nobody_acted_on(world):
    fresh = placed([(world["honey"], 1)], hours_ago=47)
    transfer = placed([(world["honey"], 1)], hours_ago=60, method="bank_transfer")
    confirmed = placed([(world["honey"], 1)], hours_ago=60)
    order_lines_transition(
        shop=world["shop"], order=confirmed.orders.get(), from_status=OrderStatus.PENDING,
        to_status=OrderStatus.CONFIRMED, actor=world["owner"], acting_as="owner",
    )
    # Two shops: one confirmed its order, the other did nothing.
    mixed = placed([(world["honey"], 1), (world["shrimp"], 2)], hours_ago=60)
    mixed_honey = mixed.orders.get(shop=world["shop"])
    order_lines_transition(
        shop=world["shop"], order=mixed_honey, from_status=OrderStatus.PENDING,
        to_status=OrderStatus.CONFIRMED, actor=world["owner"], acting_as="owner",
    )

    assert orders_release_unconfirmed() == 1

    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses[fresh.orders.get().pk] == OrderStatus.PENDING
    assert statuses[transfer.orders.get().pk] == OrderStatus.PENDING
    assert statuses[confirmed.orders.get().pk] == OrderStatus.CONFIRMED
    assert statuses[mixed_honey.pk] == OrderStatus.CONFIRMED
    assert statuses[mixed.orders.get(shop=world["other"]).pk] == OrderStatus.CANCELLED
    assert allocated(world["honey"]) == 4 and allocated(world["shrimp"]) == 0


def test_the_hours_are_a_setting_and_zero_switches_it_off(world, settings):
    placed([(world["honey"], 1)], hours_ago=13)
    settings.ORDER_UNCONFIRMED_RELEASE_HOURS = 0
    assert orders_release_unconfirmed() == 0
    settings.ORDER_UNCONFIRMED_RELEASE_HOURS = 12
    assert orders_release_unconfirmed() == 1
    line = Order.objects.get().lines.get()
    assert line.partner_line_notes == "Cửa hàng không xác nhận đơn trong 12 giờ"
