"""Reading the ledger: balances are sums of entries, computed in one query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from marketplace.core.money import format_basis_points
from marketplace.ledger.models import (
    OWED_ACCOUNTS,
    Account,
    Entry,
    FeeRate,
    Kind,
    Payout,
    PayoutRun,
)

A = Account

# name → account whose balance it is (credits to it minus debits from it)
_BALANCES = {
    "pending": A.SHOP_PENDING,
    "payable": A.SHOP_PAYABLE,
    "in_payout": A.PAYOUT_PENDING,
    "collected_self": A.SHOP_SALES,
}


@dataclass(frozen=True)
class Balance:
    pending: int = 0  # owed for orders still in their return window (negative: the shop owes)
    payable: int = 0  # owed and payable now
    in_payout: int = 0  # set aside in a payout run, not yet confirmed paid
    collected_self: int = 0  # money the shop collected itself (net of its own refunds)

    @property
    def owed(self) -> int:
        """Everything the platform owes the shop (negative: what the shop owes)."""
        return self.pending + self.payable + self.in_payout


def _aggregates() -> dict:
    out = {}
    for name, account in _BALANCES.items():
        out[f"{name}_in"] = Coalesce(Sum("amount", filter=Q(credit=account)), 0)
        out[f"{name}_out"] = Coalesce(Sum("amount", filter=Q(debit=account)), 0)
    return out


def _balance(row: dict) -> Balance:
    return Balance(**{name: int(row[f"{name}_in"]) - int(row[f"{name}_out"]) for name in _BALANCES})


def shop_balances(*, shop_ids=None, as_of=None) -> dict[int, Balance]:
    """Each shop's balances from its entries booked up to `as_of` (all when None): one query."""
    entries = Entry.objects.all()
    if shop_ids is not None:
        entries = entries.filter(shop_id__in=list(shop_ids))
    if as_of is not None:
        entries = entries.filter(booked_at__lte=as_of)
    rows = entries.values("shop_id").order_by("shop_id").annotate(**_aggregates())
    return {row["shop_id"]: _balance(row) for row in rows}


def shop_balance(shop, *, as_of=None) -> Balance:
    return shop_balances(shop_ids=[shop.pk], as_of=as_of).get(shop.pk, Balance())


def order_entries(order):
    return Entry.objects.filter(order_id=order.pk).order_by("booked_at", "pk")


# --- settlement: what is owed to each shop, payout runs, a shop's statement ----------------

PAYOUT_KINDS = (Kind.PAYOUT, Kind.PAYOUT_CANCELLED)


def payable_as_of(*, as_of, shop_ids=None) -> dict[int, int]:
    """What each shop could be paid as of `as_of`: its payable balance from the entries
    booked up to then (money released, refunds of released orders), less every payout
    set aside for it since, whenever booked — a payout run after `as_of` already paid
    part of it. One query. docs/decisions/0027-settlement-and-payouts.md."""
    entries = Entry.objects.filter(Q(credit=A.SHOP_PAYABLE) | Q(debit=A.SHOP_PAYABLE)).filter(
        Q(booked_at__lte=as_of) | Q(kind__in=PAYOUT_KINDS)
    )
    if shop_ids is not None:
        entries = entries.filter(shop_id__in=list(shop_ids))
    rows = entries.values("shop_id").order_by("shop_id").annotate(
        added=Coalesce(Sum("amount", filter=Q(credit=A.SHOP_PAYABLE)), 0),
        taken=Coalesce(Sum("amount", filter=Q(debit=A.SHOP_PAYABLE)), 0),
    )
    return {row["shop_id"]: int(row["added"]) - int(row["taken"]) for row in rows}


@dataclass(frozen=True)
class SettlementRow:
    shop: object
    balance: Balance  # now
    payable_as_of: int  # what a run made now with this date would pay (before skips)
    last_payout: object | None  # the shop's latest payout (any status)
    has_bank_account: bool


def settlement_shops():
    """Shops with any ledger entry, by name: the rows of the settlement summary (paginate)."""
    Partner = apps.get_model("partner", "Partner")
    return Partner.objects.filter(Exists(Entry.objects.filter(shop_id=OuterRef("pk")))).order_by("name", "pk")


