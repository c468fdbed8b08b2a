"""Where a buyer's shop order is: its parcels and its timeline, in plain Vietnamese.

Read from what is already recorded — the audit rows the lifecycle and the shipment services
write, the parcels (`Shipment`) and the payment record — in a fixed number of queries for
any number of orders (`orders_tracking`). Used by the buyer's order page, the signed purchase
page and the hand-over e-mail. docs/decisions/0023-buyer-order-tracking.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.core.money import format_vnd
from marketplace.order.carriers import PICKUP, SELF, carrier_get
from marketplace.order.models import Order, PaymentMethod, Shipment
from marketplace.order.statuses import OrderStatus

Line = get_model("order", "Line")

#: Buyers read dates on the province's clock, whatever the server's.
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Parcel:
    """One parcel of a shop order as the buyer sees it."""

    shipment: Shipment
    number: int  # 1, 2, … in the order they were handed over
    carrier_name: str
    tracking_code: str
    tracking_url: str  # the carrier's public tracking page ("" for the shop's own delivery)
    lines: list

    @property
    def status(self) -> str:
        return self.shipment.status

    @property
    def status_label(self) -> str:
        return str(self.shipment.get_status_display())

    @property
    def in_transit(self) -> bool:
        return self.shipment.status == Shipment.Status.IN_TRANSIT

    @property
    def cod_to_prepare(self) -> int:
        """The cash the buyer hands the carrier (đồng) while the parcel may still reach them."""
        if self.shipment.status in (Shipment.Status.IN_TRANSIT, Shipment.Status.FAILED):
            return self.shipment.cod_amount
        return 0


@dataclass(frozen=True)
class TimelineStep:
    """One step of a shop order's life, in plain Vietnamese, at its local time."""

    kind: str  # placed, paid, confirmed, handed_over, failed, reattempt, returned,
    #            delivered, received, cancelled, refunded
    title: str
    at: datetime  # Asia/Ho_Chi_Minh
    detail: str = ""
    parcel: int | None = None  # the parcel's number when the step is about one
    carrier_name: str = ""
    tracking_code: str = ""
    tracking_url: str = ""


@dataclass
class OrderTracking:
    """A shop order's parcels and timeline (oldest step first)."""

    order: Order
    steps: list[TimelineStep]
    parcels: list[Parcel]

    @property
    def steps_newest_first(self) -> list[TimelineStep]:
        return self.steps[::-1]

    @property
    def several_parcels(self) -> bool:
        return len(self.parcels) > 1

    @property
    def in_transit(self) -> bool:
        """A parcel is on its way: the buyer may say "Đã nhận hàng"."""
        return any(parcel.in_transit for parcel in self.parcels)

    @property
    def delivered(self) -> bool:
        return any(parcel.status == Shipment.Status.DELIVERED for parcel in self.parcels)

    @property
    def cod_to_prepare(self) -> int:
        return sum(parcel.cod_to_prepare for parcel in self.parcels)


def order_timeline(order: Order) -> list[TimelineStep]:
    """The steps of a shop order's life, oldest first, in plain Vietnamese with local dates:

    Đặt hàng → Đã thanh toán (card, transfer) → Cửa hàng đã xác nhận → Đã giao cho <carrier>
    (tracking code, link) → Giao không thành công: <reason> → Giao lại → Đã hoàn về cửa hàng →
    Đã giao / Đã nhận hàng; a cancellation with its reason; a refund.

    Read from what is recorded, nothing kept twice: the order's placing and payment times, the
    audit rows every status move writes (marketplace/order/lifecycle.py — with the parcel's
    carrier and code), the parcels, and the purchase's cancellation. Four queries at most,
    whatever the number of lines and parcels.
    """
    return orders_tracking([order])[order.pk].steps


def orders_tracking(orders) -> dict[int, OrderTracking]:
    """The parcels and timeline of each of `orders` (one purchase's, say), by order id.

    Three queries for any number of orders, lines and parcels (shipments, their lines, the
    audit rows), plus one per order whose purchase was cancelled before any shop acted and is
    not loaded yet.
    """
    orders = list(orders)
    if not orders:
        return {}
    shipments = (
        Shipment.objects.filter(order__in=orders)
        .prefetch_related(Prefetch("lines", queryset=Line.objects.order_by("pk"), to_attr="line_list"))
        .order_by("handed_at", "pk")
    )
    parcels: dict[int, list[Parcel]] = {order.pk: [] for order in orders}
    for shipment in shipments:
        carrier = carrier_get(shipment.carrier)
        found = parcels[shipment.order_id]
        found.append(Parcel(
            shipment=shipment, number=len(found) + 1,
            carrier_name=str(carrier.name) if carrier else shipment.carrier,
            tracking_code=shipment.tracking_code,
            tracking_url=carrier.tracking_link(shipment.tracking_code) if carrier else "",
            lines=shipment.line_list,
        ))
    events: dict[str, list[AuditEvent]] = {str(order.pk): [] for order in orders}
    for event in _order_events(orders):
        events[event.object_id].append(event)
    return {
        order.pk: OrderTracking(
            order=order,
            steps=_steps(order, events[str(order.pk)], parcels[order.pk]),
            parcels=parcels[order.pk],
        )
        for order in orders
    }


def _order_events(orders: list[Order]):
    """The audit rows of the orders' status moves and refunds, oldest first (one query; by
    shop, the audit log's index)."""
    shops = {order.shop_id for order in orders}
    by_shop = Q(shop_id__in=[pk for pk in shops if pk is not None])
    if None in shops:
        by_shop |= Q(shop__isnull=True)
    return (
        AuditEvent.objects.filter(
            by_shop, object_type=Order._meta.label_lower,
            object_id__in=[str(order.pk) for order in orders],
            action__in=("order.lines_status_changed", "order.refunded"),
        )
        .only("created_at", "action", "object_id", "reason", "data")
        .order_by("created_at", "pk")
    )


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment, LOCAL_TIME)


def _steps(order: Order, events: list[AuditEvent], parcels: list[Parcel]) -> list[TimelineStep]:
    steps = [TimelineStep(kind="placed", title=_("Đặt hàng"), at=_local(order.date_placed))]
    paid_in_advance = order.payment_method in (PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER)
    if paid_in_advance and order.paid_at:
        steps.append(TimelineStep(
            kind="paid", title=_("Đã thanh toán"), at=_local(order.paid_at),
            detail=str(order.get_payment_method_display()),
        ))
    by_shipment = {parcel.shipment.pk: parcel for parcel in parcels}
    confirmed = cancelled = False
    for event in events:
        data = event.data or {}
        at = _local(event.created_at)
        if event.action == "order.refunded":
            steps.append(TimelineStep(
                kind="refunded", at=at,
                title=_("Đã hoàn tiền %(amount)s") % {"amount": format_vnd(data.get("amount") or 0)},
                detail=event.reason,
            ))
            continue
        to = data.get("to")
        if to == OrderStatus.CONFIRMED:
            if not confirmed:  # a shop confirming its lines in two goes: one step
                steps.append(TimelineStep(kind="confirmed", title=_("Cửa hàng đã xác nhận đơn"), at=at))
            confirmed = True
        elif to == OrderStatus.CANCELLED:
            cancelled = True
            whole = data.get("order_status") == OrderStatus.CANCELLED
            steps.append(TimelineStep(
                kind="cancelled", at=at,
                title=_("Đơn đã hủy") if whole else _("Cửa hàng đã hủy một phần đơn"),
                detail=_("Lý do: %(reason)s") % {"reason": event.reason} if event.reason else "",
            ))
        elif to in OrderStatus.SHIPMENT_MOVES:
            step = _parcel_step(data, event.reason, at, by_shipment.get(data.get("shipment")))
            if step is not None:
                steps.append(step)
    if order.is_cancelled and not cancelled:
        steps.append(_purchase_cancelled(order))
    return steps


def _parcel_step(data: dict, reason: str, at: datetime, parcel: Parcel | None) -> TimelineStep | None:
    """A parcel's move, told from the audit row (which carries its carrier and code)."""
    carrier = carrier_get(data.get("carrier", ""))
    code = data.get("tracking_code", "")
    where = {
        "parcel": parcel.number if parcel else None,
        "carrier_name": str(carrier.name) if carrier else data.get("carrier", ""),
    }
    to, came_from = data.get("to"), data.get("from")
    if to == OrderStatus.HANDED_TO_CARRIER:
        where.update(tracking_code=code, tracking_url=carrier.tracking_link(code) if carrier else "")
        if came_from == OrderStatus.DELIVERY_FAILED:
            return TimelineStep(kind="reattempt", title=_("Giao lại"), at=at, **where)
        if carrier is not None and carrier.code == SELF:
            title = _("Cửa hàng đang tự giao hàng đến bạn")
        elif carrier is not None and carrier.code == PICKUP:
            title = _("Hàng đã sẵn sàng để nhận tại cửa hàng")
        else:
            title = _("Đã giao cho %(carrier)s") % {"carrier": where["carrier_name"]}
        return TimelineStep(kind="handed_over", title=title, at=at, **where)
    if to == OrderStatus.DELIVERY_FAILED:
        return TimelineStep(
            kind="failed", at=at,
            title=_("Giao không thành công: %(reason)s") % {"reason": _failure_reason(data, reason)},
            **where,
        )
    if to == OrderStatus.RETURNED:
        return TimelineStep(kind="returned", title=_("Đã hoàn về cửa hàng"), at=at, **where)
    if to == OrderStatus.DELIVERED:
        by = data.get("confirmed_by")
        if by == Shipment.ConfirmedBy.BUYER:
            return TimelineStep(
                kind="received", title=_("Đã nhận hàng"), at=at,
                detail=_("Bạn đã xác nhận nhận được hàng."), **where,
            )
        detail = (
            _("Tự động xác nhận sau thời hạn giao hàng.") if by == Shipment.ConfirmedBy.AUTOMATIC
            else _("Cửa hàng xác nhận đã giao.")
        )
        return TimelineStep(kind="delivered", title=_("Đã giao"), at=at, detail=detail, **where)
    return None


def _failure_reason(data: dict, reason: str) -> str:
    """The reason in the reader's language (from its code), with the shop's note if any.

    The audit row keeps "<label>: <note>" as the shop wrote it; the code is in its data."""
    code = data.get("failure_reason", "")
    if code not in Shipment.FailureReason.values:
        return reason
    label = str(Shipment.FailureReason(code).label)
    _label, colon, note = reason.partition(": ")
    if code == Shipment.FailureReason.OTHER and colon and note:
        return note
    return f"{label} ({note})" if colon and note else label


def _purchase_cancelled(order: Order) -> TimelineStep:
    """A purchase called off before any shop acted (card payment abandoned, not paid in
    time): marketplace/order/lifecycle.py:purchase_cancel keeps the time and reason on it."""
    purchase = order.purchase if order.purchase_id else None
    at = purchase.cancelled_at if purchase is not None and purchase.cancelled_at else order.date_placed
    reason = purchase.status_reason if purchase is not None else ""
    return TimelineStep(
        kind="cancelled", title=_("Đơn đã hủy"), at=_local(at),
        detail=_("Lý do: %(reason)s") % {"reason": reason} if reason else "",
    )
