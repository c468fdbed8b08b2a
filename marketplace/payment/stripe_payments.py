"""Card payments through Stripe: one PaymentIntent per purchase, settled by signed webhooks.

The flow (docs/decisions/0009-purchases.md, 0026-card-payment-failures.md):
- the payment page asks `card_payment_intent(purchase)` for the purchase's PaymentIntent
  (created once, for the purchase total in đồng — VND is zero-decimal at Stripe) and hands
  its client secret to Stripe.js;
- Stripe tells us the outcome by a signed webhook (`webhook_receive`): a success for the
  purchase total in vnd marks the purchase and every shop order paid; any other amount or
  currency goes to staff (`CardPaymentReview`); a decline leaves the purchase awaiting its
  card so the buyer can try another card on the same intent (the stock stays held until
  `purchases_expire`); a cancellation cancels the purchase;
- a buyer who gives up, or `purchases_expire` after CHECKOUT_CARD_TIMEOUT_MINUTES, calls
  `card_payment_abandon`: the intent is cancelled at Stripe *first*, so it can never succeed
  after we released the stock; if Stripe says it already succeeded, the success is settled;
- each shop refunds its own order, fully or in parts (`order_refund_card`); a refund made in
  Stripe's Dashboard arrives as `charge.refunded` and is attributed to the shop orders.

No Stripe call is made inside a database transaction or while a row is locked: state is
claimed first by a conditional UPDATE (or a unique insert), Stripe is called, the result is
recorded, and the claim is given back if Stripe fails. Each webhook event id is claimed in
StripeEvent before it is applied and released if applying it fails for a reason Stripe's
retry can cure (connection, rate limit, Stripe's 5xx); a permanent refusal by Stripe ends in
the staff queue instead of a retry loop (`is_transient`).
"""

from __future__ import annotations

import json
import logging
import time
import uuid

import stripe
from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import purchase_cancel
from marketplace.order.models import Order, PaymentMethod, Purchase
from marketplace.payment import services
from marketplace.payment.models import CardPaymentReview, StripeEvent, StripeRefund
from marketplace.payment.services import PaymentError
from marketplace.payment.stripe_client import REQUEST_TIMEOUT, stripe_client

logger = logging.getLogger(__name__)

CURRENCY = "vnd"  # zero-decimal at Stripe: the amount is whole đồng

# Outcomes recorded on StripeEvent.outcome and answered by the webhook view.
PAID = "paid"
ALREADY_PAID = "already_paid"
REFUNDED = "refunded"  # a success for a purchase we had cancelled: refunded in full
REVIEW = "review"  # left to programme staff (/dashboard/payments/card-review/)
DECLINED = "declined"  # the card was refused; the buyer may try another one
CANCELLED = "cancelled"
PENDING = "pending"  # Stripe is still processing: a later event settles it
IGNORED = "ignored"  # nothing to change (e.g. a failure reported after the success)
REFUND_RECORDED = "refund_recorded"  # a refund made in Stripe's Dashboard, attributed
UNKNOWN_INTENT = "unknown_intent"
UNHANDLED = "unhandled"  # an event type we do not act on
DUPLICATE = "duplicate"

#: Metadata on every refund this app asks of Stripe, so `charge.refunded` knows it.
REFUND_ORIGIN = {"origin": "ocop"}
#: The value of Purchase.stripe_payment_intent while one call creates the intent.
CLAIM_PREFIX = "claim:"
#: A creation claim older than this is taken over (its holder died between claim and store).
CLAIM_STALE_SECONDS = 3 * REQUEST_TIMEOUT
#: How long a call waits for another call's intent creation before giving up.
CLAIM_WAIT_SECONDS = 2 * REQUEST_TIMEOUT


class WebhookRejected(Exception):
    """A webhook request that is not a valid signed Stripe event (the view answers 400)."""


class EventInProgress(Exception):
    """Another request is applying this very event right now (the view answers 503)."""


