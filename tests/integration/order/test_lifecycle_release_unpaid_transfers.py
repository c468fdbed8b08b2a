"""`orders_release_unpaid_transfers` (the same hourly command): a bank-transfer order still
unpaid TRANSFER_PAYMENT_HOURS after placement, not handed over, is cancelled — stock back,
nothing to collect, the buyer told — and a transfer arriving later waits for staff. The
payment page shows the deadline."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import orders_release_unpaid_transfers
from marketplace.order.links import purchase_link
from marketplace.order.models import Order, Purchase
from marketplace.payment.models import BankCredit
from marketplace.payment.services import order_mark_paid
from marketplace.payment.transfer import purchase_transfer_qr
from shops.models import StockRecord
from tests.factories import make_staff, sepay_payload, transfer_purchase

pytestmark = pytest.mark.django_db

REASON = "Quá hạn chuyển khoản 24 giờ mà chưa nhận được tiền"


@pytest.fixture(autouse=True)
def hours(settings):
    settings.TRANSFER_PAYMENT_HOURS = 24


def _age(purchase, hours: float) -> None:
    Order.objects.filter(purchase=purchase).update(date_placed=timezone.now() - datetime.timedelta(hours=hours))


def test_unpaid_after_the_deadline_is_cancelled_once_and_the_stock_comes_back(
    mailoutbox, django_capture_on_commit_callbacks
):
    purchase = transfer_purchase("qh")
    _age(purchase, 25)
    mailoutbox.clear()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("orders_release_unconfirmed", stdout=out)
    assert "Đã hủy 2 đơn chuyển khoản" in out.getvalue()
    orders = Order.objects.filter(purchase=purchase)
    assert {(o.status, o.payment_status) for o in orders} == {("cancelled", "void")}
    assert sum(StockRecord.objects.values_list("num_allocated", flat=True)) == 0
    assert AuditEvent.objects.filter(action="order.lines_status_changed", reason=REASON).count() == 2
    assert len(mailoutbox) == 2 and all(REASON in m.body for m in mailoutbox)
    assert {m.to[0] for m in mailoutbox} == {"mua@example.com"}
    assert orders_release_unpaid_transfers() == 0


def test_within_the_deadline_or_paid_nothing_moves():
    young, paid = transfer_purchase("con-han"), transfer_purchase("da-tra")
    _age(young, 23)
    _age(paid, 30)
    order = Order.objects.filter(purchase=paid).first()
    order_mark_paid(order, actor=make_staff(), acting_as="staff")
    assert orders_release_unpaid_transfers() == 1  # only the other order of `paid`
    assert set(Order.objects.filter(purchase=young).values_list("status", flat=True)) == {"pending"}
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("pending", "paid")


def test_zero_hours_switches_it_off(settings):
    settings.TRANSFER_PAYMENT_HOURS = 0
    purchase = transfer_purchase("tat")
    _age(purchase, 500)
    assert orders_release_unpaid_transfers() == 0
    assert purchase_transfer_qr(purchase).deadline is None


def test_the_payment_page_shows_the_deadline_and_a_late_transfer_waits_for_staff(client):
    purchase = transfer_purchase("muon")
    qr = purchase_transfer_qr(purchase)
    placed = min(Order.objects.filter(purchase=purchase).values_list("date_placed", flat=True))
    assert qr.deadline == placed + datetime.timedelta(hours=24)
    order = Order.objects.filter(purchase=purchase).first()
    page = client.get(purchase_link(purchase)).content.decode()
    assert "Hạn chuyển khoản" in page
    assert timezone.localtime(qr.deadline).strftime("%H:%M %d/%m/%Y") in page

    _age(purchase, 25)
    orders_release_unpaid_transfers()
    response = client.generic("POST", "/payments/bank/webhook/",
                              json.dumps(sepay_payload(f"OCOP {purchase.number}", qr.amount)),
                              content_type="application/json",
                              HTTP_AUTHORIZATION="Apikey embedded-bank-webhook-key")
    assert response.json() == {"success": True}
    credit = BankCredit.objects.get()
    assert credit.status == BankCredit.Status.REVIEW
    purchase.refresh_from_db()
    order.refresh_from_db()
    assert purchase.status != Purchase.Status.PAID and order.payment_status == "void"
