"""marketplace/order/lifecycle.py: every status change of a shop order, and the stock that
follows it (marketplace/order/stock.py), from each door that reaches it — a shop, programme
staff in Oscar's dashboard (marketplace/order/processing.py), an unpaid purchase called off.
The seller pages over it are tested in tests/integration/seller/test_orders.py."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from oscar.apps.payment.exceptions import PaymentError
from oscar.core.loading import get_class

from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import (
    OrderError,
    order_lines_transition,
    order_transition,
    purchase_cancel,
    refund_due,
)
from marketplace.order.models import Order, Purchase
from marketplace.order.statuses import OrderStatus
from shops.models import StockRecord
from tests.factories import (
    make_basket,
    make_option,
    make_order,
    make_product,
    make_shop,
    make_staff,
    make_user,
    place,
)

pytestmark = pytest.mark.django_db


def stock(product) -> tuple[int, int]:
    record = StockRecord.objects.get(product=product)
    return record.num_in_stock, record.num_allocated


@pytest.fixture
def placed():
    """A COD purchase of 3 honey jars from one shop: 10 in stock, 3 allocated."""
    owner = make_user("chu@htx.vn")
    shop = make_shop("htx-mat-ong", owner=owner)
    make_option(shop)
    honey = make_product(shop, "Mật ong U Minh", stock=10)
    purchase = place(make_basket([(honey, 3)])).purchase
    order = purchase.orders.get()
    return {"owner": owner, "shop": shop, "honey": honey, "purchase": purchase, "order": order}


def move(world, from_status, to_status, **kwargs):
    return order_lines_transition(
        shop=world["shop"], order=world["order"], from_status=from_status, to_status=to_status,
        actor=world["owner"], acting_as="owner", **kwargs,
    )


def test_the_pipeline_is_declared_once_and_oscar_reads_it():
    assert settings.OSCAR_ORDER_STATUS_PIPELINE is OrderStatus.STAFF_TRANSITIONS
    # Staff confirm or cancel; a parcel's moves need its carrier, on the seller's page.
    assert settings.OSCAR_ORDER_STATUS_PIPELINE["confirmed"] == ("cancelled",)
    assert settings.OSCAR_INITIAL_ORDER_STATUS == OrderStatus.PENDING
    # Lines never move one by one from Oscar's dashboard.
    assert settings.OSCAR_LINE_STATUS_PIPELINE == {}


def test_hand_over_consumes_the_allocation_and_delivery_follows(placed):
    assert stock(placed["honey"]) == (10, 3)
    assert move(placed, OrderStatus.PENDING, OrderStatus.CONFIRMED) == 1
    assert stock(placed["honey"]) == (10, 3)
    move(placed, OrderStatus.CONFIRMED, OrderStatus.HANDED_TO_CARRIER)
    assert stock(placed["honey"]) == (7, 0)
    move(placed, OrderStatus.HANDED_TO_CARRIER, OrderStatus.DELIVERED)
    order = Order.objects.get(pk=placed["order"].pk)
    assert order.status == OrderStatus.DELIVERED and stock(placed["honey"]) == (7, 0)
    events = AuditEvent.objects.filter(action="order.lines_status_changed").order_by("pk")
    assert [e.data["to"] for e in events] == ["confirmed", "handed_to_carrier", "delivered"]
    assert events[1].data["stock_consumed"] == [order.lines.get().pk]


def test_cancel_releases_the_stock_voids_cod_and_needs_a_reason(placed):
    with pytest.raises(OrderError):
        move(placed, OrderStatus.PENDING, OrderStatus.CANCELLED, reason="  ")
    assert stock(placed["honey"]) == (10, 3)
    move(placed, OrderStatus.PENDING, OrderStatus.CANCELLED, reason="Hết hàng")
    order = Order.objects.get(pk=placed["order"].pk)
    assert (order.status, order.payment_status) == ("cancelled", Order.PaymentStatus.VOID)
    assert stock(placed["honey"]) == (10, 0)
    line = order.lines.get()
    assert (line.num_allocated, line.allocation_cancelled, line.partner_line_notes) == (0, True, "Hết hàng")
    assert refund_due(order) == 0  # nothing was paid for a COD order


def test_the_same_tap_twice_moves_once_and_illegal_moves_are_refused(placed):
    move(placed, OrderStatus.PENDING, OrderStatus.CONFIRMED)
    with pytest.raises(OrderError):
        move(placed, OrderStatus.PENDING, OrderStatus.CONFIRMED)
    with pytest.raises(OrderError):
        move(placed, OrderStatus.CONFIRMED, OrderStatus.DELIVERED)
    assert Order.objects.get(pk=placed["order"].pk).status == OrderStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="order.lines_status_changed").count() == 1


def test_a_shop_moves_only_its_own_lines_of_a_mixed_order():
    owner = make_user("a@htx.vn")
    mine, theirs = make_shop("shop-a", owner=owner), make_shop("shop-b")
    rice = make_product(mine, "Gạo", stock=5, allocated=1)
    fish = make_product(theirs, "Khô cá", stock=5, allocated=2)
    order = make_order([(rice, 1), (fish, 2)])
    order_lines_transition(
        shop=mine, order=order, from_status="pending", to_status="cancelled", actor=owner,
        acting_as="owner", reason="Hết gạo",
    )
    assert dict(order.lines.values_list("partner__code", "status")) == {
        "shop-a": "cancelled", "shop-b": "pending",
    }
    assert stock(rice) == (5, 0) and stock(fish) == (5, 2)
    assert Order.objects.get(pk=order.pk).status != OrderStatus.CANCELLED  # not every line


def test_purchase_cancel_releases_every_order_once():
    shops = [make_shop(f"the-{i}") for i in range(2)]
    products = [make_product(shop, f"Sản phẩm {i}", stock=4) for i, shop in enumerate(shops)]
    purchase = place(make_basket([(p, 2) for p in products]), payment_method="card").purchase
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT
    assert [stock(p) for p in products] == [(4, 2), (4, 2)]
    assert purchase_cancel(purchase, reason="Thẻ bị từ chối") is True
    assert purchase_cancel(purchase, reason="again") is False
    assert [stock(p) for p in products] == [(4, 0), (4, 0)]
    assert {(o.status, o.payment_status) for o in purchase.orders.all()} == {("cancelled", "void")}
    assert AuditEvent.objects.filter(action="purchase.cancelled").count() == 1


def test_staff_cancel_in_oscars_dashboard_goes_through_the_lifecycle(
    client, placed, django_capture_on_commit_callbacks
):
    staff = make_staff()
    staff.is_superuser = True  # Oscar's order pages: its own dashboard permissions
    staff.save()
    client.force_login(staff)
    url = reverse("dashboard:order-detail", kwargs={"number": placed["order"].number})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"order_action": "change_order_status", "new_status": "cancelled"}
        )
    assert response.status_code == 302
    order = Order.objects.get(pk=placed["order"].pk)
    assert (order.status, order.payment_status) == ("cancelled", Order.PaymentStatus.VOID)
    assert stock(placed["honey"]) == (10, 0)  # Oscar's own handler left it allocated
    event = AuditEvent.objects.get(action="order.lines_status_changed")
    assert event.acting_as == AuditEvent.Capacity.PROGRAMME and event.actor == staff
    assert event.reason == "Ban quản lý chương trình hủy đơn"
    assert [m.to for m in mail.outbox] == [[placed["purchase"].email]]  # the buyer is told


def test_oscars_handler_refuses_what_the_pipeline_refuses(placed):
    handler = get_class("order.processing", "EventHandler")(user=make_staff())
    with pytest.raises(PaymentError):
        handler.handle_order_status_change(placed["order"], OrderStatus.DELIVERED)
    assert Order.objects.get(pk=placed["order"].pk).status == OrderStatus.PENDING
    handler.handle_order_status_change(placed["order"], OrderStatus.CONFIRMED, note_msg="ok")
    assert placed["order"].status == OrderStatus.CONFIRMED
    assert placed["order"].notes.get().message == "ok"


def test_order_transition_moves_every_line_in_the_orders_status(placed):
    order_transition(
        order=placed["order"], to_status=OrderStatus.CONFIRMED, actor=None,
        acting_as=AuditEvent.Capacity.PROGRAMME,
    )
    assert set(placed["order"].lines.values_list("status", flat=True)) == {"confirmed"}
