"""Payment state of purchases and shop orders: every change is one conditional UPDATE.

Money moves in three ways (docs/decisions/0009-purchases.md):
- COD: each shop collects on delivery and marks its order paid;
- bank transfer (VietQR): the shop or programme staff mark the transfer received;
- card (Stripe): one PaymentIntent for the purchase; the signed webhook marks it paid
  (marketplace.payment.stripe_payments calls these functions).

Each transition filters on the state it leaves, so a replayed webhook, a double tap or
two staff members at once change a row once; the losers see 0 rows and do nothing.
Oscar's payment Source of each order records the amounts (allocated, debited, refunded)
and its Transactions the history.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.complaints.models import Complaint
from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.money import format_vnd, to_vnd
from marketplace.ledger import posting
from marketplace.order import notifications
from marketplace.order.models import Order, PaymentMethod, Purchase, Shipment
from marketplace.order.statuses import OrderStatus, normalize_status
from marketplace.payment.transfer import payee_of_order
from marketplace.tax import rates

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
Transaction = get_model("payment", "Transaction")

SOURCE_NAMES = {
    PaymentMethod.COD: "COD",
    PaymentMethod.BANK_TRANSFER: "VietQR",
    PaymentMethod.CARD: "Stripe",
}


class PaymentError(Refused):
    """A refused payment operation; messages are shown as they are."""


def _source(order: Order):
    """The order's payment source (created on first use)."""
    method = order.payment_method or PaymentMethod.COD
    source_type, _created = SourceType.objects.get_or_create(
        code=method, defaults={"name": SOURCE_NAMES.get(method, method)}
    )
    source, _created = Source.objects.get_or_create(
        order=order, source_type=source_type,
        defaults={"currency": order.currency, "amount_allocated": order.total_incl_tax,
                  "reference": order.purchase.stripe_payment_intent if order.purchase_id else ""},
    )
    return source


def payment_route(order: Order) -> str:
    """Who received the buyer's money for this order: the programme (card, a transfer to its
    account) or the shop itself (COD through its carrier, a transfer to its own account)."""
    if order.payment_method == PaymentMethod.CARD:
        return rates.ROUTE_CARD
    if order.payment_method == PaymentMethod.BANK_TRANSFER:
        payee = payee_of_order(order)
        return rates.ROUTE_SHOP_TRANSFER if payee and not payee.is_programme else rates.ROUTE_PROGRAMME_TRANSFER
    return rates.ROUTE_COD


def _debit(order: Order, amount: int, reference: str) -> None:
    """The order became paid: Oscar's payment source records it, the shop's ledger too."""
    source = _source(order)
    source.debit(amount, reference=reference, status="succeeded")
    posting.post_sale(order, amount=int(amount), route=payment_route(order), reference=reference)


PAYABLE_BY_HAND = {
    PaymentMethod.COD: Order.PaymentStatus.COD_DUE,
    PaymentMethod.BANK_TRANSFER: Order.PaymentStatus.AWAITING_TRANSFER,
}


def cod_collection_refusal(order: Order) -> str | None:
    """Why the shop cannot record "Đã thu tiền (COD)" yet, or None when it can.

    The carrier collects COD at the buyer's door, so the money exists only once the order is
    delivered — every line at an end, some delivered (ADR 0020); then `_collected` is the
    total less the parcels that came back. The seller workspace asks this before
    order_mark_paid; programme staff reconciling a carrier's remittance do not.
    """
    if order.payment_method != PaymentMethod.COD:
        return None
    if normalize_status(order.status) != OrderStatus.DELIVERED:
        return _("Chỉ ghi nhận đã thu tiền COD sau khi đơn đã giao đến người mua: "
                 "đơn vị vận chuyển thu tiền khi giao hàng.")
    return None


def order_mark_paid(order: Order, *, actor, acting_as: str, note: str = "") -> Order:
    """COD collected on delivery, or a bank transfer received: the shop's order is paid."""
    waiting = PAYABLE_BY_HAND.get(order.payment_method)
    if waiting is None:
        raise PaymentError(_("Đơn thanh toán bằng thẻ được ghi nhận tự động khi Stripe xác nhận."))
    if order.is_cancelled:
        raise PaymentError(_("Đơn đã hủy; không thể ghi nhận thanh toán."))
    with transaction.atomic():
        moved = Order.objects.filter(pk=order.pk, payment_status=waiting).update(
            payment_status=Order.PaymentStatus.PAID, amount_paid=_collected(order),
            paid_at=timezone.now(),
        )
        if not moved:
            raise PaymentError(_("Đơn này đã được ghi nhận thanh toán trước đó."))
        order.refresh_from_db()
        _debit(order, order.amount_paid, reference=note[:255])
        audit_record(
            action="order.paid", actor=actor, acting_as=acting_as, shop=order.shop, target=order,
            reason=note, data={"amount": order.amount_paid, "method": order.payment_method},
        )
    _notify_status(order)
    return order