def is_transient(exc: stripe.StripeError) -> bool:
    """Will the same call succeed later? Connection failures, rate limits, Stripe's own 5xx
    and lock timeouts (409) will; a refused request (400, 402, 404: resource missing, already
    refunded, bad amount) will not, however often Stripe retries the webhook."""
    status = getattr(exc, "http_status", None)
    if isinstance(exc, (stripe.InvalidRequestError, stripe.CardError, stripe.IdempotencyError)):
        return status is not None and (status >= 500 or status == 409)
    return True


def intent_id_of(purchase: Purchase) -> str:
    """The purchase's recorded PaymentIntent id ("" while none, or while one is being created)."""
    value = purchase.stripe_payment_intent or ""
    return "" if value.startswith(CLAIM_PREFIX) else value


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


def _claim_value() -> str:
    return f"{CLAIM_PREFIX}{int(time.time())}:{uuid.uuid4().hex[:16]}"


def _claim_is_stale(value: str) -> bool:
    try:
        taken = int(value[len(CLAIM_PREFIX):].split(":", 1)[0])
    except ValueError:
        return True
    return time.time() - taken > CLAIM_STALE_SECONDS


def _claim_creation(purchase: Purchase, recorded: str) -> str:
    """Claim the creation of the purchase's intent; the claim, or "" if another call holds it."""
    if recorded and not (recorded.startswith(CLAIM_PREFIX) and _claim_is_stale(recorded)):
        return ""
    claim = _claim_value()
    moved = Purchase.objects.filter(
        pk=purchase.pk, stripe_payment_intent=recorded, status=Purchase.Status.AWAITING_PAYMENT,
    ).update(stripe_payment_intent=claim)
    return claim if moved else ""


def card_payment_intent(purchase: Purchase) -> stripe.PaymentIntent:
    """The purchase's PaymentIntent, created on the first call and retrieved afterwards.

    Concurrent calls for one purchase create one intent: the creation is claimed first by a
    conditional UPDATE of `stripe_payment_intent` (from "" to a claim), the intent is created
    at Stripe with no transaction open, and the claim is replaced by its id; the other calls
    wait for that id. A Stripe failure gives the claim back. If the purchase was cancelled
    meanwhile, the new intent is cancelled at Stripe so it can never be paid.
    """
    purchase.refresh_from_db()
    _require_card_awaiting(purchase)
    client = stripe_client()
    deadline = time.monotonic() + CLAIM_WAIT_SECONDS
    try:
        while True:
            recorded = purchase.stripe_payment_intent
            if recorded and not recorded.startswith(CLAIM_PREFIX):
                return client.v1.payment_intents.retrieve(recorded)
            claim = _claim_creation(purchase, recorded)
            if claim:
                return _create_intent(client, purchase, claim)
            if time.monotonic() > deadline:
                raise PaymentError(_("Cổng thanh toán đang bận; vui lòng tải lại trang sau ít giây."))
            time.sleep(0.05)
            purchase.refresh_from_db(fields=["stripe_payment_intent", "status"])
            _require_card_awaiting(purchase)
    except stripe.StripeError as exc:
        raise _unavailable(exc) from exc


def _create_intent(client: stripe.StripeClient, purchase: Purchase, claim: str) -> stripe.PaymentIntent:
    try:
        intent = client.v1.payment_intents.create(
            {
                "amount": int(purchase.total),
                "currency": CURRENCY,
                "payment_method_types": ["card"],
                "metadata": {"purchase": purchase.number},
            },
            {"idempotency_key": f"purchase-{purchase.number}"},
        )
    except stripe.StripeError:
        Purchase.objects.filter(pk=purchase.pk, stripe_payment_intent=claim).update(stripe_payment_intent="")
        raise
    stored = Purchase.objects.filter(
        pk=purchase.pk, stripe_payment_intent=claim, status=Purchase.Status.AWAITING_PAYMENT,
    ).update(stripe_payment_intent=intent.id)
    if not stored:
        Purchase.objects.filter(pk=purchase.pk, stripe_payment_intent=claim).update(stripe_payment_intent="")
    purchase.refresh_from_db(fields=["stripe_payment_intent", "status"])
    if purchase.stripe_payment_intent != intent.id or purchase.status != Purchase.Status.AWAITING_PAYMENT:
        # Cancelled while we created it, or our claim was taken over as stale: this intent
        # must never be paid.
        _cancel_quietly(client, intent.id)
        _require_card_awaiting(purchase)
        if not intent_id_of(purchase):
            raise PaymentError(_("Cổng thanh toán đang bận; vui lòng tải lại trang sau ít giây."))
        return client.v1.payment_intents.retrieve(purchase.stripe_payment_intent)
    return intent


