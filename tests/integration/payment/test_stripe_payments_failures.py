"""The webhook under bodies and errors a real outside run produced: validly signed but absurd
bodies are 400 with a JSON body (never 500); a permanent refusal by Stripe ends in the staff
queue instead of a 503 Stripe would retry for days, a transient one is 503 and applied on
Stripe's retry; a success for another amount or currency is never marked paid."""

from __future__ import annotations

import json

import pytest
import stripe
from django.conf import settings
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import purchase_cancel
from marketplace.order.links import purchase_link
from marketplace.order.models import Order, Purchase
from marketplace.payment import stripe_payments
from marketplace.payment.models import CardPaymentReview, StripeEvent
from marketplace.payment.stripe_client import stripe_client
from tests.factories import card_purchase
from tests.integration.payment.conftest import (
    CARD_DECLINED,
    CARD_OK,
    event_payload,
    pay,
    post_signed,
    refunds_at_stripe,
)

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

Transaction = get_model("payment", "Transaction")


def _edited(payload: bytes, **changes) -> bytes:
    event = json.loads(payload)
    for key, value in changes.items():
        if value is _DROP:
            event["data"]["object"].pop(key, None)
        else:
            event["data"]["object"][key] = value
    return json.dumps(event).encode()


_DROP = object()


def test_validly_signed_absurd_bodies_are_400_with_a_json_body(stripe_server, client):
    purchase, _ = card_purchase(1, prefix="absurd")
    intent = stripe_payments.card_payment_intent(purchase)
    good = event_payload("payment_intent.succeeded", intent.id, "evt_absurd")
    deep = "[" * 1500 + "]" * 1500
    bodies = {
        "nested array": deep.encode(),
        "nested object": ('{"id": "evt_deep", "type": "payment_intent.succeeded", "data": {"object": '
                          + '{"a": ' * 1500 + "1" + "}" * 1500 + "}}").encode(),
        "nested in the intent": good.replace(b'"amount":', b'"deep": ' + deep.encode() + b', "amount":', 1),
        "amount_received 1e999": good.replace(b'"amount":', b'"amount_received": 1e999, "amount":', 1),
        "amount as a string": _edited(good, amount=str(purchase.total)),
        "amount_received as a string": _edited(good, amount_received=str(purchase.total)),
        "negative amount": _edited(good, amount=-purchase.total),
        "amount a bool": _edited(good, amount=True),
        "amount a float": _edited(good, amount=float(purchase.total)),
        "no amount at all": _edited(good, amount=_DROP),
        "currency a number": _edited(good, currency=704),
        "no data.object": json.dumps({"id": "evt_no_object", "type": "payment_intent.succeeded",
                                      "data": {}}).encode(),
        "data a list": json.dumps({"id": "evt_list", "type": "payment_intent.succeeded",
                                   "data": [1]}).encode(),
        "intent id a number": _edited(good, id=5),
        "not utf-8": b'{"id": "evt_\xff"}',
    }
    for name, body in bodies.items():
        status, answer = post_signed(client, body, signature=None if name == "not utf-8" else "sign")
        assert status == 400, name
        assert answer["error"], name
    assert not StripeEvent.objects.exists()
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT


def test_success_for_another_amount_goes_to_staff_not_paid(stripe_server, client):
    purchase, products = card_purchase(2, prefix="short")
    intent = stripe_payments.card_payment_intent(purchase)
    pay(intent.id, CARD_OK)  # no webhook registered: we deliver the events ourselves
    short = _edited(event_payload("payment_intent.succeeded", intent.id, "evt_short"),
                    amount_received=purchase.total - 10_000)
    assert post_signed(client, short) == (200, {"status": "review"})

    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT
    assert {o.payment_status for o in purchase.orders.all()} == {Order.PaymentStatus.AWAITING_CARD}
    assert not Transaction.objects.filter(source__order__purchase=purchase).exists()
    review = CardPaymentReview.objects.get(purchase=purchase)
    assert (review.reason, review.status, review.payment_intent) == (
        CardPaymentReview.Reason.AMOUNT_MISMATCH, CardPaymentReview.Status.OPEN, intent.id
    )
    assert (review.amount_expected, review.amount_received, review.currency) == (
        purchase.total, purchase.total - 10_000, "vnd"
    )
    # The same news under another event id: still one case, still not paid.
    again = _edited(event_payload("payment_intent.succeeded", intent.id, "evt_short_2"),
                    amount_received=purchase.total - 10_000)
    assert post_signed(client, again) == (200, {"status": "review"})
    assert CardPaymentReview.objects.filter(purchase=purchase).count() == 1
    # The buyer's payment page does not ask for a card again: the money is at Stripe.
    html = client.get(purchase_link(purchase, "checkout:pay")).content.decode()
    assert "giao dịch đang được xác nhận" in html and 'id="card-form"' not in html
    # Expiry leaves it to staff (the money is at Stripe).
    assert stripe_payments.purchases_expire(now=purchase.created_at + _minutes(10_000)) == 0
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.AWAITING_PAYMENT


def test_success_in_another_currency_goes_to_staff_not_paid(stripe_server, client):
    purchase, _ = card_purchase(1, prefix="usd")
    intent = stripe_payments.card_payment_intent(purchase)
    pay(intent.id, CARD_OK)
    usd = _edited(event_payload("payment_intent.succeeded", intent.id, "evt_usd"), currency="usd")
    assert post_signed(client, usd) == (200, {"status": "review"})
    assert Purchase.objects.get(pk=purchase.pk).status == Purchase.Status.AWAITING_PAYMENT
    review = CardPaymentReview.objects.get(purchase=purchase)
    assert (review.reason, review.currency) == (CardPaymentReview.Reason.AMOUNT_MISMATCH, "usd")


