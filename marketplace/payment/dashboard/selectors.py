"""Reads of the programme's payment dashboard: every shop's orders (staff see all)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from marketplace.order.models import Order


def payment_orders(*, shop=None, statuses: tuple[str, ...] | None = None) -> QuerySet:
    """Shop orders of purchases, newest first; a fixed number of queries for any page."""
    orders = (
        Order.objects.filter(purchase__isnull=False)
        .select_related("shop", "purchase")
        .order_by("-date_placed", "-pk")
    )
    if statuses is not None:
        orders = orders.filter(payment_status__in=statuses)
    if shop is not None:
        orders = orders.filter(shop=shop)
    return orders


def payment_order_or_404(order_number: str) -> Order:
    return get_object_or_404(payment_orders(), number=order_number)