def _cancel_quietly(client: stripe.StripeClient, intent_id: str) -> None:
    try:
        client.v1.payment_intents.cancel(intent_id)
    except stripe.StripeError as exc:
        logger.warning("could not cancel the PaymentIntent %s: %s", intent_id, exc)


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


def _intent_amount(intent) -> int:
    received = getattr(intent, "amount_received", None)
    return int(received if received else intent.amount)


#: What the payment page tells a buyer whose card was refused (Stripe's error and decline
#: codes); anything else gets the generic text.
DECLINE_MESSAGES = {
    "insufficient_funds": _lazy("Thẻ không đủ số dư. Vui lòng thử thẻ khác."),
    "expired_card": _lazy("Thẻ đã hết hạn. Vui lòng thử thẻ khác."),
    "incorrect_cvc": _lazy("Mã CVC không đúng. Vui lòng kiểm tra lại hoặc thử thẻ khác."),
    "incorrect_number": _lazy("Số thẻ không đúng. Vui lòng kiểm tra lại hoặc thử thẻ khác."),
    "processing_error": _lazy("Ngân hàng chưa xử lý được thẻ. Vui lòng thử lại hoặc dùng thẻ khác."),
    "payment_intent_authentication_failure": _lazy(
        "Xác thực thẻ không thành công. Vui lòng thử lại hoặc dùng thẻ khác."
    ),
}
DECLINED_MESSAGE = _lazy("Thẻ bị từ chối. Vui lòng thử thẻ khác.")


def card_decline_message(intent) -> str:
    """The Vietnamese reason a retry is needed, or "" when the intent has no failed attempt
    (Stripe keeps `last_payment_error` while the intent waits for another card)."""
    if getattr(intent, "status", "") != "requires_payment_method":
        return ""
    error = getattr(intent, "last_payment_error", None)
    if not error:
        return ""
    codes = (getattr(error, "decline_code", None), getattr(error, "code", None))
    for code in codes:
        if code in DECLINE_MESSAGES:
            return str(DECLINE_MESSAGES[code])
    return str(DECLINED_MESSAGE)


# --- giving up on a card payment ------------------------------------------------------------


def card_payment_abandon(purchase: Purchase, reason: str, *, actor=None) -> bool:
    """The buyer cancels on the payment page, or the purchase timed out.

    The intent is cancelled at Stripe (no transaction open) before the purchase is cancelled
    here, so a payment can never succeed after its stock was released. If Stripe says the
    payment already succeeded, the success is settled instead (paid, or to staff when the
    amount differs) and False is returned (as it is when the purchase was not awaiting
    payment, or Stripe is still processing it). True when this call cancelled the purchase.
    """
    client = None
    cancelled = False
    try:
        purchase.refresh_from_db()
        if purchase.status != Purchase.Status.AWAITING_PAYMENT:
            return False
        intent_id = intent_id_of(purchase)
        if intent_id:
            client = stripe_client()
            intent = _cancel_intent(client, intent_id)
            if intent.status == "succeeded":
                _settle_success(purchase, intent_id, amount=_intent_amount(intent),
                                currency=str(intent.currency))
                return False
            if intent.status == "processing":
                return False
        cancelled = purchase_cancel(purchase, reason=reason, actor=actor)
        # An intent recorded while we cancelled (the payment page opened at that moment):
        # cancel it too, so it cannot be paid for a purchase that no longer holds stock.
        purchase.refresh_from_db()
        late = intent_id_of(purchase)
        if cancelled and late and late != intent_id:
            _cancel_quietly(client or stripe_client(), late)
    except stripe.StripeError as exc:
        raise _unavailable(exc) from exc
    finally:
        purchase.refresh_from_db()
    return cancelled


