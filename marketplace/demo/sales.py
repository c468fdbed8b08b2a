"""A Tết sale on a few demo products, in force around the day the demo is loaded, so `make run`
shows struck-through prices (catalogue/partials/price.html) and search sorts by the sale price.

Deterministic: the products are picked by UPC (two featured ones, for the home page's shelf,
and a few others), the cut is 10–25 % rounded down to a thousand đồng, and the sale runs from
00:00 two days before `today` to 00:00 ten days after it, Vietnam time. Set only on the first
run (no demo record has sale terms yet): a sale a seller edits or removes in the demo stays so.
It runs after the demo purchases, which were therefore placed at list prices.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from shops.models import StockRecord

#: The cut of each chosen product, in percent (in the order they are chosen).
CUTS = (20, 15, 25, 10, 20, 15)
SALE_DAYS_BEFORE, SALE_DAYS_AFTER = 2, 10


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def ensure_demo_sales(shops: dict, result, *, today: datetime.date) -> None:
    records = StockRecord.objects.filter(
        partner__in=list(shops.values()), price__gte=50_000, product__is_public=True,
    ).select_related("product").order_by("product__upc", "pk")
    if records.filter(sale_price__isnull=False).exists() or records.filter(
            sale_starts_at__isnull=False).exists():
        return
    records = list(records)
    featured = [record for record in records if record.product.is_featured][:2]
    others = [record for record in records if not record.product.is_featured][::11]
    chosen = (featured + others)[: len(CUTS)]
    starts = _midnight(today - datetime.timedelta(days=SALE_DAYS_BEFORE))
    ends = _midnight(today + datetime.timedelta(days=SALE_DAYS_AFTER))
    for record, cut in zip(chosen, CUTS, strict=False):
        sale_price = int(record.price) * (100 - cut) // 100 // 1000 * 1000
        StockRecord.objects.filter(pk=record.pk).update(
            sale_price=sale_price, sale_starts_at=starts, sale_ends_at=ends)
    result.created["sales"] = result.created.get("sales", 0) + len(chosen)
