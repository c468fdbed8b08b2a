"""Ledger test data: shops paid through the programme, amounts computed by hand.

A household shop (VAT 1 %, PIT 0.5 % withheld, Decree 117 goods rates) and, with
`money_rates()`, a programme fee of 5 % on every category: a card order of 200.000 ₫ leaves
the shop 200.000 − 10.000 (fee) − 2.000 (VAT) − 1.000 (PIT) = 187.000 ₫ (`NET_200K`).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from marketplace.ledger.models import FeeRate
from marketplace.ledger.posting import post_sale, release_due
from marketplace.order.models import Order
from marketplace.tax.models import TaxRate
from shops.models import Partner

from .catalogue import make_product
from .orders import make_order
from .shops import make_shop
from .users import make_user

NET_200K = 187_000
DAY = datetime.timedelta(days=1)


def money_rates() -> FeeRate:
    """The 5 % fee; and the Decree 117 goods rates again (a transactional test empties the
    tables, the migration's rows included)."""
    TaxRate.objects.get_or_create(business_group="goods", valid_from=datetime.date(2025, 7, 1),
                                  defaults={"vat_basis_points": 100, "pit_basis_points": 50})
    return FeeRate.objects.create(valid_from=datetime.date(2020, 1, 1), basis_points=500, note="5 %")


def money_shop(code: str, *, bank: bool = True, owner=None) -> Partner:
    owner = owner or make_user(f"chu@{code}.vn")
    bank_fields = {"bank_bin": "970436", "bank_account_number": "0011001234567",
                   "bank_account_name": f"HTX {code}"} if bank else {}
    shop = make_shop(code, owner=owner, producer_type=Partner.ProducerType.HOUSEHOLD, **bank_fields)
    shop.owner = owner
    return shop


def paid_order(shop, *, price: int = 200_000, route: str = "card", delivered: bool = True,
               paid_at=None, product=None) -> Order:
    """A `price` đồng order of `shop` paid by `route` at `paid_at` (and delivered then)."""
    product = product or make_product(shop, f"Mật ong {shop.code} {Order.objects.count()}", price=price, stock=50)
    order = make_order([(product, 1)], status="delivered" if delivered else "pending")
    paid_at = paid_at or timezone.now()
    Order.objects.filter(pk=order.pk).update(
        shop=shop, status="delivered" if delivered else "pending", date_placed=paid_at,
    )
    order.refresh_from_db()
    post_sale(order, amount=price, route=route, at=paid_at)
    return order


def released_order(shop, **kwargs) -> Order:
    """A paid order delivered long enough ago to be payable now."""
    paid_at = kwargs.pop("paid_at", None) or timezone.now() - 30 * DAY
    order = paid_order(shop, paid_at=paid_at, **kwargs)
    release_due()
    return order
