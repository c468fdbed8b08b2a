"""Stock held by orders: every movement of an allocation after the order is placed.

The life of an allocation (Oscar's model, `StockRecord.num_allocated`):
- placed: the checkout allocates each line's quantity through `StockRecord.allocate`, one
  conditional UPDATE that refuses to oversell (shops/models.py), called by Oscar's
  `OrderCreator` (marketplace/order/utils.py) in stock-record order;
- handed to the carrier: `lines_stock_consume` — the goods leave the shelf, so the
  allocation and the stock both go down;
- cancelled: `lines_stock_release` — the allocation is given back, the stock stays;
- returned to the shop (a parcel refused or undeliverable): `lines_stock_restock` — the goods
  are back on the shelf, so the stock goes up again by what left.

Only marketplace/order/lifecycle.py calls these, inside the transaction that moves the lines'
status, so a line's stock and its status never disagree. Rows are touched in stock-record
order, the order the checkout allocates in, so two transactions cannot deadlock.
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")


def _by_stockrecord(lines) -> list:
    return sorted(lines, key=lambda line: (line.stockrecord_id or 0, line.pk))


def lines_stock_release(lines) -> list[int]:
    """Give back the stock the lines still hold; returns the ids of the lines released."""
    released = []
    for line in _by_stockrecord(lines):
        quantity = line.num_allocated or 0
        record = line.stockrecord
        if record is None or not quantity or line.allocation_cancelled:
            continue
        record.cancel_allocation(quantity)
        released.append(line.pk)
    Line.objects.filter(pk__in=[line.pk for line in lines], num_allocated__gt=0).update(
        num_allocated=0, allocation_cancelled=True
    )
    return released


def lines_stock_consume(lines) -> tuple[list[int], list[int]]:
    """Take the lines' allocated units out of stock (the goods left with the carrier).

    Returns (consumed, skipped) line ids. A record that no longer holds the allocation
    (its stock was corrected by hand since the order was placed) is skipped: the hand-over
    goes on and the seller fixes the count.
    """
    consumed, skipped = [], []
    for line in _by_stockrecord(lines):
        quantity = line.num_allocated or 0
        record = line.stockrecord
        if record is None or not quantity or line.allocation_cancelled:
            continue
        record.refresh_from_db(fields=["num_in_stock", "num_allocated"])
        if record.can_track_allocations and not record.is_allocation_consumption_possible(quantity):
            skipped.append(line.pk)
            continue
        record.consume_allocation(quantity)
        consumed.append(line.pk)
    Line.objects.filter(pk__in=[line.pk for line in lines]).update(num_allocated=0)
    # What did not leave the shelf here must not come back to it if the parcel returns.
    Line.objects.filter(pk__in=[line.pk for line in lines]).exclude(pk__in=consumed).update(
        allocation_cancelled=True
    )
    return consumed, skipped


def lines_stock_restock(lines) -> list[int]:
    """Put the lines' goods back in stock (a parcel came back to the shop); returns their ids.

    Called once per line: the line's own status move (delivery failed → returned) is the
    conditional update that guards it. Only goods the hand-over took out of stock come back
    (`lines_stock_consume` marks the others).
    """
    restocked = []
    for line in _by_stockrecord(lines):
        if line.stockrecord_id is None or not line.quantity or line.allocation_cancelled:
            continue
        StockRecord.objects.filter(pk=line.stockrecord_id).update(
            num_in_stock=Coalesce(F("num_in_stock"), 0) + line.quantity
        )
        restocked.append(line.pk)
    return restocked
