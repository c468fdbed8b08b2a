"""Stock typed as a new quantity by several members at once, or while an order takes stock:
the conditional UPDATE lets one count through and tells the others the level changed, and
the log always adds up (initial + Σ delta = final).

Needs real concurrent writers: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite.
"""

from __future__ import annotations

import pytest

from catalogue.products import StockChanged, stock_adjust, stock_set
from shops.models import StockAdjustment, StockRecord
from tests.concurrency import needs_postgresql, race
from tests.factories import make_product, make_shop, make_user

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

CALLS = 6


@pytest.fixture
def record():
    owner = make_user("owner-s@example.vn")
    shop = make_shop("shop-s", owner=owner)
    product = make_product(shop, "Mật ong U Minh", price=150_000, stock=10)
    return StockRecord.objects.get(product=product), owner


def fresh(record):
    return StockRecord.objects.select_related("product", "partner").get(pk=record.pk)


def test_members_counting_at_once_from_the_same_level_one_wins(record):
    stock, owner = record
    calls = [
        (lambda q=q: stock_set(stockrecord=fresh(stock), quantity=q, expected=10, reason="Kiểm kho",
                               actor=owner, acting_as="owner"))
        for q in range(20, 20 + CALLS)
    ]
    results, refusals = race(calls, StockChanged)
    assert len(results) == 1 and len(refusals) == CALLS - 1
    final = fresh(stock).num_in_stock
    assert final == results[0].resulting_level
    assert all(refusal.current == final for refusal in refusals)
    adjustment = StockAdjustment.objects.get()
    assert (adjustment.previous_level, adjustment.resulting_level) == (10, final)


def test_a_count_racing_an_order_taking_stock_never_undoes_it(record):
    stock, owner = record
    for _round in range(3):
        start = fresh(stock).num_in_stock
        results, refusals = race([
            lambda start=start: stock_set(stockrecord=fresh(stock), quantity=start + 5, expected=start,
                              reason="Nhập hàng", actor=owner, acting_as="owner"),
            lambda: stock_adjust(stockrecord=fresh(stock), delta=-2, reason="Giao cho vận chuyển",
                                 actor=None, acting_as="system"),
        ], StockChanged)
        final = fresh(stock).num_in_stock
        if refusals:  # the order came first: the count was refused, the 2 stay taken
            assert final == start - 2 and refusals[0].current == start - 2
        else:  # the count came first, the order took 2 from it
            assert final == start + 5 - 2
    deltas = sum(StockAdjustment.objects.values_list("delta", flat=True))
    assert 10 + deltas == fresh(stock).num_in_stock
