"""Card payments end to end: our PaymentIntent at localstripe, a test card, the signed
webhook localstripe delivers to the live server, and what it does to purchase, orders,
stock and basket. Replays, forged signatures and out-of-order deliveries change nothing."""

from __future__ import annotations

import io
import json

import pytest
import stripe
from django.core.management import call_command
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import purchase_cancel
from marketplace.order.links import purchase_link
from marketplace.order.models import Order, Purchase
from marketplace.payment import stripe_payments
from marketplace.payment.models import StripeEvent
from marketplace.payment.services import PaymentError
from marketplace.payment.stripe_client import stripe_client
from shops.models import StockRecord
from tests.factories import card_purchase, make_basket, make_product, make_shop, place
from tests.integration.payment.conftest import (
    CARD_DECLINED,
    CARD_OK,
    GENERIC_DECLINE_NUMBER,
    card_method,
    event_payload,
    localstripe_get,
    pay,
    refunds_at_stripe,
    sign,
)

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")
Source = get_model("payment", "Source")
Transaction = get_model("payment", "Transaction")


def allocated(products) -> list[int]:
    return [StockRecord.objects.get(product=p).num_allocated for p in products]


def test_intent_is_for_the_purchase_total_in_dong_and_created_once(stripe_server):
    purchase, _products = card_purchase()
    intent = stripe_payments.card_payment_intent(purchase)
    assert (intent.amount, intent.currency) == (purchase.total, "vnd")
    assert intent.metadata["purchase"] == purchase.number
    assert intent.client_secret.startswith(intent.id)
    assert Purchase.objects.get(pk=purchase.pk).stripe_payment_intent == intent.id
    again = stripe_payments.card_payment_intent(Purchase.objects.get(pk=purchase.pk))
    assert again.id == intent.id


def test_intent_refused_unless_a_card_purchase_awaits_payment(stripe_server):
    shop = make_shop("cod-shop")
    basket = make_basket([(make_product(shop, "Mắm ba khía", price=90_000), 1)])
    cod = place(basket, payment_method="cod").purchase
    with pytest.raises(PaymentError):
        stripe_payments.card_payment_intent(cod)
    purchase, _ = card_purchase(prefix="cancelled")
    purchase_cancel(purchase, reason="thử")
    with pytest.raises(PaymentError):
        stripe_payments.card_payment_intent(purchase)
    assert Purchase.objects.get(pk=purchase.pk).stripe_payment_intent == ""


def test_paid_card_marks_purchase_and_every_order_paid(webhooks):
    purchase, products = card_purchase(3)
    intent = stripe_payments.card_payment_intent(purchase)
    assert pay(intent.id, CARD_OK).status == "succeeded"

    [event] = webhooks.wait(intent.id, "payment_intent.succeeded")
    assert event.outcome == "paid"
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID and purchase.paid_at is not None
    orders = list(purchase.orders.all())
    assert len(orders) == 3
    for order in orders:
        assert order.payment_status == Order.PaymentStatus.PAID
        assert order.amount_paid == order.total_vnd > 0
        source = Source.objects.get(order=order)
        assert source.amount_debited == order.total_incl_tax
        assert source.reference == intent.id
    assert sum(o.amount_paid for o in orders) == purchase.total
    assert allocated(products) == [2, 2, 2]  # the shops now ship what was held
    assert AuditEvent.objects.filter(action="purchase.paid", object_id=str(purchase.pk)).count() == 1


