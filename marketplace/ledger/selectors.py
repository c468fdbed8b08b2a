"""Reading the ledger: balances are sums of entries, computed in one query."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from marketplace.ledger.models import Account, Entry

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
