"""Refunding one shop order, the same way from the seller workspace and the programme
dashboard (`/dashboard/payments/`).

- card: Stripe refunds part of the purchase's PaymentIntent
  (`marketplace.payment.stripe_payments.order_refund_card`);
- COD / bank transfer: the money goes back outside the system (cash, a transfer from the
  shop's account); the refund is recorded with reference "manual". The reservation and
  the record are one transaction, so a failure leaves nothing claimed.

Refunds are always an explicit step: cancelling an order never refunds by itself (see
marketplace.order.lifecycle.refund_due).
"""

from __future__ import annotations

from django.db import transaction

from marketplace.order.models import Order, PaymentMethod
from marketplace.payment import stripe_payments
from marketplace.payment.services import order_refund_complete, order_refund_reserve

MANUAL_REFERENCE = "manual"


def order_refund(order: Order, *, amount: int, actor, acting_as: str, reason: str = "") -> Order:
    """Give `amount` đồng of a paid shop order back to the buyer. Raises PaymentError."""
    if order.payment_method == PaymentMethod.CARD:
        return stripe_payments.order_refund_card(
            order, amount, actor=actor, acting_as=acting_as, reason=reason
        )
    with transaction.atomic():
        order_refund_reserve(order, amount)
        return order_refund_complete(
            order, amount=amount, reference=MANUAL_REFERENCE, actor=actor, acting_as=acting_as,
            reason=reason,
        )
