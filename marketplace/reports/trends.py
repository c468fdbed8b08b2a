"""Trends of the programme over time: orders, GMV and newly approved shops per week or per
month, for /dashboard/figures/.

Two aggregate queries whatever the number of buckets (orders and GMV in one, shops in the
other). Buckets are Vietnamese calendar weeks (Monday to Sunday) or months: an order placed at
23:30 on Sunday in Cà Mau counts in that week, whatever the server's time zone. Orders and
GMV are counted as on the rest of the page (marketplace/reports/selectors.py): every shop
order of a purchase placed in the bucket; GMV leaves out cancelled ones. A shop counts in the
bucket in which it was approved (`status_changed_at` of an approved shop; a shop approved
before that stamp existed counts on its creation).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import Coalesce, Trunc
from django.utils.translation import gettext_lazy as _

from marketplace.core.dates import VN, next_month, start_of_day
from marketplace.order.models import Order
from marketplace.order.statuses import OrderStatus
from shops.models import Partner

WEEK = "week"
MONTH = "month"
GRAINS = {WEEK: _("Theo tuần"), MONTH: _("Theo tháng")}
BUCKETS = 12


@dataclass(frozen=True)
class Bucket:
    start: datetime.date  # Monday of the week, or the 1st of the month
    end: datetime.date  # the last day, included: the last bucket stops at `last_day`
    orders: int
    gmv: int  # whole đồng
    new_shops: int

    def label(self, grain: str) -> str:
        if grain == MONTH:
            return f"{self.start:%m/%Y}"
        return f"{self.start:%d/%m}–{self.end:%d/%m/%Y}"


def bucket_starts(grain: str, last_day: datetime.date, count: int = BUCKETS) -> list[datetime.date]:
    """The first days of the `count` buckets ending with the one holding `last_day`, oldest first."""
    if grain == MONTH:
        starts = [last_day.replace(day=1)]
        for _i in range(count - 1):
            previous = starts[0] - datetime.timedelta(days=1)
            starts.insert(0, previous.replace(day=1))
        return starts
    monday = last_day - datetime.timedelta(days=last_day.weekday())
    return [monday - datetime.timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def _after(grain: str, start: datetime.date) -> datetime.date:
    return next_month(start) if grain == MONTH else start + datetime.timedelta(weeks=1)


def trends(grain: str, last_day: datetime.date, count: int = BUCKETS) -> list[Bucket]:
    """`count` buckets of `grain` (WEEK or MONTH) up to the one holding `last_day`, oldest
    first; the last one ends with `last_day` (a week or month so far)."""
    if grain not in GRAINS:
        raise ValueError(grain)
    starts = bucket_starts(grain, last_day, count)
    after_last = last_day + datetime.timedelta(days=1)
    since, until = start_of_day(starts[0]), start_of_day(after_last)

    def bucket(field):
        return Trunc(field, grain, output_field=DateField(), tzinfo=VN)

    orders = {
        row["day"]: row
        for row in Order.objects.filter(
            purchase__isnull=False, date_placed__gte=since, date_placed__lt=until
        )
        .annotate(day=bucket("date_placed"))
        .values("day")
        .annotate(
            n=Count("pk"),
            gmv=Sum("total_incl_tax", filter=~Q(status=OrderStatus.CANCELLED)),
        )
        .order_by("day")
    }
    shops = {
        row["day"]: row["n"]
        for row in Partner.objects.filter(status=Partner.Status.APPROVED)
        .annotate(approved_at=Coalesce("status_changed_at", "created_at"))
        .filter(approved_at__gte=since, approved_at__lt=until)
        .annotate(day=bucket("approved_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    }
    return [
        Bucket(
            start=start,
            end=min(_after(grain, start), after_last) - datetime.timedelta(days=1),
            orders=orders.get(start, {}).get("n", 0),
            gmv=int(orders.get(start, {}).get("gmv") or 0),
            new_shops=shops.get(start, 0),
        )
        for start in starts
    ]