def _collected(order: Order):
    """What the buyer paid for the order: its total, less, for COD, the parcels that came
    back to the shop unpaid (the carrier collected nothing for them)."""
    if order.payment_method != PaymentMethod.COD:
        return F("total_incl_tax")
    returned = order.shipments.filter(status=Shipment.Status.RETURNED).aggregate(s=Sum("cod_amount"))["s"]
    return max(to_vnd(order.total_incl_tax) - int(returned or 0), 0)


def purchase_card_paid(purchase: Purchase, *, amount: int, reference: str) -> str:
    """Stripe confirmed the card payment of this purchase.

    Returns "paid" when this call marked it paid, "duplicate" when it already was,
    "cancelled" when the purchase had been cancelled meanwhile (the caller refunds), or
    "mismatch" — and changes nothing — when `amount` is not the purchase total (the caller
    leaves it to staff: a purchase is never marked paid for money it did not receive).
    """
    purchase.refresh_from_db()
    if isinstance(amount, bool) or not isinstance(amount, int) or amount != purchase.total:
        if purchase.status == Purchase.Status.AWAITING_PAYMENT:
            return "mismatch"
        return "duplicate" if purchase.status == Purchase.Status.PAID else "cancelled"
    with transaction.atomic():
        moved = Purchase.objects.filter(
            pk=purchase.pk, status=Purchase.Status.AWAITING_PAYMENT
        ).update(status=Purchase.Status.PAID, paid_at=timezone.now())
        purchase.refresh_from_db()
        if not moved:
            return "duplicate" if purchase.status == Purchase.Status.PAID else "cancelled"
        orders = list(Order.objects.filter(purchase=purchase))
        for order in orders:
            moved = Order.objects.filter(pk=order.pk, payment_status=Order.PaymentStatus.AWAITING_CARD).update(
                payment_status=Order.PaymentStatus.PAID, amount_paid=F("total_incl_tax"),
                paid_at=timezone.now(),
            )
            if not moved:
                continue  # an order of the purchase not paid by card (0 ₫: COD, nothing to collect)
            order.refresh_from_db()
            _debit(order, order.amount_paid, reference=reference)
        audit_record(
            action="purchase.paid", target=purchase, data={"amount": amount, "reference": reference},
        )
    transaction.on_commit(lambda: notifications.purchase_paid(purchase))
    return "paid"


def purchase_transfer_orders(purchase: Purchase) -> list[Order]:
    """The purchase's transfer orders whose payee is the programme's account: the one VietQR
    of the purchase (`OCOP <purchase number>`) pays for these together."""
    orders = (
        Order.objects.filter(purchase=purchase, payment_method=PaymentMethod.BANK_TRANSFER)
        .select_related("shop").order_by("pk")
    )
    return [order for order in orders if (payee := payee_of_order(order)) and payee.is_programme]


def purchase_transfer_due(purchase: Purchase) -> int:
    """What is still to be transferred to the programme for this purchase (đồng)."""
    return sum(
        to_vnd(order.total_incl_tax) for order in purchase_transfer_orders(purchase)
        if order.payment_status == Order.PaymentStatus.AWAITING_TRANSFER
    )


class TransferNotApplied(PaymentError):
    """The transfer does not pay what is due: `problem` says why (BankCredit.Problem)."""

    def __init__(self, message, *, problem: str, due: int | None = None):
        super().__init__(message)
        self.problem = problem
        self.due = due


