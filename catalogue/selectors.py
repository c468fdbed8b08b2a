"""Reads of the catalogue: what buyers may see, with a constant number of queries."""

from __future__ import annotations

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery

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
        Product.objects.filter(
            is_public=True,
            moderation_status=Product.Moderation.APPROVED,
            shop__status=Partner.Status.APPROVED,
        )
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


def featured_products(*, limit: int = 12, per_shop: int = 2) -> list[Product]:
    """The home page's shelf: products staff featured first, then OCOP products, most
    stars first, at most `per_shop` per shop.

    A shop with many packagings of one product would otherwise fill the shelf.
    """
    queryset = (
        product_list_public()
        .filter(Q(is_featured=True) | Q(ocop_stars__isnull=False))
        .order_by("-is_featured", F("ocop_stars").desc(nulls_last=True), "-date_created", "pk")
    )
    chosen: list[Product] = []
    per_shop_count: dict[int, int] = {}
    for product in queryset[: limit * 6]:
        if per_shop_count.get(product.shop_id, 0) < per_shop:
            per_shop_count[product.shop_id] = per_shop_count.get(product.shop_id, 0) + 1
            chosen.append(product)
            if len(chosen) == limit:
                break
    return chosen
