"""Card payments through Stripe: one PaymentIntent per purchase, settled by signed webhooks.

The flow (docs/decisions/0009-purchases.md):
- the payment page asks `card_payment_intent(purchase)` for the purchase's PaymentIntent
  (created once, for the purchase total in đồng — VND is zero-decimal at Stripe) and hands
  its client secret to Stripe.js;
- Stripe tells us the outcome by a signed webhook (`webhook_receive`): success marks the
  purchase and every shop order paid; a decline or a cancellation cancels the purchase
  (stock released, basket reopened so the buyer can try again);
- a buyer who gives up, or `purchases_expire` after CHECKOUT_CARD_TIMEOUT_MINUTES, calls
  `card_payment_abandon`: the intent is cancelled at Stripe *first*, so it can never succeed
  after we released the stock; if Stripe says it already succeeded, the purchase is paid;
- each shop refunds its own order, fully or in parts (`order_refund_card`).

Exactly-once rules: the intent id is stored under a row lock on the purchase (plus a
conditional UPDATE where the database has no row locks), each webhook event id is inserted
into StripeEvent in the transaction that applies it, and every state change in
marketplace.payment.services is a conditional UPDATE. A success that arrives for a purchase
we had cancelled is refunded in full automatically.
"""

from __future__ import annotations

import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.order.lifecycle import purchase_cancel
from marketplace.order.models import Order, PaymentMethod, Purchase
from marketplace.payment import services
from marketplace.payment.models import StripeEvent
from marketplace.payment.services import PaymentError
from marketplace.payment.stripe_client import stripe_client

logger = logging.getLogger(__name__)

CURRENCY = "vnd"  # zero-decimal at Stripe: the amount is whole đồng

# Outcomes recorded on StripeEvent.outcome and answered by the webhook view.
PAID = "paid"
ALREADY_PAID = "already_paid"
REFUNDED = "refunded"  # a success for a purchase we had cancelled: refunded in full
CANCELLED = "cancelled"
PENDING = "pending"  # Stripe is still processing: a later event settles it
IGNORED = "ignored"  # nothing to change (e.g. a failure reported after the success)
UNKNOWN_INTENT = "unknown_intent"
UNHANDLED = "unhandled"  # an event type we do not act on
DUPLICATE = "duplicate"


class WebhookRejected(Exception):
    """A webhook request that is not a valid signed Stripe event (the view answers 400)."""


# --- the PaymentIntent of a purchase ---------------------------------------------------------


def _require_card_awaiting(purchase: Purchase) -> None:
    if purchase.payment_method != PaymentMethod.CARD:
        raise PaymentError(_("Giao dịch này không thanh toán bằng thẻ."))
    if purchase.status != Purchase.Status.AWAITING_PAYMENT:
        raise PaymentError(_("Giao dịch này không còn chờ thanh toán."))


def _unavailable(exc: stripe.StripeError) -> PaymentError:
    logger.warning("Stripe call failed: %s", exc)
    return PaymentError(
        _("Chưa kết nối được cổng thanh toán thẻ; chưa có khoản tiền nào bị thu. Vui lòng thử lại sau ít phút.")
    )


def card_payment_intent(purchase: Purchase) -> stripe.PaymentIntent:
    """The purchase's PaymentIntent, created on the first call and retrieved afterwards.

    Concurrent calls for one purchase end with one intent recorded: creation runs under a
    row lock on the purchase (PostgreSQL), and the id is stored by a conditional UPDATE so
    that, where the database has no row locks (SQLite), a losing call cancels its own extra
    intent and uses the recorded one. The idempotency key makes Stripe itself answer
    retries of the same creation with the same intent.
    """
    purchase.refresh_from_db()
    _require_card_awaiting(purchase)
    client = stripe_client()
    try:
        if purchase.stripe_payment_intent:
            return client.v1.payment_intents.retrieve(purchase.stripe_payment_intent)
        with transaction.atomic():
            locked = Purchase.objects.select_for_update().get(pk=purchase.pk)
            _require_card_awaiting(locked)
            intent = None
            if not locked.stripe_payment_intent:
                intent = client.v1.payment_intents.create(
                    {
                        "amount": int(locked.total),
                        "currency": CURRENCY,
                        "payment_method_types": ["card"],
                        "metadata": {"purchase": locked.number},
                    },
                    {"idempotency_key": f"purchase-{locked.number}"},
                )
                stored = Purchase.objects.filter(pk=locked.pk, stripe_payment_intent="").update(
                    stripe_payment_intent=intent.id
                )
                locked.refresh_from_db(fields=["stripe_payment_intent"])
                if not stored and intent.id != locked.stripe_payment_intent:
                    # Another call recorded its intent first: ours must never be paid.
                    _cancel_quietly(client, intent.id)
                    intent = None
            purchase.stripe_payment_intent = locked.stripe_payment_intent
        if intent is None:
            intent = client.v1.payment_intents.retrieve(purchase.stripe_payment_intent)
        return intent
    except stripe.StripeError as exc:
        raise _unavailable(exc) from exc


