"""Refunds per shop order at Stripe: partial then full, never more than paid, other shops'
orders untouched; a refusal by Stripe gives the claimed amount back."""

from __future__ import annotations

import pytest
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order
from marketplace.payment import services, stripe_payments
from marketplace.payment.services import PaymentError
from tests.factories import card_purchase, make_basket, make_product, make_shop, make_user, place
from tests.integration.payment.conftest import CARD_OK, pay, refunds_at_stripe

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

Source = get_model("payment", "Source")


@pytest.fixture
def paid_purchase(webhooks):
    purchase, _ = card_purchase(3, prefix="refund")
    intent = stripe_payments.card_payment_intent(purchase)
    pay(intent.id, CARD_OK)
    [event] = webhooks.wait(intent.id, "payment_intent.succeeded")
    assert event.outcome == "paid"
    purchase.refresh_from_db()
    return purchase


def test_partial_then_full_refund_of_one_shop_order(paid_purchase):
    seller = make_user("chu.cua.hang@example.com")
    orders = list(paid_purchase.orders.order_by("number"))
    order, others = orders[1], [orders[0], orders[2]]
    total = order.total_vnd
    intent_id = paid_purchase.stripe_payment_intent

    stripe_payments.order_refund_card(order, 100_000, actor=seller, acting_as="owner", reason="Thiếu hàng")
    order.refresh_from_db()
    assert (order.payment_status, order.amount_refunded) == (Order.PaymentStatus.PARTIALLY_REFUNDED, 100_000)
    assert [r.amount for r in refunds_at_stripe(intent_id)] == [100_000]

    stripe_payments.order_refund_card(order, total - 100_000, actor=seller, acting_as="owner")
    order.refresh_from_db()
    assert (order.payment_status, order.amount_refunded, order.refundable) == (
        Order.PaymentStatus.REFUNDED, total, 0
    )
    assert sorted(r.amount for r in refunds_at_stripe(intent_id)) == sorted([100_000, total - 100_000])
    assert Source.objects.get(order=order).amount_refunded == total

    with pytest.raises(PaymentError):
        stripe_payments.order_refund_card(order, 1, actor=seller, acting_as="owner")
    assert len(refunds_at_stripe(intent_id)) == 2  # Stripe was not asked
    order.refresh_from_db()
    assert order.amount_refunded == total

    for other in others:
        other.refresh_from_db()
        assert (other.payment_status, other.amount_refunded) == (Order.PaymentStatus.PAID, 0)
        assert Source.objects.get(order=other).amount_refunded == 0
    refunds = AuditEvent.objects.filter(action="order.refunded", object_id=str(order.pk))
    assert sorted(e.data["amount"] for e in refunds) == sorted([100_000, total - 100_000])
    assert {e.shop_id for e in refunds} == {order.shop_id}


def test_refund_over_the_paid_amount_is_refused_before_stripe(paid_purchase):
    order = paid_purchase.orders.order_by("number").first()
    with pytest.raises(PaymentError) as excinfo:
        stripe_payments.order_refund_card(order, order.total_vnd + 1, actor=None, acting_as="programme")
    assert "₫" in str(excinfo.value)
    for bad in (0, -5, "1000"):
        with pytest.raises(PaymentError):
            stripe_payments.order_refund_card(order, bad, actor=None, acting_as="programme")
    assert refunds_at_stripe(paid_purchase.stripe_payment_intent) == []
    order.refresh_from_db()
    assert (order.payment_status, order.amount_refunded) == (Order.PaymentStatus.PAID, 0)


def test_stripe_refusing_the_refund_gives_the_claim_back(stripe_server):
    # An intent Stripe never charged, with the purchase marked paid by hand: localstripe
    # answers the refund with "Cannot refund a failed payment".
    purchase, _ = card_purchase(1, prefix="refused")
    intent = stripe_payments.card_payment_intent(purchase)
    assert services.purchase_card_paid(purchase, amount=purchase.total, reference=intent.id) == "paid"
    order = purchase.orders.get()
    with pytest.raises(PaymentError) as excinfo:
        stripe_payments.order_refund_card(order, 50_000, actor=None, acting_as="programme")
    assert "Stripe" in str(excinfo.value)
    order.refresh_from_db()
    assert (order.payment_status, order.amount_refunded) == (Order.PaymentStatus.PAID, 0)
    assert not AuditEvent.objects.filter(action="order.refunded").exists()


def test_card_refund_refused_for_a_cod_order(stripe_server):
    shop = make_shop("cod-refund")
    basket = make_basket([(make_product(shop, "Khô cá lóc", price=200_000), 1)])
    order = place(basket, payment_method="cod").purchase.orders.get()
    with pytest.raises(PaymentError):
        stripe_payments.order_refund_card(order, 10_000, actor=None, acting_as="programme")
