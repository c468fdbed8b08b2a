"""The price in force: a stock record's sale price while its sale runs, its list price otherwise.

The one rule (docs/decisions/0043-sale-prices.md), decided when it is asked, like an OCOP
badge: no job starts or ends a sale. A sale is in force at a moment `at` when the record has
a sale price lower than its list price and `sale_starts_at <= at < sale_ends_at` (times are
stored in UTC and entered and shown in Asia/Ho_Chi_Minh).

- `price_in_force(record_or_records, at=None)` → `Price` (or None when nothing is priced):
  for Python (the basket's strategy, cards, the product page, the API);
- `price_in_force_expression(prefix="", at=None)` → a Case/When for querysets (the search
  fallback's filter and sort, `annotate`);
- `price_range(records, at=None)` → what a card of a product with options shows.

A product sold from several records (a parent's variants) gives the lowest price in force
with that record's list price.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Case, DecimalField, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.money import format_vnd, to_vnd


@dataclass(frozen=True)
class Price:
    price: int  # whole đồng, what the buyer pays now
    list_price: int  # whole đồng, the record's usual price (struck through during a sale)
    on_sale: bool
    percent_off: int  # 0 without a sale; shown "-20%"
    sale_ends_at: datetime.datetime | None  # when the price in force goes back up (on sale only)
    record: object | None = None  # the stock record the price comes from
    # A product with options whose prices differ (`price_range`): the dearest price in force
    # and the highest list price; None for one price.
    price_max: int | None = None
    list_price_max: int | None = None


def percent_off(list_price: int, price: int) -> int:
    """The discount as Shopee shows it: whole percent, rounded half up, never 0 % nor 100 % for
    a real discount (a 0.4 % cut shows "-1%", a 99.6 % cut "-99%")."""
    if list_price <= 0 or price >= list_price:
        return 0
    # half up in integers: floor((200 * cut + list) / (2 * list))
    cut = list_price - price
    rounded = (200 * cut + list_price) // (2 * list_price)
    return max(1, min(99, rounded))


def sale_in_force(record, at: datetime.datetime | None = None) -> bool:
    """Whether this record's sale price applies at `at` (default: now)."""
    if record is None or record.price is None or record.sale_price is None:
        return False
    starts, ends = record.sale_starts_at, record.sale_ends_at
    if starts is None or ends is None:
        return False
    at = at or timezone.now()
    return starts <= at < ends and int(record.sale_price) < to_vnd(record.price)


def _one(record, at: datetime.datetime) -> Price | None:
    if record is None or record.price is None:
        return None
    list_price = to_vnd(record.price)
    if sale_in_force(record, at):
        price = int(record.sale_price)
        return Price(price, list_price, True, percent_off(list_price, price), record.sale_ends_at, record)
    return Price(list_price, list_price, False, 0, None, record)


def price_in_force(records, at: datetime.datetime | None = None) -> Price | None:
    """The price in force of a stock record, or the lowest one of several records (with its
    own list price); None when none is priced."""
    at = at or timezone.now()
    if records is None:
        return None
    if hasattr(records, "price"):  # one record
        return _one(records, at)
    prices = [price for price in (_one(record, at) for record in records) if price is not None]
    if not prices:
        return None
    # lowest price in force; among equal ones, the record on sale (its struck price shows)
    return min(prices, key=lambda p: (p.price, not p.on_sale, -p.list_price))


