"""Parcels of a shop order: handed to a carrier, delivered, failed, tried again, returned.

A shipment is one parcel (marketplace/order/models.py:Shipment): the shop hands some of its
confirmed lines to a carrier from the maintained list (marketplace/order/carriers/) with the
carrier's tracking code; the parcel's lines then follow the parcel through the order
lifecycle (marketplace/order/lifecycle.py), which moves their status and their stock:

    hand over          confirmed → handed to the carrier     (stock leaves the shelf)
    delivered          handed to the carrier → delivered     (by the shop, the buyer, or
                                                              automatically after N days)
    delivery failed    handed to the carrier → delivery failed (with a reason)
    try again          delivery failed → handed to the carrier
    returned           delivery failed → returned           (stock back; COD owed is void)

Each move is a conditional UPDATE of the shipment's status under the order's row lock (the
order first, then the parcel, as everywhere), is written to the audit log and as Oscar's
`ShippingEvent`, and the buyer is told by the lifecycle. A paid order whose every parcel came
back is refunded: by Stripe for a card (after the commit, never under a lock), by the shop
for the rest (the seller's page shows what is owed). docs/decisions/0020-shipments.md.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.core.money import to_vnd
from marketplace.order.carriers import carrier_get
from marketplace.order.lifecycle import OrderError, order_lines_transition, refund_due
from marketplace.order.models import Order, PaymentMethod, Shipment
from marketplace.order.statuses import OrderStatus
from marketplace.payment.refunds import order_refund
from marketplace.payment.services import PaymentError

logger = logging.getLogger(__name__)

Line = get_model("order", "Line")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventType = get_model("order", "ShippingEventType")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")

#: Oscar shipping event types written for each move (created on first use).
EVENT_NAMES = {
    "handed_to_carrier": "Giao cho đơn vị vận chuyển",
    "delivered": "Đã giao",
    "delivery_failed": "Giao không thành công",
    "reattempt": "Giao lại",
    "returned": "Hoàn về cửa hàng",
}


class ShipmentError(Refused):
    """A parcel move the parcel's state or the seller's input does not allow."""


# --- reads that the moves need --------------------------------------------------------------


def shipment_cod_amount(*, order: Order, lines) -> int:
    """The cash the carrier collects for a parcel of `lines` (đồng): nothing unless the order is
    COD and still unpaid; else the lines' value, plus the order's delivery charge on the first
    parcel that is still on its way or delivered (so a split order never collects it twice)."""
    if order.payment_method != PaymentMethod.COD or order.payment_status != Order.PaymentStatus.COD_DUE:
        return 0
    amount = sum(to_vnd(line.line_price_incl_tax) for line in lines)
    charged = order.shipments.exclude(status=Shipment.Status.RETURNED).filter(cod_amount__gt=0)
    if not charged.exists():
        amount += to_vnd(order.shipping_incl_tax)
    return amount


def cod_collected_by_carriers(order: Order) -> int:
    """What the carriers collected for the order's delivered parcels (đồng)."""
    total = order.shipments.filter(status=Shipment.Status.DELIVERED).aggregate(s=Sum("cod_amount"))["s"]
    return int(total or 0)


# --- the moves ------------------------------------------------------------------------------


def shipment_hand_over(
    *,
    shop,
    order: Order,
    carrier: str,
    tracking_code: str = "",
    shipping_fee: int = 0,
    line_ids=None,
    actor,
    acting_as: str,
) -> Shipment:
    """Hand the shop's confirmed lines of `order` (all of them, or `line_ids`) to a carrier.

    Refuses an unknown carrier, a tracking code the carrier cannot have issued or that another
    parcel already has, a negative fee, and lines that are not confirmed (another tap won).
    """
    found = carrier_get(carrier)
    if found is None:
        raise ShipmentError(_("Hãy chọn đơn vị vận chuyển trong danh sách."))
    code = found.clean_tracking_code(tracking_code)
    if isinstance(shipping_fee, bool) or not isinstance(shipping_fee, int) or shipping_fee < 0:
        raise ShipmentError(_("Phí vận chuyển phải là số tiền nguyên, không âm (đồng)."))
    if code and Shipment.objects.filter(shop=shop, carrier=found.code, tracking_code=code).exists():
        raise ShipmentError(
            _("Mã vận đơn %(code)s của %(carrier)s đã được dùng cho một kiện hàng khác của cửa hàng.")
            % {"code": code, "carrier": found.name}
        )
    try:
        with transaction.atomic():
            locked = _lock(order)
            lines = Line.objects.filter(order=locked, partner=shop, status=OrderStatus.CONFIRMED)
            if line_ids is not None:
                lines = lines.filter(pk__in=list(line_ids))
            lines = list(lines.order_by("pk"))
            if not lines:
                raise ShipmentError(
                    _("Không có sản phẩm nào đã xác nhận để giao (có thể vừa được cập nhật).")
                )
            shipment = Shipment.objects.create(
                order=locked, shop=shop, carrier=found.code, tracking_code=code,
                cod_amount=shipment_cod_amount(order=locked, lines=lines),
                shipping_fee=shipping_fee, created_by=_user(actor),
            )
            shipment.lines.set(lines)
            _move(
                shipment, OrderStatus.CONFIRMED, OrderStatus.HANDED_TO_CARRIER, actor=actor,
                acting_as=acting_as, event="handed_to_carrier",
            )
    except IntegrityError as exc:  # the same code typed twice at once: the constraint won
        raise ShipmentError(
            _("Mã vận đơn %(code)s của %(carrier)s đã được dùng cho một kiện hàng khác của cửa hàng.")
            % {"code": code, "carrier": found.name}
        ) from exc
    return shipment


