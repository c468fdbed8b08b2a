"""A shop's refund of a card order goes to Stripe (localstripe) through
marketplace/payment/refunds.py, after the case is claimed; a refusal by Stripe gives the claim
back and changes nothing."""

from __future__ import annotations

import pytest

from marketplace.complaints.models import Complaint
from marketplace.complaints.services import (
    complaint_decide_refund,
    complaint_open,
    complaint_refund,
)
from marketplace.order.models import Order
from marketplace.payment import services, stripe_payments
from marketplace.payment.services import PaymentError
from tests.factories import card_purchase, make_staff, make_user
from tests.integration.payment.conftest import CARD_OK, pay, refunds_at_stripe, webhooks  # noqa: F401

from .conftest import deliver

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def delivered_card_order(purchase):
    order = purchase.orders.get()
    owner = make_user(f"chu@{order.shop.code}.vn")
    order.shop.members.create(user=owner, role="owner")
    deliver(order.shop, order, owner)
    return order, owner


def open_case(order):
    return complaint_open(order=order, user=None, kind="refund_only", reason="damaged",
                          message="Hộp bị bẹp.", requested_amount=100_000)


def test_a_partial_refund_of_a_card_order_is_made_at_stripe(webhooks):  # noqa: F811
    purchase, _ = card_purchase(1, prefix="kn-the")
    intent = stripe_payments.card_payment_intent(purchase)
    pay(intent.id, CARD_OK)
    webhooks.wait(intent.id, "payment_intent.succeeded")
    order, owner = delivered_card_order(purchase)
    complaint = open_case(order)

    complaint_refund(complaint=complaint, shop=order.shop, amount=100_000, actor=owner, acting_as="owner")
    assert (complaint.status, complaint.refund_amount, complaint.refund_owed) == ("refunded", 100_000, 0)
    order.refresh_from_db()
    assert (order.payment_status, order.amount_refunded) == (Order.PaymentStatus.PARTIALLY_REFUNDED, 100_000)
    assert [r.amount for r in refunds_at_stripe(intent.id)] == [100_000]

    # Staff give the rest back; more than what is left is refused before Stripe is asked.
    staff = make_staff()
    rest = order.amount_paid - 100_000
    complaint.refresh_from_db()
    with pytest.raises(Exception, match="tối đa"):
        complaint_decide_refund(complaint=complaint, amount=rest + 1, actor=staff, reason="Hỏng hết")
    assert len(refunds_at_stripe(intent.id)) == 1
    complaint_decide_refund(complaint=complaint, amount=rest, actor=staff, reason="Hỏng hết")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.REFUNDED and order.refundable == 0
    assert complaint.status == "closed" and complaint.refund_amount == order.amount_paid


def test_stripe_refusing_gives_the_claim_back(stripe_server):
    # An intent Stripe never charged, marked paid by hand: localstripe refuses its refund.
    purchase, _ = card_purchase(1, prefix="kn-tuchoi")
    intent = stripe_payments.card_payment_intent(purchase)
    assert services.purchase_card_paid(purchase, amount=purchase.total, reference=intent.id) == "paid"
    order, owner = delivered_card_order(purchase)
    complaint = open_case(order)
    with pytest.raises(PaymentError, match="Stripe"):
        complaint_refund(complaint=complaint, shop=order.shop, amount=50_000, actor=owner,
                         acting_as="owner")
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert (complaint.status, complaint.refund_amount, complaint.answered_at) == ("open", 0, None)
    assert list(complaint.events.values_list("action", flat=True)) == ["opened"]
    order.refresh_from_db()
    assert order.amount_refunded == 0