def settlement_rows(shops, *, as_of) -> list[SettlementRow]:
    """The summary's rows for one page of shops: three queries, whatever the number of
    shops or entries."""
    shops = list(shops)
    ids = [shop.pk for shop in shops]
    balances = shop_balances(shop_ids=ids)
    then = payable_as_of(as_of=as_of, shop_ids=ids)
    latest = Payout.objects.filter(shop_id=OuterRef("shop_id")).order_by("-created_at", "-pk").values("pk")[:1]
    last = {p.shop_id: p for p in Payout.objects.filter(shop_id__in=ids, pk=Subquery(latest))}
    rows = []
    for shop in shops:
        balance = balances.get(shop.pk, Balance())
        rows.append(SettlementRow(
            shop=shop, balance=balance,
            payable_as_of=max(0, min(then.get(shop.pk, 0), balance.payable)),
            last_payout=last.get(shop.pk),
            has_bank_account=bool(shop.bank_bin and shop.bank_account_number and shop.bank_account_name),
        ))
    return rows


@dataclass(frozen=True)
class SettlementTotals:
    pending: int
    payable_as_of: int
    in_payout: int


def settlement_totals(*, as_of) -> SettlementTotals:
    """Totals over every shop (two queries): pending, payable as of the date (only shops
    owed money count), set aside in payouts."""
    sums = _aggregates()
    totals = Entry.objects.aggregate(
        **{key: sums[key] for key in ("pending_in", "pending_out", "in_payout_in", "in_payout_out")}
    )
    then = payable_as_of(as_of=as_of)
    now = {shop_id: b.payable for shop_id, b in shop_balances(shop_ids=list(then)).items()}
    return SettlementTotals(
        pending=int(totals["pending_in"]) - int(totals["pending_out"]),
        payable_as_of=sum(max(0, min(v, now.get(k, 0))) for k, v in then.items()),
        in_payout=int(totals["in_payout_in"]) - int(totals["in_payout_out"]),
    )


def payout_runs():
    """Payout runs, newest first, with their number of payouts and total (paginate)."""
    return PayoutRun.objects.select_related("created_by").annotate(
        payout_count=Count("payouts"),
        total=Coalesce(Sum("payouts__amount", filter=~Q(payouts__status=Payout.Status.CANCELLED)), 0),
        paid_count=Count("payouts", filter=Q(payouts__status=Payout.Status.PAID)),
    )


def run_payouts(run):
    """A run's payouts with their shops, by shop name."""
    return run.payouts.select_related("shop", "paid_by").order_by("shop__name", "pk")


def shop_payouts(shop, *, limit: int = 24):
    """The shop's latest payouts (newest first)."""
    return list(Payout.objects.filter(shop=shop).order_by("-created_at", "-pk")[:limit])


# --- a shop's statement for a month --------------------------------------------------------


def owed_effect(entry) -> int:
    """How an entry changes what the platform owes the shop (pending + payable + in payout)."""
    into, out_of = entry.credit in OWED_ACCOUNTS, entry.debit in OWED_ACCOUNTS
    if into and not out_of:
        return entry.amount
    if out_of and not into:
        return -entry.amount
    return 0


@dataclass(frozen=True)
class Statement:
    start: object  # aware datetime, first instant of the month
    end: object  # first instant of the next month
    opening: Balance
    closing: Balance
    entries: object  # the month's entries (a queryset: paginate or iterate)


def _balance_before(shop, moment) -> Balance:
    rows = (
        Entry.objects.filter(shop_id=shop.pk, booked_at__lt=moment)
        .values("shop_id").order_by("shop_id").annotate(**_aggregates())
    )
    row = next(iter(rows), None)
    return _balance(row) if row else Balance()


def shop_statement(shop, *, start, end) -> Statement:
    """The shop's balances at the start and end of [start, end) and the entries between."""
    return Statement(
        start=start, end=end,
        opening=_balance_before(shop, start), closing=_balance_before(shop, end),
        entries=Entry.objects.filter(shop_id=shop.pk, booked_at__gte=start, booked_at__lt=end)
        .select_related("order", "payout").order_by("booked_at", "pk"),
    )