def test_declined_card_keeps_the_purchase_and_another_card_pays_the_same_intent(webhooks, client):
    purchase, products = card_purchase(2)
    assert allocated(products) == [2, 2]
    intent = stripe_payments.card_payment_intent(purchase)
    with pytest.raises(stripe.CardError):
        pay(intent.id, card_method(GENERIC_DECLINE_NUMBER))

    [event] = webhooks.wait(intent.id, "payment_intent.payment_failed")
    assert event.outcome == "declined"
    # Nothing given up: the intent waits for another card, the purchase for its payment,
    # the stock stays held and the basket stays frozen (no second checkout needed).
    assert stripe_client().v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT
    assert {o.payment_status for o in purchase.orders.all()} == {Order.PaymentStatus.AWAITING_CARD}
    assert allocated(products) == [2, 2]
    assert Basket.objects.get(pk=purchase.basket_id).status == Basket.FROZEN
    assert AuditEvent.objects.filter(action="purchase.card_declined", object_id=str(purchase.pk)).count() == 1

    # The payment page says so in Vietnamese and offers the card form on the same intent.
    page = client.get(purchase_link(purchase, "checkout:pay"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thẻ bị từ chối. Vui lòng thử thẻ khác." in html
    assert 'id="card-form"' in html and intent.client_secret in html
    assert stripe_payments.card_payment_intent(purchase).id == intent.id

    assert pay(intent.id, CARD_OK).status == "succeeded"
    [event] = webhooks.wait(intent.id, "payment_intent.succeeded")
    assert event.outcome == "paid"
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert {o.payment_status for o in purchase.orders.all()} == {Order.PaymentStatus.PAID}
    assert allocated(products) == [2, 2]
    assert Transaction.objects.filter(source__order__purchase=purchase).count() == 2


def test_declined_card_then_expiry_cancels_and_releases_the_stock(webhooks, settings):
    purchase, products = card_purchase(1, prefix="declined-expired")
    intent = stripe_payments.card_payment_intent(purchase)
    with pytest.raises(stripe.CardError):
        pay(intent.id, CARD_DECLINED)
    webhooks.wait(intent.id, "payment_intent.payment_failed")
    Purchase.objects.filter(pk=purchase.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=settings.CHECKOUT_CARD_TIMEOUT_MINUTES + 1)
    )
    assert stripe_payments.purchases_expire() == 1
    assert stripe_client().v1.payment_intents.retrieve(intent.id).status == "canceled"
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.CANCELLED
    assert allocated(products) == [0]
    assert Basket.objects.get(pk=purchase.basket_id).status == Basket.OPEN


def test_replayed_event_is_a_duplicate_and_changes_nothing(webhooks):
    purchase, _ = card_purchase(2)
    intent = stripe_payments.card_payment_intent(purchase)
    pay(intent.id, CARD_OK)
    [event] = webhooks.wait(intent.id, "payment_intent.succeeded")
    transactions = Transaction.objects.count()
    audits = AuditEvent.objects.count()

    payload = localstripe_get(f"/v1/events/{event.event_id}")  # the very event, signed anew
    assert json.loads(payload)["type"] == "payment_intent.succeeded"
    assert webhooks.post(payload, sign(payload)) == (200, {"status": "duplicate"})
    assert StripeEvent.objects.filter(event_id=event.event_id).count() == 1
    assert Transaction.objects.count() == transactions
    assert AuditEvent.objects.count() == audits
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.PAID


def test_unsigned_forged_or_malformed_requests_are_400_and_change_nothing(webhooks):
    purchase, _ = card_purchase(1)
    intent = stripe_payments.card_payment_intent(purchase)
    payload = event_payload("payment_intent.succeeded", intent.id, "evt_forged_1")

    status, body = webhooks.post(payload, sign(payload, secret="whsec_not_ours"))
    assert status == 400 and body["error"]
    assert webhooks.post(payload, None)[0] == 400
    assert webhooks.post(payload, "t=abc,v1=zzz")[0] == 400
    assert webhooks.post(payload, "garbage")[0] == 400
    for garbage in (b"not json", b"[1, 2]", b'{"id": 5}', b'{"id": "evt_x", "type": "x"}', b"\xff\xfe"):
        status, body = webhooks.post(garbage, sign(garbage.decode("utf-8", "replace").encode())
                                     if garbage != b"\xff\xfe" else "t=1,v1=00")
        assert status == 400, garbage
    assert not StripeEvent.objects.exists()
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.AWAITING_PAYMENT


def test_webhook_answers_get_with_405(webhooks, client):
    response = client.get("/payments/stripe/webhook/")
    assert response.status_code == 405 and response.json()["error"]


def test_out_of_order_deliveries_change_nothing_wrongly(webhooks):
    purchase, _ = card_purchase(2)
    intent = stripe_payments.card_payment_intent(purchase)
    pay(intent.id, CARD_OK)
    webhooks.wait(intent.id, "payment_intent.succeeded")
    debits = Transaction.objects.count()

    # A failure delivered after the success: the purchase stays paid.
    payload = event_payload("payment_intent.payment_failed", intent.id, "evt_late_failure")
    assert webhooks.post(payload, sign(payload)) == (200, {"status": "ignored"})
    # The success again under another event id: nothing debited twice.
    payload = event_payload("payment_intent.succeeded", intent.id, "evt_second_success")
    assert webhooks.post(payload, sign(payload)) == (200, {"status": "already_paid"})
    # A cancellation notice for a paid purchase: nothing cancelled.
    payload = event_payload("payment_intent.canceled", intent.id, "evt_late_cancel")
    assert webhooks.post(payload, sign(payload)) == (200, {"status": "ignored"})
    # An intent that is not ours.
    stranger = stripe_client().v1.payment_intents.create({"amount": 1000, "currency": "vnd"})
    payload = event_payload("payment_intent.succeeded", stranger.id, "evt_stranger")
    assert webhooks.post(payload, sign(payload)) == (200, {"status": "unknown_intent"})

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert {o.payment_status for o in purchase.orders.all()} == {Order.PaymentStatus.PAID}
    assert Transaction.objects.count() == debits
    assert dict(StripeEvent.objects.filter(event_id__in=[
        "evt_late_failure", "evt_second_success", "evt_late_cancel", "evt_stranger",
    ]).values_list("event_id", "outcome")) == {
        "evt_late_failure": "ignored", "evt_second_success": "already_paid",
        "evt_late_cancel": "ignored", "evt_stranger": "unknown_intent",
    }


def test_canceled_event_cancels_a_purchase_still_awaiting_payment(webhooks):
    purchase, products = card_purchase(1)
    intent = stripe_payments.card_payment_intent(purchase)
    payload = event_payload("payment_intent.canceled", intent.id, "evt_cancel_awaiting")
    assert webhooks.post(payload, sign(payload)) == (200, {"status": "cancelled"})
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.CANCELLED
    assert allocated(products) == [0]


def test_success_after_we_cancelled_is_refunded_in_full(webhooks):
    purchase, products = card_purchase(2)
    intent = stripe_payments.card_payment_intent(purchase)
    # Our side cancelled while Stripe was never told (e.g. it was unreachable then)...
    assert purchase_cancel(purchase, reason="Người mua hủy")
    # ...and the buyer's payment still goes through at Stripe.
    pay(intent.id, CARD_OK)

    [event] = webhooks.wait(intent.id, "payment_intent.succeeded")
    assert event.outcome == "refunded"
    [refund] = refunds_at_stripe(intent.id)
    assert refund.amount == purchase.total
    audit = AuditEvent.objects.get(action="purchase.late_payment_refunded", object_id=str(purchase.pk))
    assert audit.data == {"amount": purchase.total, "payment_intent": intent.id, "refund": refund.id}
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.CANCELLED
    assert {o.payment_status for o in purchase.orders.all()} == {Order.PaymentStatus.VOID}
    assert allocated(products) == [0, 0]
    # Stripe retrying the same event: no second refund.
    payload = localstripe_get(f"/v1/events/{event.event_id}")
    assert webhooks.post(payload, sign(payload)) == (200, {"status": "duplicate"})
    assert len(refunds_at_stripe(intent.id)) == 1


def test_abandon_cancels_the_intent_at_stripe_then_the_purchase(stripe_server):
    purchase, products = card_purchase(2)
    intent = stripe_payments.card_payment_intent(purchase)
    assert stripe_payments.card_payment_abandon(purchase, "Người mua hủy ở trang thanh toán")
    assert stripe_client().v1.payment_intents.retrieve(intent.id).status == "canceled"
    assert purchase.status == Purchase.Status.CANCELLED
    assert purchase.status_reason == "Người mua hủy ở trang thanh toán"
    assert allocated(products) == [0, 0]
    assert Basket.objects.get(pk=purchase.basket_id).status == Basket.OPEN
    assert not stripe_payments.card_payment_abandon(purchase, "lần hai")  # already cancelled


def test_abandon_without_an_intent_just_cancels(stripe_server):
    purchase, products = card_purchase(1)
    assert stripe_payments.card_payment_abandon(purchase, "Đổi ý")
    assert purchase.status == Purchase.Status.CANCELLED and allocated(products) == [0]


def test_abandon_after_stripe_charged_marks_paid_instead(webhooks):
    purchase, products = card_purchase(2)
    intent = stripe_payments.card_payment_intent(purchase)
    pay(intent.id, CARD_OK)  # localstripe delivers the webhook a second later
    assert not stripe_payments.card_payment_abandon(purchase, "Người mua hủy")
    assert purchase.status == Purchase.Status.PAID
    assert allocated(products) == [2, 2]
    [event] = webhooks.wait(intent.id, "payment_intent.succeeded")
    assert event.outcome == "already_paid"
    assert Transaction.objects.filter(source__order__purchase=purchase).count() == 2


def test_purchases_expire_command_cancels_only_stale_card_purchases(stripe_server, settings):
    stale, stale_products = card_purchase(1, prefix="stale")
    stale_intent = stripe_payments.card_payment_intent(stale)
    fresh, fresh_products = card_purchase(1, prefix="fresh")
    stripe_payments.card_payment_intent(fresh)
    Purchase.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=settings.CHECKOUT_CARD_TIMEOUT_MINUTES + 1)
    )
    out = io.StringIO()
    call_command("purchases_expire", stdout=out)
    assert "Đã hủy 1 " in out.getvalue()
    assert Purchase.objects.get(pk=stale.pk).status == Purchase.Status.CANCELLED
    assert stripe_client().v1.payment_intents.retrieve(stale_intent.id).status == "canceled"
    assert allocated(stale_products) == [0]
    assert Purchase.objects.get(pk=fresh.pk).status == Purchase.Status.AWAITING_PAYMENT
    assert allocated(fresh_products) == [2]
