"""Reads of programme curation: collections as buyers see them, the moderation queue.

Every function answers with a constant number of queries, whatever the number of
collections or products.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from catalogue.models import Collection, CollectionItem, Product, ProductImage
from catalogue.selectors import product_list_public
from shops.models import Partner


def collection_products(collection: Collection, limit: int | None = None) -> list[Product]:
    """The collection's public products, in the collection's order (cards-ready)."""
    position = CollectionItem.objects.filter(collection=collection, product=OuterRef("pk")).values(
        "position"
    )[:1]
    queryset = (
        product_list_public()
        .annotate(collection_position=Subquery(position))
        .filter(collection_position__isnull=False)
        .order_by("collection_position", "pk")
    )
    if limit is not None:
        queryset = queryset[:limit]
    return list(queryset)


def collection_list_active(*, per_collection: int = 8) -> list[Collection]:
    """Active collections holding at least one public product, for the home page.

    Each carries `public_products` (at most `per_collection`, in order, cards-ready).
    Six queries in all: collections, their items (sliced per collection in SQL), the
    products, and the products' photos, stock records and categories.
    """
    items = (
        CollectionItem.objects.filter(product_id__in=product_list_public().values("pk"))
        .order_by("position", "pk")
        .prefetch_related(Prefetch("product", queryset=product_list_public()))
    )
    collections = list(
        Collection.objects.filter(is_active=True)
        .order_by("name", "pk")
        .prefetch_related(
            Prefetch("items", queryset=items[:per_collection], to_attr="public_items")
        )
    )
    for collection in collections:
        collection.public_products = [item.product for item in collection.public_items]
    return [collection for collection in collections if collection.public_products]


def collection_list() -> QuerySet[Collection]:
    """Every collection for the staff list, with its number of products."""
    from django.db.models import Count

    return Collection.objects.annotate(product_count=Count("items")).order_by("name", "pk")


def collection_items(collection: Collection) -> list[CollectionItem]:
    """The collection's items in order, with each product's title and shop (staff view)."""
    return list(
        CollectionItem.objects.filter(collection=collection)
        .select_related("product", "product__shop")
        .order_by("position", "pk")
    )


def moderation_queue() -> QuerySet[Product]:
    """Products waiting for the programme's approval, oldest change first."""
    return (
        Product.objects.filter(moderation_status=Product.Moderation.PENDING)
        .select_related("shop")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            "stockrecords",
        )
        .order_by("date_updated", "pk")
    )


def featured_list() -> QuerySet[Product]:
    return (
        Product.objects.filter(is_featured=True)
        .select_related("shop")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            "stockrecords",
        )
        .order_by("title", "pk")
    )


def product_search(*, query: str, limit: int = 50) -> QuerySet[Product]:
    """Staff's product lookup by title (or id), any shop, any state."""
    query = (query or "").strip()
    if not query:
        return Product.objects.none()
    condition = Q(title__icontains=query)
    if query.isdigit():
        condition |= Q(pk=int(query))
    return (
        Product.objects.filter(condition)
        .exclude(structure=Product.CHILD)
        .select_related("shop")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order")),
            "stockrecords",
        )
        .order_by("-is_featured", "title", "pk")[:limit]
    )


def shop_moderation_list(*, query: str = "") -> QuerySet[Partner]:
    """Shops with the moderation switch, the ones under moderation first."""
    from django.db.models import Count

    shops = Partner.objects.all()
    if query:
        shops = shops.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return shops.annotate(
        pending_count=Count(
            "products", filter=Q(products__moderation_status=Product.Moderation.PENDING)
        )
    ).order_by("-moderation_required", "name", "pk")
