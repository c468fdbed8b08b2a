"""Writes of the seller workspace's operations side: order lines.

(Shipping options are in shops/shipping.py, the bank account in shops/services.py,
members in shops/membership.py, OCOP certificate submissions in catalogue/certificates.py.)

A shop's part of an order is the order's lines whose `partner` is the shop (since the
checkout every order is one shop's order; older orders may still mix shops). Every write records
an audit event with the actor and the capacity (owner/staff/helper) they acted in.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from marketplace.core.audit import audit_record
from shops.models import Partner

Line = get_model("order", "Line")
Order = get_model("order", "Order")
OrderStatusChange = get_model("order", "OrderStatusChange")

AWAITING_CARD = Order.PaymentStatus.AWAITING_CARD
COD_DUE = Order.PaymentStatus.COD_DUE
AWAITING_TRANSFER = Order.PaymentStatus.AWAITING_TRANSFER
VOID = Order.PaymentStatus.VOID


class OperationError(ValueError):
    """A refused operation; the message is shown to the seller as it is."""


class LineStatus:
    """The pipeline of a shop's order lines, stored in Oscar's `Line.status`.

    The order's own `status` follows once every line of it shares a status.
    """

    PENDING = "pending"
    CONFIRMED = "confirmed"
    HANDED_TO_CARRIER = "handed_to_carrier"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    LABELS = {
        PENDING: _("Chờ xác nhận"),
        CONFIRMED: _("Đã xác nhận"),
        HANDED_TO_CARRIER: _("Đã giao cho đơn vị vận chuyển"),
        DELIVERED: _("Đã giao"),
        CANCELLED: _("Đã hủy"),
    }
    # Labels of the buttons that move a line INTO the status.
    ACTIONS = {
        CONFIRMED: _("Xác nhận đơn"),
        HANDED_TO_CARRIER: _("Đã giao cho đơn vị vận chuyển"),
        DELIVERED: _("Đã giao cho người mua"),
        CANCELLED: _("Hủy phần đơn của cửa hàng"),
    }
    TRANSITIONS = {
        PENDING: (CONFIRMED, CANCELLED),
        CONFIRMED: (HANDED_TO_CARRIER, CANCELLED),
        HANDED_TO_CARRIER: (DELIVERED,),
        DELIVERED: (),
        CANCELLED: (),
    }
    REASON_REQUIRED = frozenset({CANCELLED})

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return list(cls.LABELS.items())

    @classmethod
    def label(cls, value: str) -> str:
        return cls.LABELS.get(normalize_status(value), value)


def normalize_status(value: str) -> str:
    # Lines placed before the pipeline existed (or by Oscar's default OrderCreator, whose
    # initial line status is blank) are waiting for the shop's confirmation.
    return value or LineStatus.PENDING


def stored_values(status: str) -> list[str]:
    """The values of `Line.status` that mean `status` (blank also means pending)."""
    return [LineStatus.PENDING, ""] if status == LineStatus.PENDING else [status]


def order_lines_transition(
    *,
    shop: Partner,
    order,
    from_status: str,
    to_status: str,
    actor,
    acting_as: str,
    reason: str = "",
) -> int:
    """Move the shop's lines of `order` that are in `from_status` to `to_status`.

    A conditional UPDATE under a lock on the order row: the same tap sent twice finds no
    line left in `from_status` the second time, so the change applies once. Returns the
    number of lines moved; refuses (OperationError) an illegal transition, a missing
    reason, confirming an order whose card payment has not arrived, or nothing to move.

    Stock follows the lines: handing them to the carrier consumes their allocation (the
    goods leave the shelf), cancelling releases it. The order's own status follows when
    every line of the order shares the new status. Money is never moved here: cancelling
    a paid order leaves its refund to an explicit step (see `cancel_needs_refund`).
    """
    from_status = normalize_status(from_status)
    if to_status not in LineStatus.TRANSITIONS.get(from_status, ()):
        raise OperationError(
            _("Không thể chuyển từ “%(from)s” sang “%(to)s”.")
            % {"from": LineStatus.label(from_status), "to": LineStatus.label(to_status)}
        )
    reason = (reason or "").strip()
    if to_status in LineStatus.REASON_REQUIRED and not reason:
        raise OperationError(_("Vui lòng nêu lý do hủy."))
    updates = {"status": to_status}
    if to_status == LineStatus.CANCELLED:
        updates["partner_line_notes"] = reason
    with transaction.atomic():
        # One transition of an order at a time (PostgreSQL; SQLite serialises writes anyway).
        locked = Order.objects.select_for_update().filter(pk=order.pk).first()
        if locked is None:
            raise OperationError(_("Đơn hàng không còn tồn tại."))
        if to_status == LineStatus.CONFIRMED and locked.payment_status == AWAITING_CARD:
            raise OperationError(
                _("Người mua chưa thanh toán xong bằng thẻ. Hãy chờ hệ thống xác nhận thanh toán "
                  "rồi mới xác nhận đơn.")
            )
        lines = list(
            Line.objects.filter(order=order, partner=shop, status__in=stored_values(from_status))
            .select_related(
                "stockrecord__product__product_class",
                "stockrecord__product__parent__product_class",
            )
            .order_by("stockrecord_id", "pk")
        )
        moved = (
            Line.objects.filter(pk__in=[line.pk for line in lines], status__in=stored_values(from_status))
            .update(**updates)
            if lines else 0
        )
        if not moved:
            raise OperationError(
                _("Không có dòng hàng nào đang ở trạng thái “%(from)s” (có thể đã được cập nhật).")
                % {"from": LineStatus.label(from_status)}
            )
        data = {"from": from_status, "to": to_status, "lines": moved}
        data.update(_move_stock(lines, to_status))
        if _order_status_follow(locked, to_status):
            data["order_status"] = to_status
            if to_status == LineStatus.CANCELLED:
                # Nothing will be collected for a cancelled COD / transfer order.
                voided = Order.objects.filter(
                    pk=order.pk, payment_status__in=(COD_DUE, AWAITING_TRANSFER)
                ).update(payment_status=VOID)
                if voided:
                    data["payment_status"] = VOID
        audit_record(
            action="order.lines_status_changed", actor=actor, acting_as=acting_as, shop=shop,
            target=order, reason=reason, data=data,
        )
    transaction.on_commit(lambda: _notify_status_changed(order))
    return moved


def _move_stock(lines, to_status: str) -> dict:
    """Consume (handed to the carrier) or release (cancelled) the stock the lines hold."""
    if to_status not in (LineStatus.HANDED_TO_CARRIER, LineStatus.CANCELLED):
        return {}
    touched, skipped = [], []
    for line in lines:
        quantity = line.num_allocated or 0
        record = line.stockrecord
        if record is None or not quantity or line.allocation_cancelled:
            continue
        if to_status == LineStatus.CANCELLED:
            record.cancel_allocation(quantity)
            touched.append(line.pk)
            continue
        record.refresh_from_db(fields=["num_in_stock", "num_allocated"])
        if record.can_track_allocations and not record.is_allocation_consumption_possible(quantity):
            # The record no longer holds this allocation (stock corrected by hand since the
            # order was placed): the hand-over goes on; the seller fixes the count.
            skipped.append(line.pk)
            continue
        record.consume_allocation(quantity)
        touched.append(line.pk)
    ids = [line.pk for line in lines]
    if to_status == LineStatus.CANCELLED:
        Line.objects.filter(pk__in=ids, num_allocated__gt=0).update(
            num_allocated=0, allocation_cancelled=True
        )
        return {"stock_released": touched} if touched else {}
    Line.objects.filter(pk__in=ids).update(num_allocated=0)
    data = {"stock_consumed": touched} if touched else {}
    if skipped:
        data["stock_not_consumed"] = skipped
    return data


def _order_status_follow(order, to_status: str) -> bool:
    """Set the order's status to `to_status` when every line of it has that status now.

    Conditional: a line of the order in any other status (blank counts as pending) keeps
    the order where it is. Oscar's status history records the change.
    """
    others = Line.objects.filter(order=OuterRef("pk")).exclude(status__in=stored_values(to_status))
    old_status = order.status
    changed = (
        Order.objects.filter(pk=order.pk).exclude(status=to_status).exclude(Exists(others))
        .update(status=to_status)
    )
    if changed:
        OrderStatusChange.objects.create(order_id=order.pk, old_status=old_status, new_status=to_status)
        order.status = to_status
    return bool(changed)


def _notify_status_changed(order) -> None:
    from marketplace.order import notifications

    notifications.order_status_changed(order)  # reloads the order itself; never raises


def cancel_needs_refund(order) -> int:
    """What the buyer paid for a cancelled order and has not been given back (đồng).

    Refunds are never automatic on cancel: a card refund is a call to Stripe that can fail
    and a COD/transfer refund is money the shop hands back itself; both are one explicit
    step (with the amount shown) on the order page, which the seller is told to take.
    """
    if normalize_status(order.status) != LineStatus.CANCELLED:
        return 0
    return order.refundable
