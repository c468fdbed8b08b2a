"""Reads of return and complaint cases: for the buyer, the shop, programme staff, and the
order pages that show a case's state (each list in a fixed number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Max, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.complaints.models import Complaint
from marketplace.core.money import to_vnd
from marketplace.order.models import Order, Shipment
from marketplace.order.statuses import OrderStatus

OrderStatusChange = get_model("order", "OrderStatusChange")

Status = Complaint.Status


# --- an order and its case ----------------------------------------------------------------


def order_delivered_at(order: Order) -> datetime | None:
    """When the shop order reached the buyer: its last delivered parcel; for an order
    delivered without a parcel record (before shipments existed), when its status became
    delivered. None while nothing has been delivered."""
    delivered = order.shipments.filter(status=Shipment.Status.DELIVERED).aggregate(
        last=Max("delivered_at")
    )["last"]
    if delivered is not None:
        return delivered
    if order.status != OrderStatus.DELIVERED:
        return None
    change = (
        OrderStatusChange.objects.filter(order=order, new_status=OrderStatus.DELIVERED)
        .order_by("-date_created").first()
    )
    return change.date_created if change is not None else order.date_placed


def complaint_window_closes(order: Order) -> datetime | None:
    """The last moment a case may be opened for `order` (None: not delivered yet)."""
    delivered = order_delivered_at(order)
    if delivered is None:
        return None
    return delivered + timedelta(days=settings.COMPLAINT_WINDOW_DAYS)


def complaint_refund_ceiling(order: Order) -> int:
    """The most the buyer can still get back for the shop order (đồng): what they paid —
    recorded as paid, or for COD still marked due, the order's total the carrier collected at
    the door — less what was refunded and what a case already owes them."""
    if order.payment_status == Order.PaymentStatus.VOID:
        return 0
    # A COD order not marked paid yet: what the buyer hands the carrier, less parcels that
    # came back unpaid.
    returned = order.shipments.filter(status=Shipment.Status.RETURNED).aggregate(s=Sum("cod_amount"))["s"]
    paid = order.amount_paid or max(to_vnd(order.total_incl_tax) - int(returned or 0), 0)
    owed = Complaint.objects.filter(order=order).aggregate(s=Sum("refund_owed"))["s"] or 0
    return max(paid - order.amount_refunded - int(owed), 0)


def order_live_complaint(order: Order) -> Complaint | None:
    """The case still being handled for `order`, if any."""
    return Complaint.objects.filter(order=order).exclude(status=Status.CLOSED).first()


def order_latest_complaint(order: Order) -> Complaint | None:
    """The order's most recent case, live or closed."""
    return Complaint.objects.filter(order=order).order_by("-created_at", "-pk").first()


@dataclass
class ComplaintEntry:
    """What an order page shows about returns: the case (if any), or whether one may be opened
    and until when."""

    complaint: Complaint | None
    can_open: bool
    window_closes: datetime | None


def complaint_entry(order: Order, *, now=None) -> ComplaintEntry:
    now = now or timezone.now()
    complaint = order_latest_complaint(order)
    closes = complaint_window_closes(order)
    can_open = (
        closes is not None and now <= closes and order.shop_id is not None
        and (complaint is None or complaint.status == Status.CLOSED)
    )
    return ComplaintEntry(complaint=complaint, can_open=can_open, window_closes=closes)


# --- the buyer ----------------------------------------------------------------------------


def buyer_order_or_404(*, user, order_number: str) -> Order:
    """The signed-in buyer's own shop order; another person's, or none, is a 404."""
    if not user.is_authenticated:
        raise Http404
    order = (
        Order.objects.select_related("shop", "purchase", "shipping_address")
        .filter(user=user, number=order_number).first()
    )
    if order is None:
        raise Http404
    return order


def purchase_order_or_404(*, purchase, order_number: str) -> Order:
    """A shop order of the purchase the signed link opened; any other is a 404."""
    order = (
        Order.objects.select_related("shop", "purchase", "shipping_address")
        .filter(purchase=purchase, number=order_number).first()
    )
    if order is None:
        raise Http404
    return order


def complaint_thread(complaint: Complaint) -> dict:
    """A case with its photos and steps, as both sides read it."""
    return {
        "complaint": complaint,
        "photos": list(complaint.photos.all()),
        "events": list(complaint.events.select_related("actor")),
    }


# --- the shop -----------------------------------------------------------------------------


def shop_complaints(shop) -> QuerySet:
    """Every case of the shop's orders."""
    return Complaint.objects.filter(shop=shop)


def complaints_open() -> QuerySet:
    """Cases still being handled, of every shop (a seller's tab: `.filter(shop=shop)`; its
    orders: `Order.objects.filter(complaints__in=complaints_open())`)."""
    return Complaint.objects.exclude(status=Status.CLOSED)


def shop_open_complaints_count(shop) -> int:
    """How many of the shop's cases are still being handled (one query)."""
    return complaints_open().filter(shop=shop).count()


def shop_complaint_list(*, shop, status: str = "", active: bool = False) -> QuerySet:
    """The shop's cases, those waiting for its answer first (soonest deadline first).
    `active`: only the cases still being handled — the same rule as `complaints_open()`, so
    the overview's tile and the list it opens count the same cases."""
    items = shop_complaints(shop).select_related("order")
    if active:
        items = items.filter(pk__in=complaints_open().filter(shop=shop).values("pk"))
    if status:
        items = items.filter(status=status)
    return items.annotate(waiting=_waiting_first(Status.OPEN)).order_by(
        "waiting", "shop_answer_due", "-created_at", "-pk"
    )


def shop_complaint_or_404(*, shop, complaint_pk) -> Complaint:
    complaint = (
        shop_complaints(shop).select_related("order", "order__purchase", "user", "shop")
        .filter(pk=complaint_pk).first()
    )
    if complaint is None:
        raise Http404
    return complaint


def shop_complaint_status_counts(shop) -> dict[str, int]:
    return _status_counts(shop_complaints(shop))


# --- programme staff ----------------------------------------------------------------------


def staff_complaint_list(*, status: str = "") -> QuerySet:
    """Every case, those escalated first (the oldest escalation first), then those waiting
    for a shop (soonest deadline first), then the rest, newest first."""
    items = Complaint.objects.select_related("order", "shop")
    if status:
        items = items.filter(status=status)
    rank = Case(
        When(status=Status.ESCALATED, then=Value(0)),
        When(status=Status.OPEN, then=Value(1)),
        When(status=Status.CLOSED, then=Value(3)),
        default=Value(2), output_field=IntegerField(),
    )
    return items.annotate(rank=rank).order_by("rank", "escalated_at", "shop_answer_due", "-created_at", "-pk")


def staff_complaint_status_counts() -> dict[str, int]:
    return _status_counts(Complaint.objects.all())


def staff_complaint_or_404(complaint_pk) -> Complaint:
    complaint = (
        Complaint.objects.select_related("order", "order__purchase", "shop", "user")
        .filter(pk=complaint_pk).first()
    )
    if complaint is None:
        raise Http404
    return complaint


# --- helpers ------------------------------------------------------------------------------


def _waiting_first(status: str) -> Case:
    return Case(When(status=status, then=Value(0)), default=Value(1), output_field=IntegerField())


def _status_counts(items: QuerySet) -> dict[str, int]:
    counts = {}
    for row in items.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts
