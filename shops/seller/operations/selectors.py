"""Reads of the seller workspace's operations side. Every queryset starts from the shop.

A shop sees only its own lines of an order (`Line.partner == shop`), the delivery details
it needs (recipient, phone, address, note), the payment of its own order (since checkout
every order is one shop's order, `Order.shop`) and never the buyer's e-mail or other shops'
lines and totals (older orders may still mix shops: their payment is not shown).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue.models import OcopCertificate
from marketplace.core.models import AuditEvent
from marketplace.core.money import to_vnd
from marketplace.order.carriers import carrier_get
from marketplace.order.lifecycle import refund_due
from marketplace.order.models import Shipment
from marketplace.order.statuses import OrderStatus, normalize_status, stored_values
from marketplace.payment.services import cod_collection_refusal
from shops.models import Partner, ShippingOption, ShopMember, StockRecord

Order = get_model("order", "Order")
Line = get_model("order", "Line")

LOW_STOCK_THRESHOLD = 5
OVERVIEW_DAYS = 30
TOP_PRODUCTS = 5


def shop_lines(*, shop: Partner) -> QuerySet:
    return Line.objects.filter(partner=shop)


def _shop_lines_prefetch(shop: Partner) -> Prefetch:
    return Prefetch(
        "lines", queryset=shop_lines(shop=shop).order_by("pk"), to_attr="shop_lines"
    )


def order_for_shop_or_404(*, shop: Partner, order_number: str):
    """The order with this number if it holds lines of the shop; its `shop_lines` only."""
    order = (
        Order.objects.filter(
            Exists(shop_lines(shop=shop).filter(order=OuterRef("pk"))), number=order_number
        )
        .select_related("shipping_address", "shipping_address__country")
        .prefetch_related(_shop_lines_prefetch(shop))
        .first()
    )
    if order is None:
        raise Http404("No such order for this shop")
    return order


def shop_order_or_404(*, shop: Partner, order_number: str):
    """The order if it is wholly the shop's (`Order.shop`): money moves per whole order."""
    order = order_for_shop_or_404(shop=shop, order_number=order_number)
    if order.shop_id != shop.pk:
        raise Http404("Not one of this shop's own orders")
    return order


def order_payment(*, shop: Partner, order) -> dict | None:
    """The payment of one of the shop's own orders, for its order page; None for older
    orders that mix shops (their money is not one shop's)."""
    if order.shop_id != shop.pk or not order.payment_method:
        return None
    PaymentStatus = Order.PaymentStatus
    waiting = {"cod": PaymentStatus.COD_DUE, "bank_transfer": PaymentStatus.AWAITING_TRANSFER}
    return {
        "method": order.get_payment_method_display(),
        "method_code": order.payment_method,
        "status": order.get_payment_status_display(),
        "status_code": order.payment_status,
        "total": to_vnd(order.total_incl_tax),
        "amount_paid": order.amount_paid,
        "amount_refunded": order.amount_refunded,
        "refundable": order.refundable,
        "can_mark_paid": (
            waiting.get(order.payment_method) == order.payment_status
            and normalize_status(order.status) not in (OrderStatus.CANCELLED, OrderStatus.RETURNED)
            and cod_collection_refusal(order) is None
        ),
        # COD still owed on an order not delivered yet: the page says when it can be recorded.
        "cod_awaits_delivery": (
            order.payment_status == PaymentStatus.COD_DUE and cod_collection_refusal(order) is not None
            and normalize_status(order.status) not in (OrderStatus.CANCELLED, OrderStatus.RETURNED)
        ),
        "awaiting_card": order.payment_status == PaymentStatus.AWAITING_CARD,
        "refund_due": refund_due(order),
        # The whole order, or part of it, came back to the shop (the notice's wording).
        "returned": normalize_status(order.status) == OrderStatus.RETURNED
        or order.lines.filter(status__in=stored_values(OrderStatus.RETURNED)).exists(),
    }


def order_shop_status_groups(*, order) -> list[dict]:
    """The shop's lines grouped by status, with the transitions allowed from each status."""
    groups: dict[str, dict] = {}
    for line in order.shop_lines:
        status = line.status or OrderStatus.PENDING
        group = groups.setdefault(status, {
            "status": status,
            "label": OrderStatus.label(status),
            "lines": [],
            # Parcel moves (hand-over, outcomes) have their own forms: see order_shipments.
            "actions": [
                {"to": to, "label": OrderStatus.ACTIONS[to],
                 "needs_reason": to in OrderStatus.REASON_REQUIRED}
                for to in OrderStatus.TRANSITIONS.get(status, ())
                if to not in OrderStatus.SHIPMENT_MOVES
            ],
        })
        group["lines"].append(line)
    return list(groups.values())


