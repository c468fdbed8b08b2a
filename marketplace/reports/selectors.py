"""Programme figures for a date range: every figure is one aggregate query (no per-row loops).

Dates are local (Asia/Ho_Chi_Minh) and inclusive; an order counts on the day it was placed.
Orders are the shop orders of a purchase (`Order.purchase` set); GMV is the sum of their
`total_incl_tax` (goods + shipping) leaving out cancelled orders.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalogue.models import OcopCertificate, Product
from marketplace.core.addresses import commune_name
from marketplace.order.models import Order, PaymentMethod
from marketplace.order.statuses import OrderStatus
from marketplace.reports.periods import Period
from shops.models import Partner

Category = get_model("catalogue", "Category")
Line = get_model("order", "Line")

TOP_N = 10


def members(period: Period) -> dict:
    start, end = period.bounds
    return get_user_model().objects.aggregate(
        total=Count("pk"),
        in_range=Count("pk", filter=Q(date_joined__gte=start, date_joined__lt=end)),
    )


def shops_by_status() -> list[tuple[str, int]]:
    labels = dict(Partner.Status.choices)
    rows = Partner.objects.values("status").annotate(n=Count("pk")).order_by("status")
    counts = {row["status"]: row["n"] for row in rows}
    return [(str(labels[value]), counts.get(value, 0)) for value in labels] + [
        (value, n) for value, n in counts.items() if value not in labels
    ]


def shops_by_producer_type() -> list[tuple[str, int]]:
    labels = dict(Partner.ProducerType.choices)
    rows = Partner.objects.values("producer_type").annotate(n=Count("pk")).order_by("producer_type")
    counts = {row["producer_type"]: row["n"] for row in rows}
    return [(str(labels[value]), counts.get(value, 0)) for value in labels] + [
        (value, n) for value, n in counts.items() if value not in labels
    ]


def shops_by_commune() -> list[tuple[str, int]]:
    """Shops per commune (xã/phường), most shops first; shops without one last."""
    rows = Partner.objects.values("commune_code").annotate(n=Count("pk")).order_by("-n", "commune_code")
    named = [(commune_name(r["commune_code"]) or str(r["commune_code"]), r["n"])
             for r in rows if r["commune_code"]]
    missing = sum(r["n"] for r in rows if not r["commune_code"])
    return named + ([(str(_("Chưa khai báo")), missing)] if missing else [])


def _products():
    return Product.objects.exclude(structure=Product.CHILD)


def products_by_group() -> list[tuple[str, int]]:
    """Products per top-level category (OCOP group); a product in two groups counts in both."""
    steplen = Category.steplen
    rows = (
        _products()
        .annotate(root=Substr("categories__path", 1, steplen))
        .values("root")
        .annotate(n=Count("pk", distinct=True))
        .order_by("root")
    )
    counts = {row["root"]: row["n"] for row in rows}
    roots = Category.objects.filter(depth=1).order_by("path").values_list("path", "name")
    result = [(name, counts.get(path, 0)) for path, name in roots]
    result.append((str(_("Chưa phân loại")), counts.get(None, 0)))
    return result


def products_by_stars() -> list[tuple[int | None, int]]:
    """(best stars of a valid certificate or None, number of products), stars descending."""
    best = (
        OcopCertificate.objects.valid()
        .filter(product=OuterRef("pk"))
        .order_by("-stars")
        .values("stars")[:1]
    )
    rows = (
        _products()
        .annotate(best=Subquery(best))
        .values("best")
        .annotate(n=Count("pk"))
        .order_by("best")
    )
    counts = {row["best"]: row["n"] for row in rows}
    return [(stars, counts.get(stars, 0)) for stars in (5, 4, 3, None)]


def _orders(period: Period):
    start, end = period.bounds
    return Order.objects.filter(
        purchase__isnull=False, date_placed__gte=start, date_placed__lt=end
    )


def _live(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}status": OrderStatus.CANCELLED})


def orders_summary(period: Period) -> dict:
    figures = _orders(period).aggregate(
        count=Count("pk"),
        cancelled=Count("pk", filter=~_live()),
        gmv=Sum("total_incl_tax", filter=_live()),
    )
    figures["gmv"] = int(figures["gmv"] or 0)
    return figures


def gmv_by_payment_method(period: Period) -> list[tuple[str, int, int]]:
    """(method label, live orders, GMV) for cod, bank_transfer, card (always all three)."""
    rows = (
        _orders(period)
        .filter(_live())
        .values("payment_method")
        .annotate(n=Count("pk"), gmv=Sum("total_incl_tax"))
        .order_by("payment_method")
    )
    by_method = {row["payment_method"]: row for row in rows}
    return [
        (str(label), by_method.get(value, {}).get("n", 0), int(by_method.get(value, {}).get("gmv") or 0))
        for value, label in PaymentMethod.choices
    ]


def top_products(period: Period) -> list[tuple[str, str, int, int]]:
    """(title, shop, quantity, revenue) of the 10 best-selling products by revenue."""
    start, end = period.bounds
    rows = (
        Line.objects.filter(
            order__purchase__isnull=False,
            order__date_placed__gte=start,
            order__date_placed__lt=end,
        )
        .filter(_live("order__"), _live())
        .values("product_id", "title", "partner_name")
        .annotate(quantity=Sum("quantity"), revenue=Sum("line_price_incl_tax"))
        .order_by("-revenue", "-quantity", "title")[:TOP_N]
    )
    return [(r["title"], r["partner_name"], int(r["quantity"]), int(r["revenue"])) for r in rows]


def top_shops(period: Period) -> list[tuple[str, int, int]]:
    """(shop name, live orders, GMV) of the 10 shops with the highest GMV."""
    rows = (
        _orders(period)
        .filter(_live(), shop__isnull=False)
        .values("shop_id", "shop__name")
        .annotate(n=Count("pk"), gmv=Sum("total_incl_tax"))
        .order_by("-gmv", "shop__name")[:TOP_N]
    )
    return [(r["shop__name"], r["n"], int(r["gmv"])) for r in rows]