def purchases_expire(*, now=None) -> int:
    """Cancel card purchases left unpaid longer than CHECKOUT_CARD_TIMEOUT_MINUTES.

    Each goes through `card_payment_abandon`, so its intent is cancelled at Stripe first.
    A purchase whose payment waits for a staff decision is left to staff. Returns how many
    were cancelled; one Stripe cannot be reached for is left for the next run.
    """
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(minutes=settings.CHECKOUT_CARD_TIMEOUT_MINUTES)
    count = 0
    stale = Purchase.objects.filter(
        status=Purchase.Status.AWAITING_PAYMENT, created_at__lt=cutoff
    ).exclude(card_reviews__status=CardPaymentReview.Status.OPEN)
    for purchase in stale:
        try:
            if card_payment_abandon(purchase, reason=_("Quá hạn thanh toán")):
                count += 1
        except PaymentError as exc:  # Stripe unreachable: the next run retries this one
            logger.warning("purchase %s not expired: %s", purchase.number, exc)
    return count


# --- a success: paid, or to staff ----------------------------------------------------------


def _settle_success(purchase: Purchase, intent_id: str, *, amount: int, currency: str) -> str:
    """Stripe says the intent succeeded for `amount` `currency`. No transaction may be open:
    a success for a purchase we had cancelled is refunded at Stripe from here."""
    currency = (currency or "").lower()
    if currency == CURRENCY:
        result = services.purchase_card_paid(purchase, amount=amount, reference=intent_id)
        if result == "paid":
            return PAID
        if result == "duplicate":
            return ALREADY_PAID
    else:
        purchase.refresh_from_db()
        result = {
            Purchase.Status.AWAITING_PAYMENT: "mismatch", Purchase.Status.PAID: "duplicate",
        }.get(purchase.status, "cancelled")
        if result == "duplicate":
            return ALREADY_PAID
    if result == "mismatch":
        review_open(
            key=f"intent:{intent_id}", purchase=purchase, payment_intent=intent_id,
            reason=CardPaymentReview.Reason.AMOUNT_MISMATCH, amount_received=amount, currency=currency,
        )
        return REVIEW
    return _refund_late_payment(purchase, intent_id, amount, currency)


def review_open(*, key: str, purchase: Purchase | None, payment_intent: str, reason: str,
                amount_received: int, currency: str = CURRENCY, detail: str = "",
                status: str = CardPaymentReview.Status.OPEN) -> tuple[CardPaymentReview, bool]:
    """Open (once per key) a case in the staff queue; (the case, whether this call opened it)."""
    try:
        with transaction.atomic():
            review = CardPaymentReview.objects.create(
                key=key, purchase=purchase, payment_intent=payment_intent, reason=reason,
                status=status, amount_expected=int(purchase.total) if purchase else 0,
                amount_received=amount_received, currency=currency[:8], detail=detail[:500],
            )
            audit_record(
                action="card_review.opened", target=purchase or review,
                reason=str(CardPaymentReview.Reason(reason).label),
                data={"key": key, "payment_intent": payment_intent, "received": amount_received,
                      "currency": currency, "status": status, "detail": detail[:500]},
            )
    except IntegrityError:
        return CardPaymentReview.objects.get(key=key), False
    return review, True


