"""The life of a shop order after placement: every status change and cancellation.

Seller views (shops/seller/operations), programme staff (Oscar's dashboard, through
marketplace/order/processing.py), payment (Stripe outcomes, expiry) and the demo loader call
these functions; nothing else writes an order's or a line's status. The pipeline itself is
declared once in marketplace/order/statuses.py; the stock the lines hold moves with them
through marketplace/order/stock.py, in the same transaction.

- `order_lines_transition`: a shop moves its lines of an order (confirm, hand to the
  carrier, delivered, cancel with a reason); the order's own status follows when every line
  of it shares the new one.
- `order_transition`: programme staff move a whole order (every line in the order's status).
- `purchase_cancel`: a purchase nobody paid for is called off (the buyer gave up, the card
  payment timed out, Stripe cancelled it): every order cancelled, stock released, the basket reopened.
- `orders_release_unconfirmed`: a COD order its shop has left unconfirmed for
  ORDER_UNCONFIRMED_RELEASE_HOURS is cancelled, its stock released and the buyer told.
- `orders_release_unpaid_transfers`: a bank-transfer order still unpaid after TRANSFER_PAYMENT_HOURS
  (not handed over) is cancelled the same way (same hourly command).
- `refund_due`: what the buyer of a cancelled or returned order paid and has not got back.

Money is never moved here: cancelling a paid order leaves its refund to an explicit step
(marketplace/payment/refunds.py). Each change is a conditional UPDATE under a row lock on
the order, written to the audit log, and the buyer is told after commit.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.core.money import to_vnd
from marketplace.order import notifications
from marketplace.order.models import Order, PaymentMethod, Purchase
from marketplace.order.statuses import OrderStatus, normalize_status, stored_values
from marketplace.order.stock import lines_stock_consume, lines_stock_release, lines_stock_restock

Basket = get_model("basket", "Basket")
Line = get_model("order", "Line")
OrderStatusChange = get_model("order", "OrderStatusChange")

# Payment states in which nothing has been collected yet: cancelling voids them.
UNCOLLECTED = (Order.PaymentStatus.COD_DUE, Order.PaymentStatus.AWAITING_TRANSFER)
PAID_STATUSES = (Order.PaymentStatus.PAID, Order.PaymentStatus.PARTIALLY_REFUNDED)


class OrderError(Refused):
    """A status change the pipeline or the order's state refuses; shown as it is."""


def order_lines_transition(
    *,
    shop,
    order,
    from_status: str,
    to_status: str,
    actor,
    acting_as: str,
    reason: str = "",
    line_ids=None,
    data: dict | None = None,
) -> int:
    """Move the shop's lines of `order` that are in `from_status` to `to_status`.

    A conditional UPDATE under a lock on the order row: the same tap sent twice finds no
    line left in `from_status` the second time, so the change applies once. Returns the
    number of lines moved; refuses (OrderError) an illegal transition, a missing reason,
    confirming an order whose card payment has not arrived, or nothing to move.
    `line_ids` narrows the move to some lines (one parcel's); `data` joins the audit row.
    """
    lines = Line.objects.filter(order=order, partner=shop)
    if line_ids is not None:
        lines = lines.filter(pk__in=list(line_ids))
    return _transition(
        order=order, lines=lines, shop=shop, from_status=from_status, to_status=to_status,
        actor=actor, acting_as=acting_as, reason=reason, data=data,
    )


def order_transition(*, order, to_status: str, actor, acting_as: str, reason: str = "") -> int:
    """Move every line of `order` that is in the order's own status to `to_status`."""
    return _transition(
        order=order, lines=Line.objects.filter(order=order), shop=order.shop,
        from_status=order.status, to_status=to_status, actor=actor, acting_as=acting_as,
        reason=reason,
    )