def order_shipments(*, shop: Partner, order) -> list[Shipment]:
    """The shop's parcels of the order, oldest first, each with `carrier_name`,
    `tracking_url` and `line_list` (two queries whatever the number of parcels)."""
    shipments = list(
        Shipment.objects.filter(order=order, shop=shop)
        .prefetch_related(Prefetch("lines", queryset=Line.objects.order_by("pk"), to_attr="line_list"))
        .order_by("handed_at", "pk")
    )
    for shipment in shipments:
        carrier = carrier_get(shipment.carrier)
        shipment.carrier_name = carrier.name if carrier else shipment.carrier
        shipment.tracking_url = carrier.tracking_link(shipment.tracking_code) if carrier else ""
    return shipments


def shop_order_confirmed_lines(*, order) -> list:
    """The shop's lines of the order ready to be handed to a carrier."""
    return [line for line in order.shop_lines if line.status == OrderStatus.CONFIRMED]


def shop_order_subtotal(*, order) -> int:
    return sum(to_vnd(line.line_price_incl_tax) for line in order.shop_lines)


def shop_order_discounts(*, order) -> list[dict]:
    """The vouchers that took money off the order: code, amount in đồng, and whether the shop
    pays for it (its own voucher) or the programme does (ADR shop-vouchers)."""
    OrderDiscount = get_model("order", "OrderDiscount")
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    rows = list(OrderDiscount.objects.filter(order_id=order.pk).order_by("pk"))
    shop_paid = set(ConditionalOffer.objects.filter(
        pk__in=[row.offer_id for row in rows if row.offer_id], shop__isnull=False,
    ).values_list("pk", flat=True)) if rows else set()
    return [{"code": row.voucher_code or row.offer_name, "amount": to_vnd(row.amount),
             "shop_paid": row.offer_id in shop_paid} for row in rows]


def order_status_events(*, shop: Partner, order) -> QuerySet:
    return (
        AuditEvent.objects.filter(
            shop=shop, object_type=Order._meta.label_lower, object_id=str(order.pk)
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def overview_summary(*, shop: Partner, now: datetime.datetime | None = None) -> dict:
    """Sales of the last 30 days, low stock (`low_stock_records`, lowest first, 20 at most) and
    pending certificates — aggregates only."""
    since = (now or timezone.now()) - datetime.timedelta(days=OVERVIEW_DAYS)
    sold = shop_lines(shop=shop).filter(order__date_placed__gte=since).exclude(
        status=OrderStatus.CANCELLED
    )
    totals = sold.aggregate(
        orders=Count("order", distinct=True),
        revenue=Coalesce(
            Sum("line_price_incl_tax"), Value(Decimal(0)),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        ),
    )
    top_products = list(
        sold.filter(product__isnull=False)
        .values("product_id")
        .annotate(title=Max("title"), quantity=Sum("quantity"))
        .order_by("-quantity", "product_id")[:TOP_PRODUCTS]
    )
    low_stock = list(low_stock_records(shop=shop).select_related("product").order_by("net", "pk")[:20])
    pending_certificates = OcopCertificate.objects.filter(
        product__shop=shop, status=OcopCertificate.Status.PENDING
    ).count()
    return {
        "since": since,
        "days": OVERVIEW_DAYS,
        "orders": totals["orders"],
        "revenue": to_vnd(totals["revenue"].to_integral_value()),
        "top_products": top_products,
        "low_stock": low_stock,
        "low_stock_threshold": LOW_STOCK_THRESHOLD,
        "pending_certificates": pending_certificates,
    }


def low_stock_records(*, shop: Partner) -> QuerySet:
    """The shop's stock records (that count stock) whose available units (`net`: in stock minus
    allocated) are at or below their low-stock threshold, or LOW_STOCK_THRESHOLD without one —
    the figures page's stock alerts (shops/seller/figures/selectors.py) count the same."""
    return (
        StockRecord.objects.filter(partner=shop, num_in_stock__isnull=False)
        .annotate(
            net=F("num_in_stock") - Coalesce("num_allocated", Value(0), output_field=IntegerField()),
            threshold=Coalesce(
                "low_stock_threshold", Value(LOW_STOCK_THRESHOLD), output_field=IntegerField()
            ),
        )
        .filter(net__lte=F("threshold"))
    )


def low_stock_count(*, shop: Partner) -> int:
    return low_stock_records(shop=shop).count()


def shipping_options_for_shop(*, shop: Partner) -> QuerySet:
    return ShippingOption.objects.filter(shop=shop).order_by("position", "pk")


def certificates_for_shop(*, shop: Partner) -> QuerySet:
    return (
        OcopCertificate.objects.filter(product__shop=shop)
        .select_related("product")
        .order_by("-created_at", "-pk")
    )


def members_for_shop(*, shop: Partner) -> QuerySet:
    return (
        ShopMember.objects.active().filter(shop=shop)
        .select_related("user", "granted_by")
        .order_by("created_at", "pk")
    )


def history_for_shop(*, shop: Partner) -> QuerySet:
    return AuditEvent.objects.filter(shop=shop).select_related("actor").order_by("-created_at", "-pk")