def shipment_delivered(
    *, shipment: Shipment, actor, acting_as: str, by: str = Shipment.ConfirmedBy.SHOP
) -> Shipment:
    """The parcel reached the buyer (confirmed by the shop, the buyer, or after the delay)."""
    with transaction.atomic():
        _lock(shipment.order)
        _claim(
            shipment, Shipment.Status.IN_TRANSIT, status=Shipment.Status.DELIVERED,
            delivered_at=timezone.now(), delivery_confirmed_by=by,
            refused=_("Kiện hàng không còn ở trạng thái đang giao (có thể đã được cập nhật)."),
        )
        _move(
            shipment, OrderStatus.HANDED_TO_CARRIER, OrderStatus.DELIVERED, actor=actor,
            acting_as=acting_as, event="delivered", data={"confirmed_by": by},
        )
    return shipment


def shipment_failed(*, shipment: Shipment, reason: str, note: str = "", actor, acting_as: str) -> Shipment:
    """The carrier could not deliver the parcel (refused at the door, unreachable, …)."""
    if reason not in Shipment.FailureReason.values:
        raise ShipmentError(_("Hãy chọn lý do giao không thành công."))
    note = (note or "").strip()[:500]
    if reason == Shipment.FailureReason.OTHER and not note:
        raise ShipmentError(_("Hãy ghi rõ lý do giao không thành công."))
    label = str(Shipment.FailureReason(reason).label)
    with transaction.atomic():
        _lock(shipment.order)
        _claim(
            shipment, Shipment.Status.IN_TRANSIT, status=Shipment.Status.FAILED,
            failed_at=timezone.now(), failure_reason=reason, failure_note=note,
            refused=_("Chỉ ghi nhận giao không thành công cho kiện hàng đang giao."),
        )
        _move(
            shipment, OrderStatus.HANDED_TO_CARRIER, OrderStatus.DELIVERY_FAILED, actor=actor,
            acting_as=acting_as, event="delivery_failed",
            reason=f"{label}: {note}" if note else label, data={"failure_reason": reason},
        )
    return shipment


def shipment_reattempt(*, shipment: Shipment, actor, acting_as: str) -> Shipment:
    """The carrier tries the failed parcel again."""
    with transaction.atomic():
        _lock(shipment.order)
        _claim(
            shipment, Shipment.Status.FAILED, status=Shipment.Status.IN_TRANSIT,
            attempts=shipment.attempts + 1,
            refused=_("Chỉ giao lại được kiện hàng vừa giao không thành công."),
        )
        _move(
            shipment, OrderStatus.DELIVERY_FAILED, OrderStatus.HANDED_TO_CARRIER, actor=actor,
            acting_as=acting_as, event="reattempt",
        )
    return shipment


