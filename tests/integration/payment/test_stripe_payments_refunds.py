"""Refunds per shop order at Stripe: partial then full, never more than paid, other shops'
orders untouched; a refusal by Stripe gives the claimed amount back. Refunds made in
Stripe's Dashboard (charge.refunded) are attributed to the orders once."""

from __future__ import annotations

import pytest
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order
from marketplace.payment import services, stripe_payments
from marketplace.payment.models import CardPaymentReview, StripeRefund
from marketplace.payment.services import PaymentError
from marketplace.payment.stripe_client import stripe_client
from tests.factories import card_purchase, make_basket, make_product, make_shop, make_user, place
from tests.integration.payment.conftest import (
    CARD_OK,
    charge_event_payload,
    pay,
    post_signed,
    refunds_at_stripe,
)

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


# --- refunds made in Stripe's Dashboard (charge.refunded) -----------------------------------


def _dashboard_refund(intent_id: str, amount: int):
    """A refund made by hand in Stripe's Dashboard: no metadata of ours."""
    return stripe_client().v1.refunds.create({"payment_intent": intent_id, "amount": amount})


def test_dashboard_refund_is_attributed_to_the_orders_in_order_once(paid_purchase, client):
    orders = list(paid_purchase.orders.order_by("number"))
    intent_id = paid_purchase.stripe_payment_intent
    refund = _dashboard_refund(intent_id, orders[0].total_vnd + 50_000)

    payload = charge_event_payload("charge.refunded", intent_id, "evt_dash_refund")
    assert post_signed(client, payload) == (200, {"status": "refund_recorded"})
    first, second, third = (Order.objects.get(pk=o.pk) for o in orders)
    assert (first.amount_refunded, first.payment_status) == (first.total_vnd, Order.PaymentStatus.REFUNDED)
    assert (second.amount_refunded, second.payment_status) == (50_000, Order.PaymentStatus.PARTIALLY_REFUNDED)
    assert (third.amount_refunded, third.payment_status) == (0, Order.PaymentStatus.PAID)
    assert Source.objects.get(order=first).amount_refunded == first.total_vnd
    assert Source.objects.get(order=second).amount_refunded == 50_000
    record = StripeRefund.objects.get(refund_id=refund.id)
    assert (record.origin, record.amount, record.attributed) == (
        StripeRefund.Origin.STRIPE_DASHBOARD, refund.amount,
        {first.number: first.total_vnd, second.number: 50_000},
    )
    audits = AuditEvent.objects.filter(action="order.refunded", data__reference=refund.id)
    assert sorted(a.data["amount"] for a in audits) == sorted([first.total_vnd, 50_000])

    # Stripe sends charge.refunded again (another refund, a retry under a new id): the
    # refund already recorded is not counted twice.
    again = charge_event_payload("charge.refunded", intent_id, "evt_dash_refund_again")
    assert post_signed(client, again) == (200, {"status": "ignored"})
    assert post_signed(client, payload) == (200, {"status": "duplicate"})
    assert [Order.objects.get(pk=o.pk).amount_refunded for o in orders] == [first.total_vnd, 50_000, 0]
    assert not CardPaymentReview.objects.exists()


def test_refunds_the_app_made_are_not_counted_again(paid_purchase, client):
    order = paid_purchase.orders.order_by("number").first()
    stripe_payments.order_refund_card(order, 70_000, actor=None, acting_as="programme", reason="Thiếu hàng")
    [ours] = refunds_at_stripe(paid_purchase.stripe_payment_intent)
    assert ours.metadata["origin"] == "ocop"
    payload = charge_event_payload("charge.refunded", paid_purchase.stripe_payment_intent, "evt_app_refund")
    assert post_signed(client, payload) == (200, {"status": "ignored"})
    order.refresh_from_db()
    assert order.amount_refunded == 70_000
    assert StripeRefund.objects.get(refund_id=ours.id).origin == StripeRefund.Origin.APP
    assert Source.objects.get(order=order).amount_refunded == 70_000


def test_dashboard_refund_beyond_what_orders_can_take_goes_to_staff(paid_purchase, client):
    intent_id = paid_purchase.stripe_payment_intent
    orders = list(paid_purchase.orders.order_by("number"))
    for order in orders:  # the shops refunded everything already
        stripe_payments.order_refund_card(order, order.total_vnd, actor=None, acting_as="programme")
    extra = _dashboard_refund(intent_id, 10_000)
    payload = charge_event_payload("charge.refunded", intent_id, "evt_dash_extra")
    assert post_signed(client, payload) == (200, {"status": "refund_recorded"})
    review = CardPaymentReview.objects.get()
    assert (review.key, review.reason, review.amount_received, review.status) == (
        f"refund:{extra.id}", CardPaymentReview.Reason.REFUND_UNATTRIBUTED, 10_000,
        CardPaymentReview.Status.OPEN,
    )
    assert [Order.objects.get(pk=o.pk).amount_refunded for o in orders] == [o.total_vnd for o in orders]
