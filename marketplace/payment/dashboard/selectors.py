"""Reads of the programme's payment dashboard: every shop's orders (staff see all)."""

from __future__ import annotations

from django.db.models import Case, Count, QuerySet, When
from django.shortcuts import get_object_or_404

from marketplace.order.models import Order
from marketplace.payment.models import CardPaymentReview


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


def card_reviews(*, status: str | None = None) -> QuerySet:
    """Card payments needing (first) or having had a staff decision, newest first; one query
    a page."""
    waiting = Case(When(status=CardPaymentReview.Status.OPEN, then=0), default=1)
    reviews = (
        CardPaymentReview.objects.select_related("purchase", "decided_by")
        .order_by(waiting, "-created_at", "-pk")
    )
    if status:
        reviews = reviews.filter(status=status)
    return reviews


def card_review_status_counts() -> dict[str, int]:
    rows = CardPaymentReview.objects.values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}