def shipment_returned(*, shipment: Shipment, actor, acting_as: str) -> Shipment:
    """The failed parcel is back at the shop: its goods go back in stock, COD owed is void,
    and a paid order that is wholly back is refunded (card) or shown as owed (the rest)."""
    with transaction.atomic():
        order = _lock(shipment.order)
        _claim(
            shipment, Shipment.Status.FAILED, status=Shipment.Status.RETURNED,
            returned_at=timezone.now(),
            refused=_("Chỉ nhận hàng hoàn cho kiện hàng đã giao không thành công."),
        )
        _move(
            shipment, OrderStatus.DELIVERY_FAILED, OrderStatus.RETURNED, actor=actor,
            acting_as=acting_as, event="returned", data={"cod_amount": shipment.cod_amount},
        )
        order.refresh_from_db()
        owed = refund_due(order)
        if owed:
            audit_record(
                action="order.refund_due", actor=actor, acting_as=acting_as, shop=order.shop,
                target=order, data={"amount": owed, "cause": "returned", "shipment": shipment.pk},
            )
    if owed and order.payment_method == PaymentMethod.CARD:
        transaction.on_commit(lambda: _refund_card(order.pk, owed))
    return shipment


def order_received_by_buyer(*, order: Order, actor) -> int:
    """The buyer taps "Đã nhận hàng": every parcel of the order still on its way is delivered.

    Returns how many parcels this call marked; refuses when none was on its way.
    """
    moved = 0
    for shipment in order.shipments.filter(status=Shipment.Status.IN_TRANSIT).order_by("pk"):
        try:
            shipment_delivered(
                shipment=shipment, actor=actor, acting_as=AuditEvent.Capacity.BUYER,
                by=Shipment.ConfirmedBy.BUYER,
            )
        except (ShipmentError, OrderError):
            continue  # the shop (or a second tap) confirmed it a moment ago
        moved += 1
    if not moved:
        raise ShipmentError(_("Đơn không có kiện hàng nào đang trên đường giao."))
    return moved


def shipments_auto_deliver(*, now=None) -> int:
    """Parcels on their way for longer than ORDER_AUTO_DELIVERED_DAYS are taken as delivered.

    Safe to run twice or at once from two machines: each parcel moves by a conditional update.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ORDER_AUTO_DELIVERED_DAYS)
    count = 0
    stale = Shipment.objects.filter(status=Shipment.Status.IN_TRANSIT, handed_at__lt=cutoff)
    for shipment in stale.select_related("order").order_by("pk"):
        try:
            shipment_delivered(
                shipment=shipment, actor=None, acting_as=AuditEvent.Capacity.SYSTEM,
                by=Shipment.ConfirmedBy.AUTOMATIC,
            )
        except (ShipmentError, OrderError):
            continue
        count += 1
    return count


# --- helpers --------------------------------------------------------------------------------


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(order: Order) -> Order:
    locked = Order.objects.select_for_update().filter(pk=order.pk).first()
    if locked is None:
        raise ShipmentError(_("Đơn hàng không còn tồn tại."))
    return locked


def _claim(shipment: Shipment, expected: str, *, refused: str, **changes) -> None:
    """Move the shipment out of `expected` (a conditional UPDATE), or refuse."""
    if not Shipment.objects.filter(pk=shipment.pk, status=expected).update(**changes):
        raise ShipmentError(refused)
    for name, value in changes.items():
        setattr(shipment, name, value)


def _move(shipment: Shipment, from_status: str, to_status: str, *, actor, acting_as: str,
          event: str, reason: str = "", data: dict | None = None) -> None:
    """The parcel's lines follow it through the lifecycle; Oscar's shipping event records it."""
    line_ids = list(shipment.lines.values_list("pk", flat=True))
    order_lines_transition(
        shop=shipment.shop, order=shipment.order, from_status=from_status, to_status=to_status,
        actor=actor, acting_as=acting_as, reason=reason, line_ids=line_ids,
        data={
            "shipment": shipment.pk, "carrier": shipment.carrier,
            "tracking_code": shipment.tracking_code, **(data or {}),
        },
    )
    event_type, _created = ShippingEventType.objects.get_or_create(
        code=event, defaults={"name": EVENT_NAMES[event]}
    )
    shipping_event = ShippingEvent.objects.create(
        order=shipment.order, event_type=event_type,
        notes=" ".join(part for part in (shipment.carrier, shipment.tracking_code, reason) if part),
    )
    ShippingEventQuantity.objects.bulk_create([
        ShippingEventQuantity(event=shipping_event, line=line, quantity=line.quantity)
        for line in shipment.lines.all()
    ])


def _refund_card(order_pk: int, amount: int) -> None:
    """Refund a card order that came back, outside any lock; a failure leaves it owed."""
    order = Order.objects.get(pk=order_pk)
    try:
        order_refund(
            order, amount=amount, actor=None, acting_as=AuditEvent.Capacity.SYSTEM,
            reason=_("Hàng hoàn về cửa hàng"),
        )
    except PaymentError:
        logger.warning("order %s came back; its card refund of %s đ is still owed", order.number, amount)
