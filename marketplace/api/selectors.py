"""Reads the API shares: the OCOP products valid today (open data and `/ocop-products`).

A product is listed when buyers can see it (catalogue.selectors.product_list_public: public,
approved by moderation, of an approved shop) and it holds a certificate valid today
(OcopCertificate.objects.valid(): verified, unrevoked, unexpired, Asia/Ho_Chi_Minh date).
It is listed once, with its best valid certificate: most stars, then latest expiry, then
the newest row — the certificate its product card shows.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from catalogue.models import Category, OcopCertificate, ProductCategory, ProductImage
from catalogue.selectors import product_list_public


def ocop_certificates_current() -> QuerySet[OcopCertificate]:
    """One row per visible product: its best valid certificate, with product, parent and shop."""
    valid = OcopCertificate.objects.valid()
    best = valid.filter(product=OuterRef("product")).order_by("-stars", "-expires_on", "-pk")
    return (
        valid.filter(product__in=product_list_public().values("pk"))
        .filter(pk=Subquery(best.values("pk")[:1]))
        .select_related("product", "product__parent", "product__shop")
    )


def ocop_certificates_filtered(
    *, stars: list[int] | None = None, group: str | None = None, commune_code: int | None = None
) -> QuerySet[OcopCertificate]:
    """ocop_certificates_current() narrowed, with what a product card needs prefetched.

    `group` is an OCOP product group code (catalogue.ocop.OCOP_GROUP_CODES): products filed
    in that top-level category or below it (a variant through its parent's categories).
    """
    certificates = ocop_certificates_current().select_related("product__product_class")
    if stars:
        certificates = certificates.filter(stars__in=stars)
    if commune_code is not None:
        certificates = certificates.filter(product__shop__commune_code=commune_code)
    if group is not None:
        root = Category.objects.filter(code=group, depth=1).values("path")[:1]
        in_group = ProductCategory.objects.filter(category__path__startswith=Subquery(root)).values(
            "product_id"
        )
        certificates = certificates.filter(
            Q(product__in=in_group) | Q(product__parent__in=in_group)
        )
    return certificates.prefetch_related(
        Prefetch("product__images", queryset=ProductImage.objects.order_by("display_order")),
        "product__stockrecords",
    )