def purchase_transfer_paid(
    purchase: Purchase, *, amount: int, reference: str, actor=None,
    acting_as: str = "system", exact: bool = True, note: str = "",
) -> list[Order]:
    """One bank transfer paid every programme-payee order of the purchase still awaiting it.

    The orders are locked (primary-key order, as cancelling locks an order) and checked
    again: a shop cancelling its order at this moment either finished first (the order is
    void, nothing is due for it and the transfer does not match: TransferNotApplied) or
    waits until the orders are paid. With `exact`, the amount must be what is due; staff
    matching by hand may pass `exact=False` with a note. Each order goes through `_debit`.
    Raises TransferNotApplied (nothing changed) or returns the orders marked paid.
    """
    with transaction.atomic():
        ids = [order.pk for order in purchase_transfer_orders(purchase)]
        locked = list(Order.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        awaited = [o for o in locked if o.payment_status == Order.PaymentStatus.AWAITING_TRANSFER]
        if not awaited:
            raise TransferNotApplied(
                _("Giao dịch mua này không còn khoản nào chờ chuyển khoản."), problem="not_awaited",
            )
        due = sum(to_vnd(order.total_incl_tax) for order in awaited)
        if exact and amount != due:
            problem = "underpaid" if amount < due else "overpaid"
            raise TransferNotApplied(
                _("Số tiền chuyển %(amount)s khác số cần thu %(due)s.")
                % {"amount": format_vnd(amount), "due": format_vnd(due)},
                problem=problem, due=due,
            )
        now = timezone.now()
        paid = []
        for order in awaited:
            moved = Order.objects.filter(
                pk=order.pk, payment_status=Order.PaymentStatus.AWAITING_TRANSFER
            ).update(payment_status=Order.PaymentStatus.PAID, amount_paid=F("total_incl_tax"),
                     paid_at=now)
            if moved:
                order.refresh_from_db()
                _debit(order, order.amount_paid, reference=reference[:255])
                paid.append(order)
        whole = not Order.objects.filter(
            purchase=purchase, payment_status=Order.PaymentStatus.AWAITING_TRANSFER
        ).exists() and Purchase.objects.filter(
            pk=purchase.pk, status=Purchase.Status.PLACED
        ).update(status=Purchase.Status.PAID, paid_at=now)
        audit_record(
            action="purchase.transfer_paid", actor=actor, acting_as=acting_as, target=purchase,
            reason=note,
            data={"amount": amount, "due": due, "reference": reference,
                  "orders": [order.number for order in paid]},
        )
    purchase.refresh_from_db()
    if whole:
        # One mail for the purchase ("we received <total>"), not one per order.
        transaction.on_commit(lambda: notifications.purchase_paid(purchase))
    else:
        # A shop with its own account is still to be paid: say which orders were.
        for order in paid:
            _notify_status(order)
    return paid


def order_refund_reserve(order: Order, amount: int) -> int:
    """Claim `amount` of the order's refundable money before asking the processor.

    A conditional UPDATE on `amount_refunded`: two refunds at once cannot together return
    more than was paid. Returns the refunded total before this claim (to undo it).
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise PaymentError(_("Số tiền hoàn phải là số nguyên dương (đồng)."))
    order.refresh_from_db(fields=["amount_paid", "amount_refunded", "payment_status"])
    if order.payment_status not in (Order.PaymentStatus.PAID, Order.PaymentStatus.PARTIALLY_REFUNDED):
        raise PaymentError(_("Đơn chưa được thanh toán nên chưa thể hoàn tiền."))
    before = order.amount_refunded
    # Money a return/complaint case owes the buyer is given back through that case (which
    # clears its claim before calling here): a second refund of it from the order page would
    # pay it twice.
    owed_to_cases = int(
        Complaint.objects.filter(order_id=order.pk).aggregate(s=Sum("refund_owed"))["s"] or 0
    )
    ceiling = order.amount_paid - before - owed_to_cases
    if amount > ceiling:
        if owed_to_cases:
            raise PaymentError(
                _("Chỉ có thể hoàn tối đa %(max)s: %(owed)s đang chờ ghi nhận ở yêu cầu trả "
                  "hàng/khiếu nại của đơn — hãy ghi nhận ở đó.")
                % {"max": format_vnd(max(ceiling, 0)), "owed": format_vnd(owed_to_cases)}
            )
        raise PaymentError(_("Chỉ có thể hoàn tối đa %(max)s.") % {"max": format_vnd(max(ceiling, 0))})
    claimed = Order.objects.filter(pk=order.pk, amount_refunded=before).update(
        amount_refunded=before + amount
    )
    if not claimed:
        raise PaymentError(_("Đơn vừa được hoàn tiền bởi người khác; vui lòng tải lại trang."))
    return before


def order_refund_undo(order: Order, *, before: int, amount: int) -> None:
    """The processor refused: give the claimed amount back (only if nothing moved since)."""
    Order.objects.filter(pk=order.pk, amount_refunded=before + amount).update(amount_refunded=before)


def order_refund_complete(order: Order, *, amount: int, reference: str, actor, acting_as: str,
                          reason: str = "") -> Order:
    """Record a refund the processor accepted (or one made outside it for COD/transfer)."""
    with transaction.atomic():
        order.refresh_from_db()
        status = (
            Order.PaymentStatus.REFUNDED if order.amount_refunded >= order.amount_paid
            else Order.PaymentStatus.PARTIALLY_REFUNDED
        )
        Order.objects.filter(pk=order.pk).update(payment_status=status)
        order.payment_status = status
        _source(order).refund(amount, reference=reference[:255], status="succeeded")
        posting.post_refund(order, amount=int(amount), reference=reference)
        audit_record(
            action="order.refunded", actor=actor, acting_as=acting_as, shop=order.shop,
            target=order, reason=reason, data={"amount": amount, "reference": reference},
        )
    _notify_status(order)
    return order


def _notify_status(order: Order) -> None:
    transaction.on_commit(lambda: notifications.order_status_changed(order))