def _cancel_quietly(client: stripe.StripeClient, intent_id: str) -> None:
    try:
        client.v1.payment_intents.cancel(intent_id)
    except stripe.StripeError as exc:
        logger.warning("could not cancel the extra PaymentIntent %s: %s", intent_id, exc)


def _cancel_intent(client: stripe.StripeClient, intent_id: str) -> stripe.PaymentIntent:
    """Cancel the intent at Stripe; returns it (status "canceled", or "succeeded"/"processing"
    when it can no longer be cancelled). Raises stripe.StripeError for anything else."""
    try:
        return client.v1.payment_intents.cancel(intent_id)
    except stripe.InvalidRequestError:
        # Already cancelled, already succeeded or processing: Stripe refuses; ask its state.
        intent = client.v1.payment_intents.retrieve(intent_id)
        if intent.status in ("canceled", "succeeded", "processing"):
            return intent
        raise


# --- giving up on a card payment ------------------------------------------------------------


def card_payment_abandon(purchase: Purchase, reason: str, *, actor=None) -> bool:
    """The buyer cancels on the payment page, or the purchase timed out.

    The intent is cancelled at Stripe before the purchase is cancelled here, so a payment
    can never succeed after its stock was released. If Stripe says the payment already
    succeeded, the purchase is marked paid instead and False is returned (as it is when the
    purchase was not awaiting payment, or Stripe is still processing it). True when this
    call cancelled the purchase.
    """
    try:
        with transaction.atomic():
            locked = Purchase.objects.select_for_update().get(pk=purchase.pk)
            if locked.status != Purchase.Status.AWAITING_PAYMENT:
                return False
            if locked.stripe_payment_intent:
                intent = _cancel_intent(stripe_client(), locked.stripe_payment_intent)
                if intent.status == "succeeded":
                    services.purchase_card_paid(locked, amount=int(intent.amount), reference=intent.id)
                    return False
                if intent.status == "processing":
                    return False
            cancelled = purchase_cancel(locked, reason=reason, actor=actor)
    except stripe.StripeError as exc:
        raise _unavailable(exc) from exc
    finally:
        purchase.refresh_from_db()
    return cancelled


def purchases_expire(*, now=None) -> int:
    """Cancel card purchases left unpaid longer than CHECKOUT_CARD_TIMEOUT_MINUTES.

    Each goes through `card_payment_abandon`, so its intent is cancelled at Stripe first.
    Returns how many were cancelled; one Stripe cannot be reached for is left for the next run.
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(minutes=settings.CHECKOUT_CARD_TIMEOUT_MINUTES)
    count = 0
    stale = Purchase.objects.filter(status=Purchase.Status.AWAITING_PAYMENT, created_at__lt=cutoff)
    for purchase in stale:
        try:
            if card_payment_abandon(purchase, reason=_("Quá hạn thanh toán")):
                count += 1
        except PaymentError as exc:  # Stripe unreachable: the next run retries this one
            logger.warning("purchase %s not expired: %s", purchase.number, exc)
    return count


# --- refunds --------------------------------------------------------------------------------


def order_refund_card(order: Order, amount: int, *, actor, acting_as: str, reason: str = "") -> Order:
    """Refund `amount` đồng of one shop's order at Stripe (full or partial).

    The amount is claimed in our database first (a conditional UPDATE: two refunds at once
    cannot return more than was paid), then asked of Stripe with an idempotency key naming
    the claim, then recorded. If Stripe refuses, the claim is given back.
    """
    purchase = order.purchase
    if order.payment_method != PaymentMethod.CARD or purchase is None or not purchase.stripe_payment_intent:
        raise PaymentError(_("Đơn này không được thanh toán bằng thẻ qua Stripe."))
    before = services.order_refund_reserve(order, amount)
    try:
        refund = stripe_client().v1.refunds.create(
            {
                "payment_intent": purchase.stripe_payment_intent,
                "amount": amount,
                "metadata": {"order": order.number, "purchase": purchase.number},
            },
            {"idempotency_key": f"refund-{order.number}-{before}-{amount}"},
        )
        if getattr(refund, "status", "succeeded") in ("failed", "canceled"):
            raise stripe.InvalidRequestError(f"refund {refund.id} {refund.status}", None)
    except stripe.StripeError as exc:
        services.order_refund_undo(order, before=before, amount=amount)
        order.refresh_from_db()
        logger.warning("Stripe refused the refund of order %s: %s", order.number, exc)
        raise PaymentError(
            _("Stripe chưa thực hiện được việc hoàn tiền; chưa có khoản tiền nào được hoàn. "
              "Vui lòng thử lại sau ít phút.")
        ) from exc
    return services.order_refund_complete(
        order, amount=amount, reference=refund.id, actor=actor, acting_as=acting_as, reason=reason,
    )


def _refund_late_payment(purchase: Purchase, intent_id: str, amount: int) -> str:
    """A payment succeeded for a purchase we had cancelled: give all of it back."""
    refund = stripe_client().v1.refunds.create(
        {"payment_intent": intent_id, "metadata": {"purchase": purchase.number or ""}},
        {"idempotency_key": f"late-refund-{intent_id}"},
    )
    audit_record(
        action="purchase.late_payment_refunded", target=purchase,
        reason=_("Thanh toán thẻ thành công sau khi giao dịch đã bị hủy; đã hoàn toàn bộ."),
        data={"amount": amount, "payment_intent": intent_id, "refund": refund.id},
    )
    return REFUNDED


# --- webhooks -------------------------------------------------------------------------------


def _verify(payload: bytes, signature: str) -> tuple[str, str, dict]:
    """(event id, type, data.object) of a validly signed event; WebhookRejected otherwise."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRejected("webhook secret not configured")
    try:
        stripe.Webhook.construct_event(payload, signature or None, secret)
    except stripe.SignatureVerificationError as exc:
        raise WebhookRejected("invalid signature") from exc
    except (ValueError, TypeError, KeyError, AttributeError) as exc:  # not JSON, not an event
        raise WebhookRejected("malformed payload") from exc
    body = json.loads(payload)  # parsed once already by construct_event
    try:
        event_id, event_type, obj = body["id"], body["type"], body["data"]["object"]
    except (KeyError, TypeError) as exc:
        raise WebhookRejected("malformed event") from exc
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)
            and isinstance(obj, dict)):
        raise WebhookRejected("malformed event")
    return event_id, event_type, obj


