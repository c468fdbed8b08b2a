"""Reads of shops for buyers."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from shops.models import Partner


def shop_list_approved() -> QuerySet[Partner]:
    return (
        Partner.objects.approved()
        .annotate(product_count=Count("products", filter=Q(products__is_public=True)))
        .order_by("name")
    )


def shop_get_public(*, slug: str) -> Partner:
    return Partner.objects.approved().get(code=slug)
