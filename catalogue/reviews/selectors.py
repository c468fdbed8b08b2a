"""Reads of published reviews, with what the review partial shows, in constant queries."""

from __future__ import annotations

from django.db.models import QuerySet
from oscar.core.loading import get_model

ProductReview = get_model("reviews", "ProductReview")


def product_reviews_public(*, product) -> QuerySet:
    """Approved reviews of the product, newest first, with reviewer and marketplace data."""
    return (
        ProductReview.objects.approved()
        .filter(product=product)
        .select_related("user", "meta")
        .order_by("-date_created", "-pk")
    )