def _transition(
    *, order, lines, shop, from_status, to_status, actor, acting_as, reason, data=None
) -> int:
    from_status = normalize_status(from_status)
    if to_status not in OrderStatus.TRANSITIONS.get(from_status, ()):
        raise OrderError(
            _("Không thể chuyển từ “%(from)s” sang “%(to)s”.")
            % {"from": OrderStatus.label(from_status), "to": OrderStatus.label(to_status)}
        )
    reason = (reason or "").strip()
    if to_status in OrderStatus.REASON_REQUIRED and not reason:
        raise OrderError(_("Vui lòng nêu lý do hủy."))
    updates = {"status": to_status}
    if to_status in (OrderStatus.CANCELLED, OrderStatus.DELIVERY_FAILED):
        updates["partner_line_notes"] = reason
    with transaction.atomic():
        # One transition of an order at a time (PostgreSQL; SQLite serialises writes anyway).
        locked = Order.objects.select_for_update().filter(pk=order.pk).first()
        if locked is None:
            raise OrderError(_("Đơn hàng không còn tồn tại."))
        if (
            to_status == OrderStatus.CONFIRMED
            and locked.payment_status == Order.PaymentStatus.AWAITING_CARD
        ):
            raise OrderError(
                _("Người mua chưa thanh toán xong bằng thẻ. Hãy chờ hệ thống xác nhận thanh toán "
                  "rồi mới xác nhận đơn.")
            )
        moving = list(
            lines.filter(status__in=stored_values(from_status))
            .select_related(
                "stockrecord__product__product_class",
                "stockrecord__product__parent__product_class",
            )
            .order_by("stockrecord_id", "pk")
        )
        moved = (
            Line.objects.filter(
                pk__in=[line.pk for line in moving], status__in=stored_values(from_status)
            ).update(**updates)
            if moving else 0
        )
        if not moved:
            raise OrderError(
                _("Không có dòng hàng nào đang ở trạng thái “%(from)s” (có thể đã được cập nhật).")
                % {"from": OrderStatus.label(from_status)}
            )
        data = {"from": from_status, "to": to_status, "lines": moved, **(data or {})}
        data.update(_move_stock(moving, to_status))
        settled = _order_status_settle(locked)
        if settled:
            data["order_status"] = settled
            if settled in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
                # Nothing will be collected for a cancelled or returned COD / transfer order.
                voided = Order.objects.filter(pk=order.pk, payment_status__in=UNCOLLECTED).update(
                    payment_status=Order.PaymentStatus.VOID
                )
                if voided:
                    data["payment_status"] = Order.PaymentStatus.VOID
        audit_record(
            action="order.lines_status_changed", actor=actor, acting_as=acting_as, shop=shop,
            target=order, reason=reason, data=data,
        )
    transaction.on_commit(lambda: notifications.order_status_changed(order))
    return moved


def _move_stock(lines, to_status: str) -> dict:
    """The stock follows the lines: consumed on hand-over, released on cancel, put back when
    a parcel returns to the shop."""
    if to_status == OrderStatus.CANCELLED:
        released = lines_stock_release(lines)
        return {"stock_released": released} if released else {}
    if to_status == OrderStatus.RETURNED:
        restocked = lines_stock_restock(lines)
        return {"stock_restocked": restocked} if restocked else {}
    if to_status == OrderStatus.HANDED_TO_CARRIER:
        consumed, skipped = lines_stock_consume(lines)
        data = {"stock_consumed": consumed} if consumed else {}
        if skipped:
            data["stock_not_consumed"] = skipped
        return data
    return {}


def _order_status_settle(order) -> str | None:
    """Give the order the status its lines say, under the caller's lock on the order row.

    Cancelled lines do not hold the order back while others go on: every other line in one
    status gives the order that status; lines that have all reached an end, some delivered
    and some returned, make the order delivered (what came back is settled by
    `refund_due` and, for COD, by what the carriers collected). Lines still on their way
    in different places keep the order where it is. Oscar's status history records the
    change. Returns the new status, or None when it did not change.
    """
    statuses = {
        normalize_status(value or OrderStatus.PENDING)
        for value in Line.objects.filter(order_id=order.pk).values_list("status", flat=True)
    }
    active = statuses - {OrderStatus.CANCELLED} or statuses
    if len(active) == 1:
        target = next(iter(active))
    elif active <= OrderStatus.FINAL:
        target = OrderStatus.DELIVERED if OrderStatus.DELIVERED in active else OrderStatus.RETURNED
    else:
        return None
    old_status = order.status
    if not Order.objects.filter(pk=order.pk).exclude(status=target).update(status=target):
        return None
    OrderStatusChange.objects.create(order_id=order.pk, old_status=old_status, new_status=target)
    order.status = target
    return target


def refund_due(order) -> int:
    """What the buyer paid for an order that was cancelled or came back, and has not been
    given back (đồng).

    A cancel never refunds by itself: a card refund is a call to Stripe that can fail and a
    COD/transfer refund is money the shop hands back itself; both are one explicit step (with
    the amount shown) on the order page, which the seller is told to take. A card order that
    comes back is refunded automatically (marketplace/order/shipments.py); until that went
    through, this says what is still owed.
    """
    if normalize_status(order.status) in (OrderStatus.CANCELLED, OrderStatus.RETURNED):
        return order.refundable
    # Part of a paid order came back (the rest was delivered): its lines' value is owed.
    returned = sum(
        line.line_price_incl_tax
        for line in Line.objects.filter(order_id=order.pk, status__in=stored_values(OrderStatus.RETURNED))
    )
    if not returned or order.payment_status not in PAID_STATUSES:
        return 0
    kept = to_vnd(order.total_incl_tax) - to_vnd(returned)  # what the buyer keeps and owes
    return max(order.amount_paid - order.amount_refunded - kept, 0)


def order_is_cancelled(order) -> bool:
    return normalize_status(order.status) == OrderStatus.CANCELLED


