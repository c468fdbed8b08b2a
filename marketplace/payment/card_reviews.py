"""Staff decisions on card payments the webhook could not settle by itself (the queue at
/dashboard/payments/card-review/, docs/decisions/0026-card-payment-failures.md).

Cases (`CardPaymentReview`) are opened by marketplace.payment.stripe_payments: a success for
another amount or currency than the purchase's, a late success Stripe refused to refund,
a refund made in Stripe's Dashboard no shop order could take. Staff may:
- refund in Stripe: the case is claimed (OPEN → REFUNDING, a conditional UPDATE), the whole
  payment is refunded at Stripe with no lock held and an idempotency key naming the case,
  then the case is marked refunded and a purchase still awaiting its card is cancelled (its
  stock released); if Stripe refuses, the case goes back to OPEN;
- accept as paid: only when Stripe's intent did succeed for the purchase total in vnd;
- close with a reason: nothing moves at Stripe or on the purchase.
Every decision is audited.
"""

from __future__ import annotations

import stripe
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent
from marketplace.order.lifecycle import purchase_cancel
from marketplace.order.models import Purchase
from marketplace.payment import services, stripe_payments
from marketplace.payment.models import CardPaymentReview
from marketplace.payment.services import PaymentError
from marketplace.payment.stripe_client import stripe_client

Status = CardPaymentReview.Status
Reason = CardPaymentReview.Reason
ACTING_AS = AuditEvent.Capacity.PROGRAMME

#: cases where a payment sits at Stripe that refunding gives back (never a purchase that was
#: paid normally: a refund made in Stripe's Dashboard, or a Stripe error while recording one)
REFUNDABLE = (Reason.AMOUNT_MISMATCH, Reason.LATE_SUCCESS)


def _already_decided() -> PaymentError:
    return PaymentError(_("Trường hợp này vừa được xử lý; vui lòng tải lại trang."))


def _decided(review: CardPaymentReview, *, to: str, actor, reason: str, **changes) -> None:
    moved = CardPaymentReview.objects.filter(pk=review.pk, status=review.status).update(
        status=to, decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        decided_at=timezone.now(), decision_reason=reason[:500], **changes,
    )
    if not moved:
        raise _already_decided()


def card_review_refund(*, review: CardPaymentReview, actor, reason: str = "") -> CardPaymentReview:
    """Give the whole payment of this case back through Stripe."""
    review.refresh_from_db()
    if review.reason not in REFUNDABLE:
        raise PaymentError(_("Khoản này đã được hoàn trên Stripe; chỉ có thể đóng kèm lý do."))
    if review.status != Status.OPEN:
        raise _already_decided()
    if not CardPaymentReview.objects.filter(pk=review.pk, status=Status.OPEN).update(status=Status.REFUNDING):
        raise _already_decided()
    try:
        refund = stripe_payments.review_refund_at_stripe(review, idempotency_key=f"review-refund-{review.pk}")
    except stripe.StripeError as exc:
        CardPaymentReview.objects.filter(pk=review.pk, status=Status.REFUNDING).update(
            status=Status.OPEN, detail=str(exc)[:500],
        )
        review.refresh_from_db()
        raise PaymentError(
            _("Stripe chưa hoàn được khoản này (%(error)s). Trường hợp vẫn chờ quyết định.")
            % {"error": getattr(exc, "user_message", None) or str(exc)[:200]}
        ) from exc
    review.status = Status.REFUNDING
    _decided(review, to=Status.REFUNDED, actor=actor, reason=reason, refund_id=refund.id)
    purchase = review.purchase
    if purchase is not None and purchase.status == Purchase.Status.AWAITING_PAYMENT:
        purchase_cancel(purchase, reason=_("Đã hoàn tiền thẻ: số tiền không khớp"), actor=None)
    audit_record(
        action="card_review.refunded", actor=actor, acting_as=ACTING_AS, target=purchase or review,
        reason=reason, data={"review": review.key, "refund": refund.id, "amount": int(refund.amount or 0)},
    )
    review.refresh_from_db()
    return review


def card_review_accept(*, review: CardPaymentReview, actor, reason: str = "") -> CardPaymentReview:
    """Mark the purchase paid after all: Stripe must say the intent succeeded for the
    purchase total in vnd (asked before any lock is taken)."""
    review.refresh_from_db()
    if review.status != Status.OPEN:
        raise _already_decided()
    purchase = review.purchase
    if purchase is None or not review.payment_intent or review.reason != Reason.AMOUNT_MISMATCH:
        raise PaymentError(_("Không có khoản thanh toán nào để ghi nhận cho trường hợp này."))
    try:
        intent = stripe_client().v1.payment_intents.retrieve(review.payment_intent)
    except stripe.StripeError as exc:
        raise PaymentError(_("Chưa hỏi được Stripe; vui lòng thử lại sau ít phút.")) from exc
    received = stripe_payments._intent_amount(intent)
    if intent.status != "succeeded" or str(intent.currency).lower() != stripe_payments.CURRENCY \
            or received != purchase.total:
        raise PaymentError(
            _("Stripe báo %(received)s đồng (%(currency)s, %(status)s) trong khi giao dịch là "
              "%(expected)s đồng: không thể ghi nhận là đã thanh toán.")
            % {"received": received, "currency": intent.currency, "status": intent.status,
               "expected": purchase.total}
        )
    with transaction.atomic():
        _decided(review, to=Status.ACCEPTED, actor=actor, reason=reason, amount_received=received)
        if services.purchase_card_paid(purchase, amount=received, reference=review.payment_intent) not in (
            "paid", "duplicate",
        ):
            raise PaymentError(_("Giao dịch đã bị hủy; hãy hoàn tiền thay vì ghi nhận."))
        audit_record(
            action="card_review.accepted", actor=actor, acting_as=ACTING_AS, target=purchase,
            reason=reason, data={"review": review.key, "amount": received},
        )
    review.refresh_from_db()
    return review


def card_review_close(*, review: CardPaymentReview, actor, reason: str) -> CardPaymentReview:
    """Close the case with a reason (e.g. settled with the buyer outside Stripe)."""
    review.refresh_from_db()
    if review.status != Status.OPEN:
        raise _already_decided()
    if not reason.strip():
        raise PaymentError(_("Vui lòng nhập lý do."))
    with transaction.atomic():
        _decided(review, to=Status.CLOSED, actor=actor, reason=reason)
        audit_record(
            action="card_review.closed", actor=actor, acting_as=ACTING_AS,
            target=review.purchase or review, reason=reason, data={"review": review.key},
        )
    review.refresh_from_db()
    return review