def review_refund_at_stripe(review: CardPaymentReview, *, idempotency_key: str):
    """Refund the whole payment of a case at Stripe; the case must already be claimed
    (status REFUNDING) and no transaction be open. Returns the refund; raises StripeError."""
    refund = stripe_client().v1.refunds.create(
        {
            "payment_intent": review.payment_intent,
            "metadata": {**REFUND_ORIGIN, "purchase": review.purchase.number if review.purchase else "",
                         "review": review.key},
        },
        {"idempotency_key": idempotency_key},
    )
    if getattr(refund, "status", "succeeded") in ("failed", "canceled"):
        raise stripe.InvalidRequestError(f"refund {refund.id} {refund.status}", None)
    StripeRefund.objects.get_or_create(
        refund_id=refund.id,
        defaults={"payment_intent": review.payment_intent, "purchase": review.purchase,
                  "amount": int(refund.amount or 0), "origin": StripeRefund.Origin.APP},
    )
    return refund


def _refund_late_payment(purchase: Purchase, intent_id: str, amount: int, currency: str) -> str:
    """A payment succeeded for a purchase we had cancelled: give all of it back.

    The case is claimed by inserting it as REFUNDING (unique per intent), Stripe is asked
    with no lock held, then the case is marked refunded. A transient failure removes the
    claim and raises (the webhook answers 503; Stripe's retry tries again); a permanent one
    leaves the case open in the staff queue."""
    review, created = review_open(
        key=f"intent:{intent_id}", purchase=purchase, payment_intent=intent_id,
        reason=CardPaymentReview.Reason.LATE_SUCCESS, amount_received=amount, currency=currency,
        status=CardPaymentReview.Status.REFUNDING,
    )
    if not created:  # another delivery refunds it, did, or staff has it
        return REFUNDED if review.status in (CardPaymentReview.Status.REFUNDING,
                                             CardPaymentReview.Status.REFUNDED) else REVIEW
    try:
        refund = review_refund_at_stripe(review, idempotency_key=f"late-refund-{intent_id}")
    except stripe.StripeError as exc:
        if is_transient(exc):
            CardPaymentReview.objects.filter(pk=review.pk, status=CardPaymentReview.Status.REFUNDING).delete()
            raise
        logger.warning("late payment %s not refunded, left to staff: %s", intent_id, exc)
        CardPaymentReview.objects.filter(pk=review.pk, status=CardPaymentReview.Status.REFUNDING).update(
            status=CardPaymentReview.Status.OPEN, detail=str(exc)[:500],
        )
        audit_record(
            action="card_review.refund_refused", target=purchase,
            data={"payment_intent": intent_id, "error": str(exc)[:500]},
        )
        return REVIEW
    CardPaymentReview.objects.filter(pk=review.pk, status=CardPaymentReview.Status.REFUNDING).update(
        status=CardPaymentReview.Status.REFUNDED, refund_id=refund.id, decided_at=timezone.now(),
    )
    audit_record(
        action="purchase.late_payment_refunded", target=purchase,
        reason=_("Thanh toán thẻ thành công sau khi giao dịch đã bị hủy; đã hoàn toàn bộ."),
        data={"amount": amount, "payment_intent": intent_id, "refund": refund.id},
    )
    return REFUNDED


# --- refunds --------------------------------------------------------------------------------