def test_permanent_stripe_refusal_goes_to_staff_not_503(stripe_server, client):
    # A late success for a cancelled purchase whose refund Stripe refuses for good: the
    # intent at localstripe was declined, so "Cannot refund a failed payment" (400).
    purchase, _ = card_purchase(1, prefix="permanent")
    intent = stripe_payments.card_payment_intent(purchase)
    with pytest.raises(stripe.CardError):
        pay(intent.id, CARD_DECLINED)
    assert purchase_cancel(purchase, reason="Người mua hủy")
    success = _edited(event_payload("payment_intent.succeeded", intent.id, "evt_refused"),
                      status="succeeded", amount_received=purchase.total)

    assert post_signed(client, success) == (200, {"status": "review"})
    review = CardPaymentReview.objects.get(purchase=purchase)
    assert (review.reason, review.status) == (CardPaymentReview.Reason.LATE_SUCCESS,
                                              CardPaymentReview.Status.OPEN)
    assert "refund" in review.detail.lower()
    assert StripeEvent.objects.get(event_id="evt_refused").outcome == "review"
    assert AuditEvent.objects.filter(action="card_review.refund_refused", object_id=str(purchase.pk)).exists()
    # Stripe retrying, or the same news again: answered, one case, no retry loop.
    retry = _edited(event_payload("payment_intent.succeeded", intent.id, "evt_refused_2"),
                    status="succeeded", amount_received=purchase.total)
    assert post_signed(client, retry) == (200, {"status": "review"})
    assert CardPaymentReview.objects.filter(purchase=purchase).count() == 1


def test_transient_stripe_failure_is_503_and_the_retry_applies_it(stripe_server, client, monkeypatch):
    purchase, _ = card_purchase(2, prefix="transient")
    intent = stripe_payments.card_payment_intent(purchase)
    assert purchase_cancel(purchase, reason="Người mua hủy")
    pay(intent.id, CARD_OK)  # the payment still goes through at Stripe
    success = event_payload("payment_intent.succeeded", intent.id, "evt_transient")

    unreachable = stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses={"api": "http://127.0.0.1:9"}, max_network_retries=0,
    )
    monkeypatch.setattr(stripe_payments, "stripe_client", lambda: unreachable)
    status, body = post_signed(client, success)
    assert status == 503 and body["error"]
    assert not StripeEvent.objects.filter(event_id="evt_transient").exists()  # claim released
    assert not CardPaymentReview.objects.exists()
    assert refunds_at_stripe(intent.id) == []

    monkeypatch.undo()
    assert post_signed(client, success) == (200, {"status": "refunded"})  # Stripe's retry
    [refund] = refunds_at_stripe(intent.id)
    assert refund.amount == purchase.total and refund.metadata["origin"] == "ocop"
    review = CardPaymentReview.objects.get(purchase=purchase)
    assert (review.status, review.refund_id) == (CardPaymentReview.Status.REFUNDED, refund.id)
    assert post_signed(client, success) == (200, {"status": "duplicate"})
    assert len(refunds_at_stripe(intent.id)) == 1


def test_is_transient_sorts_stripe_errors():
    assert stripe_payments.is_transient(stripe.APIConnectionError("down"))
    assert stripe_payments.is_transient(stripe.RateLimitError("slow down", http_status=429))
    assert stripe_payments.is_transient(stripe.APIError("boom", http_status=500))
    assert stripe_payments.is_transient(stripe.InvalidRequestError("lock", None, http_status=409))
    assert not stripe_payments.is_transient(stripe.InvalidRequestError("No such refund", None, http_status=404))
    assert not stripe_payments.is_transient(stripe.InvalidRequestError("already refunded", None, http_status=400))
    assert not stripe_payments.is_transient(stripe.CardError("declined", None, "card_declined", http_status=402))


def test_intent_stays_ours_when_stripe_fails_while_creating_it(stripe_server, monkeypatch):
    purchase, _ = card_purchase(1, prefix="claim")
    unreachable = stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses={"api": "http://127.0.0.1:9"}, max_network_retries=0,
    )
    monkeypatch.setattr(stripe_payments, "stripe_client", lambda: unreachable)
    with pytest.raises(stripe_payments.PaymentError):
        stripe_payments.card_payment_intent(purchase)
    assert Purchase.objects.get(pk=purchase.pk).stripe_payment_intent == ""  # claim given back
    monkeypatch.undo()
    intent = stripe_payments.card_payment_intent(purchase)
    assert Purchase.objects.get(pk=purchase.pk).stripe_payment_intent == intent.id
    assert stripe_client().v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"


def _minutes(n):
    from django.utils import timezone

    return timezone.timedelta(minutes=n)


def test_busy_database_is_503_not_500(stripe_server, client, monkeypatch):
    """SQLite's "database is locked" under concurrent writers: Stripe is asked to retry."""
    from django.db import OperationalError

    purchase, _ = card_purchase(1, prefix="busy")
    intent = stripe_payments.card_payment_intent(purchase)
    payload = event_payload("payment_intent.canceled", intent.id, "evt_busy")

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(stripe_payments, "_apply", locked)
    status, body = post_signed(client, payload)
    assert status == 503 and body["error"]
    assert not StripeEvent.objects.filter(event_id="evt_busy").exists()  # claim released
    monkeypatch.undo()
    assert post_signed(client, payload) == (200, {"status": "cancelled"})
