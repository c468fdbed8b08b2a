"""Reads of the seller's reviews pages. Every queryset starts from the shop."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from oscar.core.loading import get_model

from shops.models import Partner

ProductReview = get_model("reviews", "ProductReview")


def review_list_for_shop(*, shop: Partner) -> QuerySet:
    """Reviews of the shop's products (and their variants), newest first, in constant queries."""
    return (
        ProductReview.objects.filter(Q(product__shop=shop) | Q(product__parent__shop=shop))
        .select_related("product", "product__parent", "user", "meta", "meta__seller_reply_by")
        .order_by("-date_created", "-pk")
    )


def review_for_shop_or_404(*, shop: Partner, review_pk: int):
    """A review of one of the shop's products; another shop's review answers 404."""
    return get_object_or_404(review_list_for_shop(shop=shop), pk=review_pk)