def webhook_receive(payload: bytes, signature: str) -> str:
    """Verify and apply one Stripe event exactly once; returns the outcome.

    Raises WebhookRejected for a bad signature or payload, stripe.StripeError when a
    call back to Stripe failed (nothing is recorded, so Stripe's retry applies it).
    """
    event_id, event_type, obj = _verify(payload, signature)
    intent_id = obj.get("id") if obj.get("object") == "payment_intent" else ""
    if not isinstance(intent_id, str):
        raise WebhookRejected("malformed event")
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(
                    event_id=event_id[:255], type=event_type[:64], payment_intent=intent_id[:64],
                )
        except IntegrityError:
            return DUPLICATE
        outcome = _apply(event_type, intent_id, obj)
        record.outcome = outcome
        record.save(update_fields=["outcome"])
    logger.info("stripe event %s %s: %s", event_type, event_id, outcome)
    return outcome


def _apply(event_type: str, intent_id: str, obj: dict) -> str:
    handlers = {
        "payment_intent.succeeded": _on_succeeded,
        "payment_intent.payment_failed": _on_failed,
        "payment_intent.canceled": _on_canceled,
    }
    handler = handlers.get(event_type)
    if handler is None:
        return UNHANDLED
    if not intent_id:
        return UNKNOWN_INTENT
    purchase = Purchase.objects.select_for_update().filter(stripe_payment_intent=intent_id).first()
    if purchase is None:
        return UNKNOWN_INTENT
    return handler(purchase, intent_id, obj)


def _amount(obj: dict) -> int:
    try:
        return int(obj.get("amount_received") or obj.get("amount") or 0)
    except (TypeError, ValueError):
        return 0


def _on_succeeded(purchase: Purchase, intent_id: str, obj: dict) -> str:
    amount = _amount(obj)
    result = services.purchase_card_paid(purchase, amount=amount, reference=intent_id)
    if result == "paid":
        return PAID
    if result == "duplicate":
        return ALREADY_PAID
    return _refund_late_payment(purchase, intent_id, amount)


def _on_failed(purchase: Purchase, intent_id: str, obj: dict) -> str:
    if purchase.status != Purchase.Status.AWAITING_PAYMENT:
        return IGNORED  # e.g. a failed attempt reported after the payment succeeded
    # Cancel at Stripe first, so this intent can never succeed after the stock is released.
    intent = _cancel_intent(stripe_client(), intent_id)
    if intent.status == "succeeded":
        return _on_succeeded(purchase, intent_id, {"amount": intent.amount})
    if intent.status == "processing":
        return PENDING
    purchase_cancel(purchase, reason=_("Thẻ bị từ chối"))
    return CANCELLED


def _on_canceled(purchase: Purchase, intent_id: str, obj: dict) -> str:
    if purchase.status != Purchase.Status.AWAITING_PAYMENT:
        return IGNORED
    purchase_cancel(purchase, reason=_("Stripe đã hủy thanh toán"))
    return CANCELLED

