"""A shop's own figures for a date range: every figure is one aggregate query.

What counts (the page's help text says the same to the seller):
- Orders are the shop's own orders (`Order.shop`, one per shop and checkout, see
  docs/decisions/0009-purchases.md) placed in the period (local dates, both included).
- Revenue leaves out cancelled orders and is net of refunds: order total (goods plus the
  shop's delivery fee) minus what was refunded. "Collected" is what the shop has been paid
  minus refunds; "to collect" is the rest (COD not yet paid, transfers or card payments
  not yet arrived). A cancelled order's money is never revenue; what was paid for one and
  not yet refunded is shown on its own line, as owed back to the buyer.
- Top products are the shop's lines of those orders, cancelled lines and orders left out,
  valued at the price charged for the goods (a refund is of an order, not of a product).
- Stock alerts are stock records whose available units (in stock minus allocated) are at
  or below the record's low-stock threshold, or LOW_STOCK_THRESHOLD when it has none;
  out of stock first. Records that do not track stock (no count) are left out.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.order.models import PaymentMethod
from marketplace.order.statuses import OrderStatus, normalize_status
from marketplace.reports.periods import Period
from shops.models import Partner, StockRecord
from shops.seller.operations.selectors import LOW_STOCK_THRESHOLD

Order = get_model("order", "Order")
Line = get_model("order", "Line")

CANCELLED = OrderStatus.CANCELLED
TOP_N = 10


def _money(value) -> int:
    """A Sum of VND amounts (a whole Decimal, an int or None for no rows) as whole đồng."""
    return int(value or 0)


def shop_orders_in_period(*, shop: Partner, period: Period):
    start, end = period.bounds
    return Order.objects.filter(shop=shop, date_placed__gte=start, date_placed__lt=end)


def shop_figures_summary(*, shop: Partner, period: Period) -> dict:
    """Order count, cancelled orders, revenue, collected, to collect, refunds (one query)."""
    live = ~Q(status=CANCELLED)
    sums = shop_orders_in_period(shop=shop, period=period).aggregate(
        orders=Count("pk"),
        cancelled=Count("pk", filter=~live),
        total=Sum("total_incl_tax", filter=live),
        paid=Sum("amount_paid", filter=live),
        refunded=Sum("amount_refunded", filter=live),
        cancelled_paid=Sum("amount_paid", filter=~live),
        cancelled_refunded=Sum("amount_refunded", filter=~live),
    )
    total, paid, refunded = _money(sums["total"]), _money(sums["paid"]), _money(sums["refunded"])
    cancelled_refunded = _money(sums["cancelled_refunded"])
    return {
        "orders": sums["orders"],
        "cancelled": sums["cancelled"],
        "revenue": total - refunded,
        "collected": paid - refunded,
        "to_collect": max(total - paid, 0),
        "refunded": refunded + cancelled_refunded,
        "owed_on_cancelled": max(_money(sums["cancelled_paid"]) - cancelled_refunded, 0),
    }


def shop_orders_by_status(*, shop: Partner, period: Period) -> list[tuple[str, int]]:
    """(status label, orders) for every status of the pipeline, in pipeline order."""
    rows = (
        shop_orders_in_period(shop=shop, period=period)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    )
    counts: dict[str, int] = {}
    for row in rows:  # one row per distinct status, not per order
        status = normalize_status(row["status"])
        counts[status] = counts.get(status, 0) + row["n"]
    known = [(str(label), counts.pop(status, 0)) for status, label in OrderStatus.choices()]
    return known + [(status, n) for status, n in sorted(counts.items())]


def shop_revenue_by_payment_method(
    *, shop: Partner, period: Period
) -> list[tuple[str, int, int, int, int]]:
    """(method label, live orders, revenue, collected, to collect) for COD, bank transfer
    and card (always all three), net of refunds, cancelled orders left out."""
    rows = (
        shop_orders_in_period(shop=shop, period=period)
        .exclude(status=CANCELLED)
        .values("payment_method")
        .annotate(
            n=Count("pk"),
            total=Sum("total_incl_tax"),
            paid=Sum("amount_paid"),
            refunded=Sum("amount_refunded"),
        )
        .order_by("payment_method")
    )
    by_method = {row["payment_method"]: row for row in rows}
    result = []
    for value, label in PaymentMethod.choices:  # three methods, not one per order
        row = by_method.get(value, {})
        total, paid, refunded = (_money(row.get(key)) for key in ("total", "paid", "refunded"))
        result.append(
            (str(label), row.get("n", 0), total - refunded, paid - refunded, max(total - paid, 0))
        )
    return result


def shop_top_products(
    *, shop: Partner, period: Period, limit: int = TOP_N
) -> list[tuple[str, int, int]]:
    """(title, quantity, revenue) of the shop's best-selling products by revenue."""
    start, end = period.bounds
    rows = (
        Line.objects.filter(
            partner=shop,
            order__shop=shop,
            order__date_placed__gte=start,
            order__date_placed__lt=end,
        )
        .exclude(status=CANCELLED)
        .exclude(order__status=CANCELLED)
        .values("product_id")
        .annotate(title=Max("title"), quantity=Sum("quantity"), revenue=Sum("line_price_incl_tax"))
        .order_by("-revenue", "-quantity", "title")[:limit]
    )
    return [(r["title"], int(r["quantity"]), _money(r["revenue"])) for r in rows]


def shop_stock_alerts(*, shop: Partner) -> list[tuple[str, str, int, int, int, int, str]]:
    """(product, SKU, in stock, allocated, available, threshold, state) of the shop's stock
    records at or below their threshold, out of stock first."""
    rows = (
        StockRecord.objects.filter(partner=shop, num_in_stock__isnull=False)
        .annotate(
            allocated=Coalesce("num_allocated", Value(0), output_field=IntegerField()),
            available=F("num_in_stock") - F("allocated"),
            threshold=Coalesce(
                "low_stock_threshold", Value(LOW_STOCK_THRESHOLD), output_field=IntegerField()
            ),
            title=Coalesce(
                NullIf("product__title", Value("")),
                "product__parent__title",
                Value(""),
                output_field=CharField(),
            ),
            state=Case(
                When(available__lte=0, then=Value(str(_("Hết hàng")))),
                default=Value(str(_("Sắp hết"))),
                output_field=CharField(),
            ),
        )
        .filter(available__lte=F("threshold"))
        .order_by("available", "title", "pk")
        .values_list(
            "title", "partner_sku", "num_in_stock", "allocated", "available", "threshold", "state"
        )
    )
    return list(rows)
