"""Reading the tax withheld from the ledger: the month's rows per seller (the staff page, the
CSV of the contract and schedule 01-1/BK-CNKD-TMĐT), a seller's year (its page and yearly
certificate) and the yearly revenue threshold (Decree 70/2025) for household sellers.

Everything is summed from ledger entries (marketplace/ledger/models.py) by the local day they
were booked (Asia/Ho_Chi_Minh): a refund in August offsets August's withholding even when
the sale was in July — Decree 117/2025 lets a return be offset in the period it happens.
Definitions (docs/decisions/0028-tax-withholding.md), per shop and period:

- `vat` = Σ `vat` − Σ `vat_back`; `pit` = Σ `pit` − Σ `pit_back`;
- `revenue` (doanh thu đã khấu trừ thuế) = Σ `sale`/`sale_self` − Σ `refund`/`refund_self`,
  plus what the programme's vouchers paid for (REVENUE_PLUS − REVENUE_MINUS below), of the orders on which tax was withheld (an order with a `vat` or `pit` entry): the base of
  `vat` and `pit`, so `vat` ≈ rate × `revenue` (to rounding per sale);
- `other_sales` = the same sum for the orders on which nothing was withheld (a company or
  cooperative, or money the shop collected itself on a route the platform does not withhold on);
- `sales` (yearly, for the threshold) = every sale of the shop net of refunds, withheld or not.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from marketplace.core.dates import month_bounds, year_bounds
from marketplace.ledger.models import Entry, Kind
from marketplace.tax.models import RevenueThreshold
from marketplace.tax.rates import profile_for
from shops.models import Partner

# A shop's revenue (ADR 0044) = what buyers paid, plus the programme's vouchers' discounts
# (the `voucher` entry covers every voucher, the shop's own `shop_voucher` takes its part
# back), less refunds and what they give back. Only the net is reported: REVENUE_PLUS is
# not "sales" and REVENUE_MINUS not "refunds" (the shop's own voucher is in the minus).
REVENUE_PLUS = (Kind.SALE, Kind.SALE_SELF, Kind.VOUCHER, Kind.SHOP_VOUCHER_BACK)
REVENUE_MINUS = (Kind.REFUND, Kind.REFUND_SELF, Kind.SHOP_VOUCHER, Kind.VOUCHER_BACK)
TAX_KINDS = (*REVENUE_PLUS, *REVENUE_MINUS, Kind.VAT, Kind.VAT_BACK, Kind.PIT, Kind.PIT_BACK)


# --- periods ------------------------------------------------------------------------------


def this_month(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()).replace(day=1)


def previous_month(today: datetime.date | None = None) -> datetime.date:
    """The month being filed now (by the 20th of the next): the one before today's."""
    return (this_month(today) - datetime.timedelta(days=1)).replace(day=1)


# --- sums over entries ----------------------------------------------------------------------


def _taxed_order() -> Exists:
    """The entry's order had tax withheld (its sale posted a VAT or PIT entry)."""
    return Exists(Entry.objects.filter(order_id=OuterRef("order_id"), kind__in=[Kind.VAT, Kind.PIT]))


def _sum(condition) -> Coalesce:
    return Coalesce(Sum("amount", filter=condition), 0)


def _aggregates() -> dict:
    taxed = _taxed_order()
    return {
        "revenue_in": _sum(Q(kind__in=REVENUE_PLUS) & taxed),
        "revenue_out": _sum(Q(kind__in=REVENUE_MINUS) & taxed),
        "other_in": _sum(Q(kind__in=REVENUE_PLUS) & ~taxed),
        "other_out": _sum(Q(kind__in=REVENUE_MINUS) & ~taxed),
        "vat_in": _sum(Q(kind=Kind.VAT)),
        "vat_out": _sum(Q(kind=Kind.VAT_BACK)),
        "pit_in": _sum(Q(kind=Kind.PIT)),
        "pit_out": _sum(Q(kind=Kind.PIT_BACK)),
    }


