"""A past for the demo: shops approved over the last year and the demo purchases that are
past their first steps placed over the last weeks, so the staff figures' trends
(/dashboard/figures/, marketplace/reports/trends.py) show a line rather than one bar today.

- Shops: each demo shop without an approval date gets one, spread evenly over the last
  `SHOP_DAYS` days (the first shop of the plan the earliest).
- Orders: only purchases of the demo accounts placed in the last day, and only those whose
  every order is past "pending" and not waiting for a bank transfer: a pending order dated
  back would be cancelled by the daily deadlines (marketplace/order/lifecycle.py). Each such
  purchase moves back by `ORDER_STEP_DAYS` more than the one before, never later than two
  days before its first delivery (a delivered order was placed before it was delivered).
Run last in `load_demo`; a second run finds nothing left to date.
"""

from __future__ import annotations

import datetime

from django.db.models import Min
from django.utils import timezone

from marketplace.order.models import Order, Purchase
from marketplace.order.statuses import OrderStatus, stored_values
from shops.models import Partner

from . import catalogue_data as data

SHOP_DAYS = 330
ORDER_STEP_DAYS = 9


def ensure_demo_history(shops: dict[str, Partner], *, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    _date_shop_approvals(shops, now)
    _spread_purchases(now)


def _date_shop_approvals(shops: dict[str, Partner], now: datetime.datetime) -> None:
    undated = [
        shop for shop in shops.values()
        if shop.status == Partner.Status.APPROVED and shop.status_changed_at is None
    ]
    if not undated:
        return
    count = len(shops)
    position = {code: index for index, code in enumerate(shops)}
    for shop in undated:
        days_ago = round(SHOP_DAYS * (count - position[shop.code]) / count)
        approved = now - datetime.timedelta(days=days_ago, hours=position[shop.code] % 7)
        Partner.objects.filter(pk=shop.pk, status_changed_at__isnull=True).update(
            status_changed_at=approved
        )
        shop.status_changed_at = approved


def _spread_purchases(now: datetime.datetime) -> None:
    recent = (
        Purchase.objects.filter(
            user__email__endswith=f"@{data.DEMO_EMAIL_DOMAIN}",
            orders__date_placed__gte=now - datetime.timedelta(days=1),
        )
        .exclude(orders__status__in=stored_values(OrderStatus.PENDING))
        .exclude(orders__payment_status=Order.PaymentStatus.AWAITING_TRANSFER)
        .annotate(first_delivery=Min("orders__shipments__delivered_at"))
        .distinct()
        .order_by("-number")
    )
    for step, purchase in enumerate(recent, start=1):
        placed = now - datetime.timedelta(days=ORDER_STEP_DAYS * step, hours=step * 3)
        if purchase.first_delivery is not None:
            placed = min(placed, purchase.first_delivery - datetime.timedelta(days=2))
        Order.objects.filter(purchase=purchase).update(date_placed=placed)
        Purchase.objects.filter(pk=purchase.pk).update(created_at=placed)
