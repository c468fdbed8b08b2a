"""Reads of the catalogue: what buyers may see, with a constant number of queries."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from catalogue.models import OcopCertificate, Product, ProductImage
from shops.models import Partner


def valid_certificates() -> QuerySet[OcopCertificate]:
    return OcopCertificate.objects.valid()


def product_list_public() -> QuerySet[Product]:
    """Public, standalone or child products of approved shops, with what a card shows.

    Each row carries `ocop_stars` / `ocop_expires` from its best valid certificate
    (None without one) so cards need no query per product.
    """
    best = valid_certificates().filter(product=OuterRef("pk")).order_by("-stars", "-expires_on")
    return (
        Product.objects.filter(is_public=True, shop__status=Partner.Status.APPROVED)
        .exclude(structure=Product.PARENT)
        .select_related("shop", "product_class")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            "stockrecords",
            "categories",
        )
        .annotate(
            ocop_stars=Subquery(best.values("stars")[:1]),
            ocop_expires=Subquery(best.values("expires_on")[:1]),
        )
    )


def featured_products(*, limit: int = 12) -> list[Product]:
    """OCOP products first (most stars), then the newest: the home page's shelf."""
    queryset = product_list_public().filter(ocop_certificates__in=valid_certificates())
    return list(queryset.distinct().order_by("-ocop_stars", "-date_created")[:limit])
