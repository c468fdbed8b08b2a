"""Programme curation: featured products, curated collections, product moderation.

Every function is keyword-only, records an audit event in the programme's capacity and,
when what buyers may see changes, reindexes the product after commit (a search outage
never undoes a staff decision: the callback is robust and the next rebuild catches up).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalogue.models import Collection, CollectionItem, Product
from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent
from marketplace.core.text import slugify_vi
from search.tasks import reindex_on_commit
from shops.models import Partner

logger = logging.getLogger(__name__)

PROGRAMME = AuditEvent.Capacity.PROGRAMME


class CurationError(ValueError):
    """The decision does not apply (e.g. a reject without a reason, a taken slug)."""


# --- featured products ---------------------------------------------------------------


@transaction.atomic
def product_feature(*, product: Product, actor, featured: bool) -> Product:
    """Put the product on (or take it off) the home page's featured shelf."""
    updated = (
        Product.objects.filter(pk=product.pk)
        .exclude(is_featured=featured)
        .update(is_featured=featured)
    )
    product.is_featured = featured
    if updated:
        audit_record(
            action="product.featured" if featured else "product.unfeatured",
            actor=actor,
            acting_as=PROGRAMME,
            shop=product.shop,
            target=product,
        )
        reindex_on_commit([product.pk])
    return product


# --- collections ---------------------------------------------------------------------


def _free_slug(name: str, slug: str = "", exclude_pk: int | None = None) -> str:
    base = (slugify_vi(slug or name) or "bo-suu-tap")[:120].strip("-") or "bo-suu-tap"
    taken = Collection.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def collection_create(
    *, name: str, actor, slug: str = "", description: str = "", is_active: bool = True
) -> Collection:
    collection = Collection.objects.create(
        name=name.strip(),
        slug=_free_slug(name, slug),
        description=description.strip(),
        is_active=is_active,
    )
    audit_record(
        action="collection.created",
        actor=actor,
        acting_as=PROGRAMME,
        target=collection,
        data={"name": collection.name, "slug": collection.slug},
    )
    return collection


@transaction.atomic
def collection_update(
    *,
    collection: Collection,
    actor,
    name: str,
    slug: str = "",
    description: str = "",
    is_active: bool = True,
) -> Collection:
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    new_values = {
        "name": name.strip(),
        "slug": _free_slug(name, slug, exclude_pk=collection.pk)
        if (slug and slugify_vi(slug) != collection.slug)
        else collection.slug,
        "description": description.strip(),
        "is_active": is_active,
    }
    changed = sorted(k for k, v in new_values.items() if getattr(collection, k) != v)
    for key, value in new_values.items():
        setattr(collection, key, value)
    if changed:
        try:
            with transaction.atomic():
                collection.save()
        except IntegrityError as exc:  # a slug taken meanwhile
            raise CurationError(_("Đường dẫn này đã được dùng cho bộ sưu tập khác.")) from exc
        audit_record(
            action="collection.changed",
            actor=actor,
            acting_as=PROGRAMME,
            target=collection,
            data={"fields": changed},
        )
    return collection


@transaction.atomic
def collection_delete(*, collection: Collection, actor) -> None:
    audit_record(
        action="collection.deleted",
        actor=actor,
        acting_as=PROGRAMME,
        target=collection,
        data={"name": collection.name, "slug": collection.slug},
    )
    collection.delete()


@transaction.atomic
def collection_set_products(
    *, collection: Collection, product_ids: Sequence[int], actor
) -> list[int]:
    """Make the collection hold exactly these products, in this order (positions 0..n-1).

    Ids of products that do not exist are dropped, as are repeats (first one wins).
    Returns the ids kept, in order.
    """
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    wanted: list[int] = []
    for pk in product_ids:
        pk = int(pk)
        if pk not in wanted:
            wanted.append(pk)
    existing = set(Product.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    ordered = [pk for pk in wanted if pk in existing]
    before = list(
        CollectionItem.objects.filter(collection=collection)
        .order_by("position", "pk")
        .values_list("product_id", flat=True)
    )
    if before == ordered:
        return ordered
    CollectionItem.objects.filter(collection=collection).delete()
    CollectionItem.objects.bulk_create(
        CollectionItem(collection=collection, product_id=pk, position=index)
        for index, pk in enumerate(ordered)
    )
    audit_record(
        action="collection.products_set",
        actor=actor,
        acting_as=PROGRAMME,
        target=collection,
        data={"products": ordered, "before": before},
    )
    return ordered


# --- moderation ----------------------------------------------------------------------


def _moderate(*, product: Product, actor, status: str, reason: str, action: str) -> Product:
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.moderation_status != Product.Moderation.PENDING:
        raise CurationError(_("Sản phẩm này không còn chờ duyệt."))
    Product.objects.filter(pk=product.pk).update(moderation_status=status, moderation_reason=reason)
    product.moderation_status, product.moderation_reason = status, reason
    audit_record(
        action=action,
        actor=actor,
        acting_as=PROGRAMME,
        shop=product.shop,
        target=product,
        reason=reason,
    )
    reindex_on_commit([product.pk])
    return product


@transaction.atomic
def moderation_approve(*, product: Product, actor) -> Product:
    """Publish a pending product (if it is public and its shop approved)."""
    return _moderate(
        product=product,
        actor=actor,
        status=Product.Moderation.APPROVED,
        reason="",
        action="product.moderation_approved",
    )


@transaction.atomic
def moderation_reject(*, product: Product, actor, reason: str) -> Product:
    """Keep a pending product off the storefront; the seller sees the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise CurationError(_("Vui lòng ghi lý do (người bán sẽ nhận được)."))
    return _moderate(
        product=product,
        actor=actor,
        status=Product.Moderation.REJECTED,
        reason=reason,
        action="product.moderation_rejected",
    )


@transaction.atomic
def shop_set_moderation(*, shop: Partner, required: bool, actor) -> Partner:
    """Require (or stop requiring) staff approval of the shop's new and edited products.

    Turning it off leaves products already waiting in the queue: staff still decide them.
    """
    updated = (
        Partner.objects.filter(pk=shop.pk)
        .exclude(moderation_required=required)
        .update(moderation_required=required)
    )
    shop.moderation_required = required
    if updated:
        audit_record(
            action="shop.moderation_on" if required else "shop.moderation_off",
            actor=actor,
            acting_as=PROGRAMME,
            shop=shop,
            target=shop,
        )
    return shop