def price_range(records, at: datetime.datetime | None = None) -> Price | None:
    """What a card of a product sold from these records shows: one `Price`, or, when the
    options' prices in force differ, the cheapest with `price_max` (the dearest), the list
    prices from lowest to highest, `on_sale` when any option is on sale with the deepest
    `percent_off` and the first sale to end (Shopee's "125.000 ₫ – 390.000 ₫ -20%")."""
    at = at or timezone.now()
    prices = [price for price in (_one(record, at) for record in records or ()) if price is not None]
    if not prices:
        return None
    low = min(prices, key=lambda p: (p.price, not p.on_sale, -p.list_price))
    high = max(prices, key=lambda p: p.price)
    if high.price == low.price:
        return low
    on_sale = [p for p in prices if p.on_sale]
    return dataclasses.replace(
        low, price_max=high.price,
        list_price=min(p.list_price for p in prices), list_price_max=max(p.list_price for p in prices),
        on_sale=bool(on_sale), percent_off=max((p.percent_off for p in on_sale), default=0),
        sale_ends_at=min((p.sale_ends_at for p in on_sale), default=None),
    )


def sale_in_force_q(prefix: str = "", at: datetime.datetime | None = None) -> Q:
    """`sale_in_force` as a Q on stock record fields (`prefix` e.g. "stockrecords__")."""
    at = at or timezone.now()
    return Q(**{
        f"{prefix}sale_price__isnull": False,
        f"{prefix}sale_starts_at__lte": at,
        f"{prefix}sale_ends_at__gt": at,
        f"{prefix}sale_price__lt": F(f"{prefix}price"),
    })


def price_in_force_expression(prefix: str = "", at: datetime.datetime | None = None) -> Case:
    """The price in force in SQL (a decimal of whole đồng; NULL without a list price)."""
    output = DecimalField(max_digits=12, decimal_places=2)
    return Case(
        When(sale_in_force_q(prefix, at), then=F(f"{prefix}sale_price")),
        default=F(f"{prefix}price"),
        output_field=output,
    )


class SaleTerms(NamedTuple):
    """What a seller sets: a sale price from `starts_at` until `ends_at` (all None: no sale)."""

    price: int | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None


NO_SALE = SaleTerms(None, None, None)


def max_percent_off() -> int:
    """The deepest cut a seller may set (settings.SALE_MAX_PERCENT_OFF, Decree 81/2018 art. 7)."""
    return int(getattr(settings, "SALE_MAX_PERCENT_OFF", 50))


def sale_errors(list_price: int | None, sale: SaleTerms) -> dict[str, str]:
    """What is wrong with these sale terms for a record of this list price, by field
    ("sale_price", "sale_starts_at", "sale_ends_at"); empty when they may be saved."""
    errors: dict[str, str] = {}
    if sale == NO_SALE:
        return errors
    if sale.price is None:
        errors["sale_price"] = str(_("Nhập giá khuyến mãi, hoặc xoá thời gian khuyến mãi."))
    elif sale.price <= 0:
        errors["sale_price"] = str(_("Giá khuyến mãi phải lớn hơn 0 ₫."))
    elif list_price is not None and sale.price >= list_price:
        errors["sale_price"] = str(_("Giá khuyến mãi phải thấp hơn giá bán."))
    elif list_price is not None and (list_price - sale.price) * 100 > list_price * max_percent_off():
        errors["sale_price"] = str(
            _("Giảm tối đa %(n)s%% giá bán: giá khuyến mãi thấp nhất là %(p)s.")
            % {"n": max_percent_off(), "p": format_vnd(-(-list_price * (100 - max_percent_off()) // 100))}
        )
    if sale.starts_at is None:
        errors["sale_starts_at"] = str(_("Nhập thời gian bắt đầu khuyến mãi."))
    if sale.ends_at is None:
        errors["sale_ends_at"] = str(_("Nhập thời gian kết thúc khuyến mãi."))
    elif sale.starts_at is not None and sale.ends_at <= sale.starts_at:
        errors["sale_ends_at"] = str(_("Thời gian kết thúc phải sau thời gian bắt đầu."))
    return errors


def sale_terms(record) -> SaleTerms:
    """A stock record's sale terms as stored."""
    if record is None:
        return NO_SALE
    return SaleTerms(
        int(record.sale_price) if record.sale_price is not None else None,
        record.sale_starts_at, record.sale_ends_at,
    )
