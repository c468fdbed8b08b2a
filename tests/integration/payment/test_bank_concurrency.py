"""Bank credits under real concurrency: one credit delivered 20 times at once pays once and is
recorded once; a credit racing a shop's cancellation is either paid or queued, never both.

Needs real row locks: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite.
"""

from __future__ import annotations

import pytest

from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import OrderError, order_transition
from marketplace.order.models import Order, Purchase
from marketplace.order.statuses import OrderStatus
from marketplace.payment import bank
from marketplace.payment.models import BankCredit
from tests.concurrency import needs_postgresql, race
from tests.factories import sepay_payload, transfer_purchase

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

CALLS = 20


def test_the_same_credit_twenty_times_at_once_pays_once(client):
    purchase = transfer_purchase("race")
    payload = sepay_payload(f"OCOP {purchase.number}", 360_000)
    credit = bank.sepay_credit(payload)
    results, errors = race([lambda: bank.credit_receive(credit)] * CALLS, Exception)
    assert errors == []
    assert sorted(results) == ["duplicate"] * (CALLS - 1) + ["paid"]
    assert BankCredit.objects.count() == 1
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    orders = list(Order.objects.filter(purchase=purchase))
    assert [o.payment_status for o in orders] == ["paid", "paid"]
    assert all(o.sources.get().amount_debited == 180_000 for o in orders)
    assert all(o.sources.get().transactions.count() == 1 for o in orders)
    assert AuditEvent.objects.filter(action="purchase.transfer_paid").count() == 1


def test_the_same_credit_by_http_twenty_times_at_once(live_server):
    import json
    import urllib.request

    purchase = transfer_purchase("http")
    body = json.dumps(sepay_payload(f"OCOP {purchase.number}", 360_000)).encode()

    def deliver():
        request = urllib.request.Request(
            live_server.url + "/payments/bank/webhook/", data=body, method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": "Apikey embedded-bank-webhook-key"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())

    results, errors = race([deliver] * CALLS, Exception)
    assert errors == []
    assert results == [(200, {"success": True})] * CALLS
    assert BankCredit.objects.count() == 1
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID


@pytest.mark.parametrize("attempt", range(5))
def test_a_credit_racing_a_cancellation_is_paid_or_queued_never_both(attempt):
    purchase = transfer_purchase(f"cancel{attempt}")
    first = Order.objects.filter(purchase=purchase).order_by("pk").first()
    credit = bank.sepay_credit(sepay_payload(f"OCOP {purchase.number}", 360_000))

    def cancel():
        try:
            return order_transition(order=Order.objects.get(pk=first.pk),
                                    to_status=OrderStatus.CANCELLED, actor=None,
                                    acting_as="system", reason="Hết hàng")
        except OrderError:
            return "refused"

    results, errors = race([lambda: bank.credit_receive(credit), cancel], Exception)
    assert errors == []
    stored = BankCredit.objects.get()
    first.refresh_from_db()
    if stored.status == "paid":
        # The payment won: the order was paid before it was cancelled (a refund is owed).
        assert first.payment_status == "paid"
        purchase.refresh_from_db()
        assert purchase.status == "paid"
    else:
        # The cancellation won: nothing was paid, the credit waits for staff.
        assert (stored.status, stored.problem) == ("review", "overpaid")
        assert first.payment_status == "void"
        assert not Order.objects.filter(purchase=purchase, payment_status="paid").exists()
        assert stored.expected_amount == 180_000