@dataclass(frozen=True)
class PendingOrder:
    order: object
    amount: int  # what the order adds to (or, negative, takes from) the pending balance
    payable_from: object | None  # when it becomes payable; None: not delivered yet
    has_case: bool


def shop_pending_orders(shop, *, limit: int = 50) -> list[PendingOrder]:
    """Orders whose money is still pending (not delivered, or in the return window), with the
    day each becomes payable: two queries."""
    Order = apps.get_model("order", "Order")
    Complaint = apps.get_model("complaints", "Complaint")
    pending = (
        Entry.objects.filter(order_id=OuterRef("pk")).values("order_id").order_by().annotate(
            s=Coalesce(Sum("amount", filter=Q(credit=A.SHOP_PENDING)), 0)
            - Coalesce(Sum("amount", filter=Q(debit=A.SHOP_PENDING)), 0)
        ).values("s")
    )
    delivered = (
        apps.get_model("order", "Shipment").objects.filter(order_id=OuterRef("pk"))
        .values("order_id").order_by().annotate(d=Max("delivered_at")).values("d")
    )
    orders = list(
        Order.objects.filter(shop=shop)
        .filter(Exists(Entry.objects.filter(order_id=OuterRef("pk"), kind__in=[Kind.SALE, Kind.SALE_SELF])))
        .exclude(Exists(Entry.objects.filter(order_id=OuterRef("pk"), kind=Kind.RELEASE)))
        .annotate(pending_amount=Subquery(pending), delivered=Subquery(delivered))
        .exclude(pending_amount=0)
        .order_by("date_placed", "pk")[:limit]
    )
    open_cases = set(
        Complaint.objects.filter(order_id__in=[o.pk for o in orders]).exclude(status=Complaint.Status.CLOSED)
        .values_list("order_id", flat=True)
    )
    window = datetime.timedelta(days=settings.COMPLAINT_WINDOW_DAYS)
    rows = []
    for order in orders:
        payable_from = None
        if order.status == "delivered":
            payable_from = (order.delivered or order.date_placed) + window
        rows.append(PendingOrder(order=order, amount=int(order.pending_amount or 0),
                                 payable_from=payable_from, has_case=order.pk in open_cases))
    return rows


# --- the published fee schedule ---------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    """One fee as the public page shows it: whom it applies to, how much, from when."""

    category: str  # the category's name; "" for every product
    basis_points: int
    valid_from: datetime.date | None  # None: no rate was ever set (no fee)
    announced_at: datetime.datetime | None = None
    note: str = ""

    @property
    def percent(self) -> str:
        return format_basis_points(self.basis_points)


@dataclass(frozen=True)
class FeeSchedule:
    current: list[FeeLine]  # in force today, one per category (every product first)
    upcoming: list[FeeLine]  # announced, from a later day, soonest first


def fee_schedule(*, today: datetime.date) -> FeeSchedule:
    """The fees in force on `today` and those announced for later, from `FeeRate` (one
    query). A sale is charged the rate of its category in force on the day it is paid, else
    the rate for every product (marketplace/ledger/posting.py:_fee); without one, nothing."""
    rates = list(FeeRate.objects.select_related("category").order_by("-valid_from", "pk"))
    current: dict[int | None, FeeLine] = {}
    upcoming: list[FeeLine] = []
    for rate in rates:
        line = FeeLine(
            category=rate.category.name if rate.category_id else "",
            basis_points=rate.basis_points, valid_from=rate.valid_from,
            announced_at=rate.announced_at, note=rate.note,
        )
        if rate.valid_from > today:
            upcoming.append(line)
        elif rate.category_id not in current:
            current[rate.category_id] = line
    if None not in current:
        current[None] = FeeLine(category="", basis_points=0, valid_from=None)
    ordered = [current.pop(None)] + sorted(current.values(), key=lambda line: line.category)
    upcoming.sort(key=lambda line: (line.valid_from, line.category))
    return FeeSchedule(current=ordered, upcoming=upcoming)