def _figures(row: dict) -> dict[str, int]:
    return {
        name: int(row[f"{name}_in"]) - int(row[f"{name}_out"])
        for name in ("revenue", "other", "vat", "pit")
    }


def _entries_between(start, end):
    return Entry.objects.filter(booked_at__gte=start, booked_at__lt=end, kind__in=TAX_KINDS)


# --- the month, per seller ----------------------------------------------------------------


@dataclass
class WithholdingRow:
    """One seller's month. `resident`, `category` and the names are the seller's tax profile
    today (or read from its producer type when it has none: `profile_saved` False)."""

    shop_id: int
    shop_slug: str
    shop_name: str
    seller_name: str
    tax_code: str
    resident: bool
    seller_type: str
    seller_type_label: str
    category: str
    category_label: str
    withheld: bool
    profile_saved: bool
    revenue: int = 0
    vat: int = 0
    pit: int = 0
    other_sales: int = 0

    @property
    def on_schedule(self) -> bool:
        """Listed on schedule 01-1/BK-CNKD-TMĐT: something was withheld or offset."""
        return bool(self.revenue or self.vat or self.pit)


@dataclass
class MonthTotals:
    revenue: int = 0
    vat: int = 0
    pit: int = 0
    other_sales: int = 0
    sellers: int = 0

    @property
    def withheld(self) -> int:
        return self.vat + self.pit


def _row(shop: Partner, figures: dict[str, int]) -> WithholdingRow:
    profile = profile_for(shop)
    return WithholdingRow(
        shop_id=shop.pk, shop_slug=shop.code, shop_name=shop.name,
        seller_name=profile.seller_name or shop.legal_name or shop.name,
        tax_code=profile.tax_code or "", resident=profile.resident,
        seller_type=profile.seller_type, seller_type_label=str(profile.get_seller_type_display()),
        category=profile.business_group, category_label=str(profile.get_business_group_display()),
        withheld=profile.withheld, profile_saved=profile.pk is not None,
        revenue=figures["revenue"], vat=figures["vat"], pit=figures["pit"], other_sales=figures["other"],
    )


def withholding_month_rows(*, month: datetime.date) -> list[WithholdingRow]:
    """One row per shop with sales, refunds or tax booked in `month` (local time), by shop
    code. Two queries whatever the number of shops: the sums grouped by shop, and the shops
    with their tax profiles."""
    start, end = month_bounds(month)
    sums = {
        row["shop_id"]: _figures(row)
        for row in _entries_between(start, end).values("shop_id").order_by("shop_id").annotate(**_aggregates())
    }
    shops = Partner.objects.filter(pk__in=list(sums)).select_related("tax_profile").order_by("code")
    return [_row(shop, sums[shop.pk]) for shop in shops]


def month_totals(rows: list[WithholdingRow]) -> MonthTotals:
    totals = MonthTotals()
    for row in rows:
        totals.revenue += row.revenue
        totals.vat += row.vat
        totals.pit += row.pit
        totals.other_sales += row.other_sales
        totals.sellers += 1 if row.on_schedule else 0
    return totals


# --- a seller's year ------------------------------------------------------------------------


@dataclass
class MonthFigures:
    month: datetime.date
    revenue: int = 0
    vat: int = 0
    pit: int = 0
    other_sales: int = 0

    @property
    def withheld(self) -> int:
        return self.vat + self.pit


@dataclass
class SellerYear:
    year: int
    months: list[MonthFigures] = field(default_factory=list)

    @property
    def revenue(self) -> int:
        return sum(m.revenue for m in self.months)

    @property
    def vat(self) -> int:
        return sum(m.vat for m in self.months)

    @property
    def pit(self) -> int:
        return sum(m.pit for m in self.months)

    @property
    def withheld(self) -> int:
        return self.vat + self.pit

    @property
    def other_sales(self) -> int:
        return sum(m.other_sales for m in self.months)