def order_refund_card(order: Order, amount: int, *, actor, acting_as: str, reason: str = "") -> Order:
    """Refund `amount` đồng of one shop's order at Stripe (full or partial).

    The amount is claimed in our database first (a conditional UPDATE: two refunds at once
    cannot return more than was paid), then asked of Stripe with an idempotency key naming
    the claim, then recorded. If Stripe refuses, the claim is given back.
    """
    purchase = order.purchase
    intent_id = intent_id_of(purchase) if purchase is not None else ""
    if order.payment_method != PaymentMethod.CARD or not intent_id:
        raise PaymentError(_("Đơn này không được thanh toán bằng thẻ qua Stripe."))
    before = services.order_refund_reserve(order, amount)
    try:
        refund = stripe_client().v1.refunds.create(
            {
                "payment_intent": intent_id,
                "amount": amount,
                "metadata": {**REFUND_ORIGIN, "order": order.number, "purchase": purchase.number},
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
    StripeRefund.objects.get_or_create(
        refund_id=refund.id,
        defaults={"payment_intent": intent_id, "purchase": purchase, "amount": amount,
                  "origin": StripeRefund.Origin.APP, "attributed": {order.number: amount}},
    )
    return services.order_refund_complete(
        order, amount=amount, reference=refund.id, actor=actor, acting_as=acting_as, reason=reason,
    )


def _made_by_us(refund) -> bool:
    metadata = refund.metadata.to_dict() if hasattr(refund.metadata, "to_dict") else dict(refund.metadata or {})
    # Refunds made before `origin` was added carry the order or purchase number.
    return metadata.get("origin") == REFUND_ORIGIN["origin"] or "order" in metadata or "purchase" in metadata


def _record_dashboard_refund(purchase: Purchase, intent_id: str, refund) -> bool:
    """Attribute a refund made in Stripe's Dashboard to the purchase's shop orders: in order
    of their numbers, each up to what it still has refundable, through the same reserve /
    complete as every other refund. What no order can take goes to the staff queue.
    Once per refund id (a unique insert in the same transaction). True if recorded now."""
    amount = int(refund.amount or 0)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeRefund.objects.create(
                    refund_id=refund.id, payment_intent=intent_id, purchase=purchase, amount=amount,
                    origin=StripeRefund.Origin.STRIPE_DASHBOARD,
                )
        except IntegrityError:
            return False
        remaining, attributed = amount, {}
        reason = _("Hoàn tiền trên Stripe (%(refund)s)") % {"refund": refund.id}
        for order in Order.objects.filter(purchase=purchase).order_by("number"):
            for _attempt in range(3):  # another refund of this order may move it meanwhile
                order.refresh_from_db()
                take = min(remaining, order.refundable)
                if take <= 0:
                    break
                try:
                    services.order_refund_reserve(order, take)
                except PaymentError:
                    continue
                services.order_refund_complete(
                    order, amount=take, reference=refund.id, actor=None,
                    acting_as=AuditEvent.Capacity.SYSTEM, reason=reason,
                )
                attributed[order.number] = take
                remaining -= take
                break
            if remaining <= 0:
                break
        record.attributed = attributed
        record.save(update_fields=["attributed"])
        audit_record(
            action="purchase.stripe_refund_recorded", target=purchase, reason=reason,
            data={"refund": refund.id, "amount": amount, "attributed": attributed,
                  "unattributed": remaining},
        )
        if remaining > 0:
            review_open(
                key=f"refund:{refund.id}", purchase=purchase, payment_intent=intent_id,
                reason=CardPaymentReview.Reason.REFUND_UNATTRIBUTED, amount_received=remaining,
                detail=_("Stripe đã hoàn %(amount)s đồng nhưng không đơn nào còn đủ số tiền để ghi nhận.")
                % {"amount": remaining},
            )
    return True


# --- webhooks -------------------------------------------------------------------------------


def _whole(value, *, required: bool = False) -> int | None:
    """A Stripe amount: a whole number of đồng, at least 0 (never a string, bool or float)."""
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10**15:
        raise WebhookRejected("malformed amount")
    return value


def _verify(payload: bytes, signature: str) -> tuple[str, str, dict]:
    """(event id, type, data.object) of a validly signed, well-formed event; WebhookRejected
    otherwise (bad signature, not JSON, absurdly nested, amounts that are not whole đồng)."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRejected("webhook secret not configured")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(text, signature or "", secret, 300)
    except stripe.SignatureVerificationError as exc:
        raise WebhookRejected("invalid signature") from exc
    except (ValueError, TypeError) as exc:
        raise WebhookRejected("malformed payload") from exc
    try:
        body = json.loads(text)
    except (ValueError, RecursionError) as exc:  # not JSON, or nested past the parser's depth
        raise WebhookRejected("malformed payload") from exc
    try:
        event_id, event_type, obj = body["id"], body["type"], body["data"]["object"]
    except (KeyError, TypeError, IndexError) as exc:
        raise WebhookRejected("malformed event") from exc
    if not (isinstance(event_id, str) and event_id and isinstance(event_type, str)
            and isinstance(obj, dict)):
        raise WebhookRejected("malformed event")
    if event_type.startswith("payment_intent."):
        if not isinstance(obj.get("id"), str) or obj.get("object") != "payment_intent":
            raise WebhookRejected("malformed payment intent")
        amount = _whole(obj.get("amount"))
        received = _whole(obj.get("amount_received"))
        if event_type == "payment_intent.succeeded" and not (received or amount):
            raise WebhookRejected("malformed amount")
        if not isinstance(obj.get("currency", ""), str):
            raise WebhookRejected("malformed currency")
    elif event_type == "charge.refunded":
        if obj.get("object") != "charge" or not isinstance(obj.get("payment_intent") or "", str):
            raise WebhookRejected("malformed charge")
        _whole(obj.get("amount_refunded"))
    return event_id, event_type, obj


def webhook_receive(payload: bytes, signature: str) -> str:
    """Verify and apply one Stripe event exactly once; returns the outcome.

    The event id is claimed first (a unique insert, committed at once); the event is applied
    with no transaction around the calls back to Stripe; the outcome is recorded. Raises
    WebhookRejected for a bad signature or payload; a transient stripe.StripeError when a call
    back to Stripe failed in a way a retry can cure (the claim is released, so Stripe's retry
    applies it). Permanent refusals end in the staff queue and are answered normally.
    """
    event_id, event_type, obj = _verify(payload, signature)
    if event_type.startswith("payment_intent."):
        intent_id = obj["id"]
    elif event_type.startswith("charge."):
        intent_id = obj.get("payment_intent") or ""
    else:
        intent_id = ""
    record = _claim_event(event_id[:255], event_type[:64], intent_id[:64])
    if record is None:
        return DUPLICATE
    try:
        outcome = _apply(event_type, intent_id, obj)
    except BaseException:
        _release_event(record)
        raise
    if not _busy_retried(lambda: StripeEvent.objects.filter(pk=record.pk).update(outcome=outcome)):
        # Applied, but the outcome could not be written: release the claim so that Stripe's
        # retry records it (the handlers are idempotent), rather than leaving it claimed.
        _release_event(record)
        raise OperationalError("stripe event outcome not recorded")
    logger.info("stripe event %s %s: %s", event_type, event_id, outcome)
    return outcome


def _claim_event(event_id: str, event_type: str, intent_id: str) -> StripeEvent | None:
    """Claim the event (a unique insert, committed at once); None when it was applied already.

    A claim without an outcome is an event being applied right now: EventInProgress (the view
    answers 503, Stripe delivers it again later). One older than CLAIM_STALE_SECONDS was left
    by a process that died mid-way and is taken over (every handler is idempotent)."""
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(event_id=event_id, type=event_type, payment_intent=intent_id)
    except IntegrityError:
        pass
    existing = StripeEvent.objects.filter(event_id=event_id).first()
    if existing is None:  # released meanwhile: let Stripe's next delivery claim it
        raise EventInProgress(event_id)
    if existing.outcome:
        return None
    stale = timezone.now() - timezone.timedelta(seconds=CLAIM_STALE_SECONDS)
    if existing.received_at < stale and StripeEvent.objects.filter(
        pk=existing.pk, outcome="", received_at=existing.received_at
    ).update(received_at=timezone.now()):
        return existing
    raise EventInProgress(event_id)


def _busy_retried(write) -> bool:
    """Run a small write, trying again briefly while the database is busy (SQLite's file
    lock); False if it never went through."""
    for attempt in range(8):
        try:
            write()
            return True
        except OperationalError:
            time.sleep(0.05 * (attempt + 1))
    return False


def _release_event(record: StripeEvent) -> None:
    """Give the claim back so that Stripe's retry applies the event (a claim left behind
    delays it until it is stale)."""
    if not _busy_retried(lambda: StripeEvent.objects.filter(pk=record.pk, outcome="").delete()):
        logger.error("stripe event %s claim not released; taken over after %ss", record.event_id,
                     CLAIM_STALE_SECONDS)


def _apply(event_type: str, intent_id: str, obj: dict) -> str:
    handlers = {
        "payment_intent.succeeded": _on_succeeded,
        "payment_intent.payment_failed": _on_failed,
        "payment_intent.canceled": _on_canceled,
        "charge.refunded": _on_charge_refunded,
    }
    handler = handlers.get(event_type)
    if handler is None:
        return UNHANDLED
    if not intent_id:
        return UNKNOWN_INTENT
    purchase = Purchase.objects.filter(stripe_payment_intent=intent_id).first()
    if purchase is None:
        return UNKNOWN_INTENT
    return handler(purchase, intent_id, obj)


def _on_succeeded(purchase: Purchase, intent_id: str, obj: dict) -> str:
    amount = obj.get("amount_received") or obj.get("amount")
    return _settle_success(purchase, intent_id, amount=amount, currency=obj.get("currency", ""))


def _on_failed(purchase: Purchase, intent_id: str, obj: dict) -> str:
    """A declined attempt: the purchase keeps waiting for a card (and its stock) so the buyer
    can try another card on the same intent; `purchases_expire` ends it if nobody does."""
    if purchase.status != Purchase.Status.AWAITING_PAYMENT:
        return IGNORED  # e.g. a failed attempt reported after the payment succeeded
    error = obj.get("last_payment_error") if isinstance(obj.get("last_payment_error"), dict) else {}
    audit_record(
        action="purchase.card_declined", target=purchase,
        data={"payment_intent": intent_id, "code": str(error.get("code") or "")[:64],
              "decline_code": str(error.get("decline_code") or "")[:64]},
    )
    return DECLINED


def _on_canceled(purchase: Purchase, intent_id: str, obj: dict) -> str:
    if purchase.status != Purchase.Status.AWAITING_PAYMENT:
        return IGNORED
    purchase_cancel(purchase, reason=_("Stripe đã hủy thanh toán"))
    return CANCELLED


def _on_charge_refunded(purchase: Purchase, intent_id: str, obj: dict) -> str:
    """A refund of the purchase's payment: record the ones made outside this app (Stripe's
    Dashboard). The refunds are listed at Stripe (the event's own list may be cut short)."""
    client = stripe_client()
    try:
        if purchase.status == Purchase.Status.AWAITING_PAYMENT:
            # The success has not reached us yet: settle it first, so there is something
            # to attribute the refund to.
            intent = client.v1.payment_intents.retrieve(intent_id)
            if intent.status == "succeeded":
                _settle_success(purchase, intent_id, amount=_intent_amount(intent),
                                currency=str(intent.currency))
                purchase.refresh_from_db()
        refunds = list(
            client.v1.refunds.list({"payment_intent": intent_id, "limit": 100}).auto_paging_iter()
        )
    except stripe.StripeError as exc:
        if is_transient(exc):
            raise
        review_open(
            key=f"charge:{obj.get('id') or intent_id}", purchase=purchase, payment_intent=intent_id,
            reason=CardPaymentReview.Reason.STRIPE_ERROR,
            amount_received=_whole(obj.get("amount_refunded")) or 0, detail=str(exc),
        )
        return REVIEW
    recorded = 0
    for refund in refunds:
        if getattr(refund, "status", "succeeded") not in ("succeeded", "pending"):
            continue
        if _made_by_us(refund) or StripeRefund.objects.filter(refund_id=refund.id).exists():
            continue
        if purchase.status != Purchase.Status.PAID:
            review_open(
                key=f"refund:{refund.id}", purchase=purchase, payment_intent=intent_id,
                reason=CardPaymentReview.Reason.REFUND_UNATTRIBUTED,
                amount_received=int(refund.amount or 0),
                detail=_("Stripe đã hoàn tiền cho giao dịch chưa được ghi nhận thanh toán."),
            )
            continue
        recorded += _record_dashboard_refund(purchase, intent_id, refund)
    return REFUND_RECORDED if recorded else IGNORED