def purchase_cancel(
    purchase: Purchase, *, reason: str, actor=None, reopen_basket: bool = True
) -> bool:
    """Cancel a purchase nobody has paid for: orders cancelled, stock released.

    Conditional: only a purchase still awaiting payment moves; a second call, or a payment
    that won the race, changes nothing. Returns True when this call cancelled it. The basket
    is reopened so the buyer can try again with the same items.
    """
    with transaction.atomic():
        moved = Purchase.objects.filter(
            pk=purchase.pk, status=Purchase.Status.AWAITING_PAYMENT
        ).update(status=Purchase.Status.CANCELLED, status_reason=reason[:255],
                 cancelled_at=timezone.now())
        if not moved:
            return False
        for order in Order.objects.filter(purchase=purchase):
            lines = list(order.lines.select_related("stockrecord", "product__product_class"))
            lines_stock_release(lines)
            order.lines.update(status=OrderStatus.CANCELLED)
            Order.objects.filter(pk=order.pk).update(
                status=OrderStatus.CANCELLED, payment_status=Order.PaymentStatus.VOID
            )
        if reopen_basket:
            Basket.objects.filter(pk=purchase.basket_id, status=Basket.FROZEN).update(
                status=Basket.OPEN
            )
        audit_record(
            action="purchase.cancelled", actor=actor, acting_as="buyer" if actor else "system",
            target=purchase, reason=reason,
        )
    purchase.refresh_from_db()
    return True


def orders_release_unconfirmed(*, now=None) -> int:
    """Cancel the COD orders whose shop has not acted within ORDER_UNCONFIRMED_RELEASE_HOURS.

    A COD order holds stock while it waits for its shop's confirmation; a shop that never
    answers must not keep it, nor keep the buyer waiting. Each order whose lines are all still
    pending is cancelled through the pipeline (stock released, nothing to collect, audited
    with the reason) and the buyer gets the status mail with that reason. The order is locked
    and checked again first, so a shop confirming at that moment wins and nothing else moves;
    safe to run twice. Returns how many orders were cancelled. 0 hours switches it off.
    """
    hours = settings.ORDER_UNCONFIRMED_RELEASE_HOURS
    if not hours:
        return 0
    cutoff = (now or timezone.now()) - timedelta(hours=hours)
    with override(settings.LANGUAGE_CODE):  # the reason is stored and mailed in Vietnamese
        reason = gettext("Cửa hàng không xác nhận đơn trong %(hours)s giờ") % {"hours": hours}
    acted = Line.objects.filter(order=OuterRef("pk")).exclude(
        status__in=stored_values(OrderStatus.PENDING)
    )
    stale = (
        Order.objects.filter(
            payment_method=PaymentMethod.COD,
            status__in=stored_values(OrderStatus.PENDING),
            date_placed__lt=cutoff,
        )
        .exclude(Exists(acted))
    )
    count = 0
    for order_id in stale.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            order = stale.select_for_update().filter(pk=order_id).first()
            if order is None:  # confirmed or cancelled meanwhile
                continue
            try:
                order_transition(
                    order=order, to_status=OrderStatus.CANCELLED, actor=None,
                    acting_as=AuditEvent.Capacity.SYSTEM, reason=reason,
                )
            except OrderError:
                continue
        count += 1
    return count


def orders_release_unpaid_transfers(*, now=None) -> int:
    """Cancel the orders still awaiting their bank transfer TRANSFER_PAYMENT_HOURS after
    placement (the deadline the payment page shows), while not yet handed to a carrier.

    The stock they hold goes back to the shop, the buyer gets the status mail with the
    reason, and a transfer arriving afterwards is kept for staff (the order no longer
    awaits it). Each order is locked and checked again, so a credit confirming it at that
    moment wins; safe to run twice. Returns how many orders were cancelled. 0 switches it off.
    """
    hours = settings.TRANSFER_PAYMENT_HOURS
    if not hours:
        return 0
    cutoff = (now or timezone.now()) - timedelta(hours=hours)
    with override(settings.LANGUAGE_CODE):  # the reason is stored and mailed in Vietnamese
        reason = gettext("Quá hạn chuyển khoản %(hours)s giờ mà chưa nhận được tiền") % {"hours": hours}
    stale = Order.objects.filter(
        payment_method=PaymentMethod.BANK_TRANSFER,
        payment_status=Order.PaymentStatus.AWAITING_TRANSFER,
        status__in=[*stored_values(OrderStatus.PENDING), OrderStatus.CONFIRMED],
        date_placed__lt=cutoff,
    )
    count = 0
    for order_id in stale.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            order = stale.select_for_update().filter(pk=order_id).first()
            if order is None:  # paid, handed over or cancelled meanwhile
                continue
            try:
                order_transition(
                    order=order, to_status=OrderStatus.CANCELLED, actor=None,
                    acting_as=AuditEvent.Capacity.SYSTEM, reason=reason,
                )
            except OrderError:
                continue
        count += 1
    return count