def seller_year(*, shop, year: int) -> SellerYear:
    """The shop's twelve months of `year` (local time): one query."""
    start, end = year_bounds(year)
    rows = (
        _entries_between(start, end).filter(shop_id=shop.pk)
        .annotate(month=TruncMonth("booked_at", tzinfo=timezone.get_default_timezone()))
        .values("month").order_by("month").annotate(**_aggregates())
    )
    by_month = {}
    for row in rows:
        month = row["month"]  # an aware datetime: the first instant of the local month
        if timezone.is_aware(month):
            month = timezone.localtime(month, timezone.get_default_timezone())
        by_month[month.date().replace(day=1)] = _figures(row)
    months = []
    for number in range(1, 13):
        month = datetime.date(year, number, 1)
        figures = by_month.get(month, {"revenue": 0, "vat": 0, "pit": 0, "other": 0})
        months.append(MonthFigures(month, figures["revenue"], figures["vat"], figures["pit"], figures["other"]))
    return SellerYear(year=year, months=months)


# --- the yearly revenue threshold (Decree 70/2025) ------------------------------------------


def threshold_on(day: datetime.date) -> RevenueThreshold | None:
    return RevenueThreshold.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


@dataclass(frozen=True)
class ThresholdStatus:
    year: int
    sales: int
    threshold: RevenueThreshold

    @property
    def over(self) -> bool:
        return self.sales >= self.threshold.amount

    @property
    def near(self) -> bool:
        return self.sales >= self.threshold.warn_from

    @property
    def percent(self) -> int:
        """Whole per cent of the threshold reached (rounded down)."""
        return self.sales * 100 // self.threshold.amount


def _year_sales(*, year: int, shop_ids=None, at_least: int | None = None) -> dict[int, int]:
    """Each shop's sales of `year` net of refunds, every route (one query)."""
    start, end = year_bounds(year)
    entries = Entry.objects.filter(booked_at__gte=start, booked_at__lt=end, kind__in=(*REVENUE_PLUS, *REVENUE_MINUS))
    if shop_ids is not None:
        entries = entries.filter(shop_id__in=list(shop_ids))
    rows = entries.values("shop_id").order_by("shop_id").annotate(
        sales=_sum(Q(kind__in=REVENUE_PLUS)) - _sum(Q(kind__in=REVENUE_MINUS))
    )
    if at_least is not None:
        rows = rows.filter(sales__gte=at_least)
    return {row["shop_id"]: int(row["sales"]) for row in rows}


def threshold_status(*, shop, today: datetime.date | None = None) -> ThresholdStatus | None:
    """The shop's sales this year against the threshold in force today, for a household or
    individual seller (the threshold is theirs); None for other sellers or with no threshold."""
    today = today or timezone.localdate()
    if not profile_for(shop).withheld:
        return None
    threshold = threshold_on(today)
    if threshold is None:
        return None
    sales = _year_sales(year=today.year, shop_ids=[shop.pk]).get(shop.pk, 0)
    return ThresholdStatus(year=today.year, sales=sales, threshold=threshold)


def sellers_near_threshold(*, today: datetime.date | None = None) -> list[tuple[Partner, ThresholdStatus]]:
    """Household and individual sellers whose sales this year reached the warning level,
    highest first (three queries)."""
    today = today or timezone.localdate()
    threshold = threshold_on(today)
    if threshold is None:
        return []
    sales = _year_sales(year=today.year, at_least=max(threshold.warn_from, 1))
    shops = Partner.objects.filter(pk__in=list(sales)).select_related("tax_profile")
    found = [
        (shop, ThresholdStatus(year=today.year, sales=sales[shop.pk], threshold=threshold))
        for shop in shops if profile_for(shop).withheld
    ]
    return sorted(found, key=lambda item: (-item[1].sales, item[0].code))
