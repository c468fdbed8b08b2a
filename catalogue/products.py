"""A shop's products: create, edit, show or hide, delete; their photos; their stock level;
SKUs. The CSV import of many products at once is in catalogue/product_import.py.

Every function here is keyword-only, scoped by the caller to one shop (the seller views
pass objects they fetched through `self.shop`), records an audit event in the capacity the
member acts in, and reindexes the touched products once the transaction commits so the
storefront and search follow within seconds (batched with the model signals' own
requests by search.tasks, where a search outage is logged and never breaks the seller's
save). A shop under programme moderation publishes a new or edited product only once
approved (catalogue/curation/).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.base import File
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalogue.certificates import certificates_recheck
from catalogue.models import Category, Product, ProductCategory, ProductClass, ProductImage
from catalogue.pricing import NO_SALE, SaleTerms, sale_terms
from marketplace.core.audit import audit_record
from marketplace.core.sanitize import sanitize_html
from marketplace.core.text import slugify_vi
from search.tasks import reindex_on_commit
from shops.models import Partner, StockAdjustment, StockRecord

logger = logging.getLogger(__name__)

PRODUCT_CLASS_NAME = "Sản phẩm"
MAX_PRICE = 9_999_999_999  # StockRecord.price is DECIMAL(12, 2)
MAX_STOCK = 2_000_000_000  # PositiveIntegerField on every database we run on
SKU_MAX_LENGTH = 128


class ProductInOrders(Exception):
    """The product appears in order lines: orders keep their history, hide it instead."""


class StockAdjustmentRefused(Exception):
    """The adjustment would leave less stock than is allocated to orders (or below zero)."""


class StockChanged(Exception):
    """The stock is no longer the level the seller saw (an order was handed over, another
    member counted meanwhile): nothing was written; `current` is the level now."""

    def __init__(self, current: int):
        super().__init__(f"stock is now {current}")
        self.current = current


# --- helpers -----------------------------------------------------------------------


def _delete_files_on_commit(files: Sequence) -> None:
    names = [(f.storage, f.name) for f in files if f and f.name]

    def delete():
        for storage, name in names:
            try:
                storage.delete(name)
            except OSError:  # a missing file is not worth failing the request for
                logger.warning("could not delete %s", name)

    transaction.on_commit(delete)


def moderation_fields(shop: Partner) -> dict:
    """What a product write sets for moderation: a shop under programme moderation
    publishes a new or edited product only once approved."""
    if shop is not None and shop.moderation_required:
        return {"moderation_status": Product.Moderation.PENDING, "moderation_reason": ""}
    return {}


def product_class_default() -> ProductClass:
    """The one product class of the marketplace (created on first use)."""
    product_class = ProductClass.objects.order_by("pk").first()
    if product_class is None:
        product_class = ProductClass.objects.create(
            name=PRODUCT_CLASS_NAME, slug=slugify_vi(PRODUCT_CLASS_NAME),
            track_stock=True, requires_shipping=True,
        )
    return product_class


def shop_stockrecord(*, shop: Partner, product: Product) -> StockRecord | None:
    return StockRecord.objects.filter(partner=shop, product=product).order_by("pk").first()


def sku_generate(*, shop: Partner, title: str, taken: set[str] | None = None) -> str:
    """A SKU derived from the title ("MAT-ONG-U-MINH"), suffixed -2, -3… when taken in the shop."""
    base = (slugify_vi(title).upper() or "SP")[: SKU_MAX_LENGTH - 6]
    if taken is None:
        taken = set(
            StockRecord.objects.filter(partner=shop, partner_sku__startswith=base).values_list(
                "partner_sku", flat=True
            )
        )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def product_category_set(*, product: Product, category: Category | None) -> None:
    """Put the product in `category` alone (None: leave its categories as they are)."""
    if category is None:
        return
    current = list(ProductCategory.objects.filter(product=product).values_list("category_id", flat=True))
    if current == [category.pk]:
        return
    ProductCategory.objects.filter(product=product).delete()
    ProductCategory.objects.create(product=product, category=category)


def _add_images(product: Product, files: Sequence[File], start: int) -> list[ProductImage]:
    images = []
    for offset, upload in enumerate(files):
        image = ProductImage(product=product, caption=product.title[:200], display_order=start + offset)
        name = getattr(upload, "name", "") or f"anh-{product.pk}-{start + offset}.jpg"
        image.original.save(name.rsplit("/", 1)[-1], upload, save=True)
        images.append(image)
    return images


# --- products ----------------------------------------------------------------------


@transaction.atomic
def product_create(
    *,
    shop: Partner,
    actor,
    acting_as: str,
    title: str,
    category: Category,
    price: int,
    stock: int,
    description: str = "",
    sku: str = "",
    traceability_url: str = "",
    images: Sequence[File] = (),
    is_public: bool = True,
    reindex: bool = True,
    sale: SaleTerms = NO_SALE,
) -> Product:
    """A standalone product of the shop with its stock record, category and photos; `sale`
    (checked by the caller with catalogue.pricing.sale_errors) its sale price and period."""
    product = Product.objects.create(
        title=title.strip(),
        slug=slugify_vi(title) or "san-pham",
        description=sanitize_html(description),
        product_class=product_class_default(),
        structure=Product.STANDALONE,
        shop=shop,
        is_public=is_public,
        traceability_url=traceability_url,
        **moderation_fields(shop),
    )
    ProductCategory.objects.create(product=product, category=category)
    StockRecord.objects.create(
        product=product, partner=shop,
        partner_sku=sku.strip() or sku_generate(shop=shop, title=title),
        price=Decimal(int(price)), price_currency="VND", num_in_stock=int(stock), num_allocated=0,
        sale_price=sale.price, sale_starts_at=sale.starts_at, sale_ends_at=sale.ends_at,
    )
    _add_images(product, images, start=0)
    audit_record(
        action="product.created", actor=actor, acting_as=acting_as, shop=shop, target=product,
        data={"price": int(price), "stock": int(stock), "images": len(images)},
    )
    if reindex:
        reindex_on_commit([product.pk])
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    actor,
    acting_as: str,
    title: str,
    category: Category,
    price: int | None,
    description: str = "",
    sku: str = "",
    traceability_url: str = "",
    stock: int | None = None,
    stock_seen: int | None = None,
    sale: SaleTerms | None = None,
) -> Product:
    """Change the product's fields; a changed stock is applied as a race-safe adjustment.

    `stock_seen` is the level the seller saw when the form was rendered: `stock` is written
    only if the level is still `stock_seen` (stock_set), else StockChanged rolls the whole
    edit back, so a hand-over meanwhile is never silently undone.
    `sale` (None: unchanged; NO_SALE: none) sets the sale price and period, checked by the
    caller with catalogue.pricing.sale_errors.
    A new title or product group sends its verified OCOP certificates back to staff
    (catalogue/certificates.py); they are in `product.ocop_sent_back` for the seller's message.
    """
    shop = product.shop
    changed = {}
    new_values = {
        "title": title.strip(),
        "description": sanitize_html(description),
        "traceability_url": traceability_url,
    }
    for name, value in new_values.items():
        if getattr(product, name) != value:
            changed[name] = value
            setattr(product, name, value)
    if "title" in changed:
        product.slug = slugify_vi(product.title) or product.slug
    moderation = moderation_fields(shop)
    for name, value in moderation.items():
        setattr(product, name, value)
    if changed or moderation:
        product.save()
    product_category_set(product=product, category=category)
    product.ocop_sent_back = certificates_recheck(product=product, actor=actor, acting_as=acting_as)

    if product.is_parent:  # priced and stocked per option (catalogue/variants.py)
        audit_record(
            action="product.changed", actor=actor, acting_as=acting_as, shop=shop, target=product,
            data={"fields": sorted(changed)},
        )
        product.save(update_fields=["search_text"])  # its options' names stay searchable
        reindex_on_commit([product.pk])
        return product
    record = shop_stockrecord(shop=shop, product=product)
    if record is None:
        record = StockRecord.objects.create(
            product=product, partner=shop,
            partner_sku=sku.strip() or sku_generate(shop=shop, title=product.title),
            price=Decimal(int(price)), price_currency="VND", num_in_stock=stock or 0, num_allocated=0,
            **(sale_columns(sale) if sale is not None else {}),
        )
        stock = stock_seen = None
    else:
        fields = {}
        if record.price is None or int(record.price) != int(price):
            fields["price"] = Decimal(int(price))
        if sku.strip() and sku.strip() != record.partner_sku:
            fields["partner_sku"] = sku.strip()
        if sale is not None and sale != sale_terms(record):
            fields.update(sale_columns(sale))
        if fields:
            StockRecord.objects.filter(pk=record.pk).update(**fields)
            changed.update({k: str(v) for k, v in fields.items()})
    audit_record(
        action="product.changed", actor=actor, acting_as=acting_as, shop=shop, target=product,
        data={"fields": sorted(changed)},
    )
    if stock is not None and stock_seen is not None and stock != stock_seen:
        stock_set(
            stockrecord=record, quantity=stock, expected=stock_seen,
            reason=_("Sửa trong trang sản phẩm"), actor=actor, acting_as=acting_as,
        )
    reindex_on_commit([product.pk])
    return product


def sale_columns(sale: SaleTerms) -> dict:
    """The stock record's columns of these sale terms (for an UPDATE)."""
    return {"sale_price": sale.price, "sale_starts_at": sale.starts_at, "sale_ends_at": sale.ends_at}


@transaction.atomic
def product_set_public(*, product: Product, is_public: bool, actor, acting_as: str) -> Product:
    Product.objects.filter(pk=product.pk).update(is_public=is_public)
    product.is_public = is_public
    audit_record(
        action="product.shown" if is_public else "product.hidden",
        actor=actor, acting_as=acting_as, shop=product.shop, target=product,
    )
    reindex_on_commit([product.pk])
    return product


def product_has_orders(product: Product) -> bool:
    """True when the product must be kept: ordered (orders keep their history) or
    holding an OCOP certificate (the programme keeps its records). Hide it instead."""
    Line = get_model("order", "Line")
    return (
        # a product with options: any of its options ordered
        Line.objects.filter(Q(product=product) | Q(product__parent=product)).exists()
        or product.ocop_certificates.exists()
    )


@transaction.atomic
def product_delete(*, product: Product, actor, acting_as: str) -> None:
    """Delete a product nobody ordered and with no OCOP certificate; others are hidden instead."""
    if product_has_orders(product):
        raise ProductInOrders(product.pk)
    shop, pk = product.shop, product.pk
    files = [image.original for image in ProductImage.objects.filter(Q(product=product) | Q(product__parent=product))]
    audit_record(
        action="product.deleted", actor=actor, acting_as=acting_as, shop=shop, target=product,
        data={"title": product.title},
    )
    product.delete()
    _delete_files_on_commit(files)
    reindex_on_commit([pk])  # a deleted product is removed from the index


# --- photos ------------------------------------------------------------------------


@transaction.atomic
def product_images_add(
    *, product: Product, files: Sequence[File], actor, acting_as: str
) -> list[ProductImage]:
    """Append photos after the existing ones (the first photo of a product becomes main)."""
    last = product.images.order_by("-display_order").values_list("display_order", flat=True).first()
    images = _add_images(product, files, start=0 if last is None else last + 1)
    _renumber(product)
    audit_record(
        action="product.images_added", actor=actor, acting_as=acting_as, shop=product.shop,
        target=product, data={"images": [image.pk for image in images]},
    )
    reindex_on_commit([product.pk])
    return images


def _renumber(product: Product, ordered_ids: Sequence[int] | None = None) -> None:
    """display_order 0..n-1 in the given order (the rest keep their relative order)."""
    images = list(product.images.order_by("display_order", "pk"))
    if ordered_ids is not None:
        position = {pk: index for index, pk in enumerate(ordered_ids)}
        images.sort(key=lambda image: (position.get(image.pk, len(position)), image.display_order, image.pk))
    dirty = []
    for index, image in enumerate(images):
        if image.display_order != index:
            image.display_order = index
            dirty.append(image)
    ProductImage.objects.bulk_update(dirty, ["display_order"])


@transaction.atomic
def product_image_reorder(
    *, product: Product, ordered_ids: Sequence[int], actor, acting_as: str
) -> None:
    """Put the product's photos in this order; the first one becomes the main photo.

    Ids that are not photos of this product are ignored (the caller scoped nothing else).
    """
    own = set(product.images.values_list("pk", flat=True))
    ordered = [pk for pk in ordered_ids if pk in own]
    _renumber(product, ordered)
    audit_record(
        action="product.images_reordered", actor=actor, acting_as=acting_as, shop=product.shop,
        target=product, data={"order": ordered},
    )
    reindex_on_commit([product.pk])


@transaction.atomic
def product_image_set_main(*, image: ProductImage, actor, acting_as: str) -> None:
    product = image.product
    _renumber(product, [image.pk])
    audit_record(
        action="product.main_image_set", actor=actor, acting_as=acting_as, shop=product.shop,
        target=product, data={"image": image.pk},
    )
    reindex_on_commit([product.pk])


@transaction.atomic
def product_image_delete(*, image: ProductImage, actor, acting_as: str) -> None:
    product = image.product
    _delete_files_on_commit([image.original])
    ProductImage.objects.filter(pk=image.pk).delete()  # not Model.delete: it renumbers row by row
    _renumber(product)
    audit_record(
        action="product.image_deleted", actor=actor, acting_as=acting_as, shop=product.shop,
        target=product, data={"image": image.pk},
    )
    reindex_on_commit([product.pk])


# --- stock -------------------------------------------------------------------------


@transaction.atomic
def stock_adjust(
    *, stockrecord: StockRecord, delta: int, reason: str, actor, acting_as: str,
    reindex: bool = True,
) -> StockAdjustment:
    """Add `delta` (signed) to the stock in one conditional UPDATE.

    The WHERE clause refuses a result below the allocated quantity (or below zero), so
    two sellers — or a seller and a checkout — adjusting at once can never oversell:
    each UPDATE applies to the row as it is then, never to a stale copy.
    """
    delta = int(delta)
    level = Coalesce(F("num_in_stock"), Value(0)) + Value(delta)
    floor = Greatest(Coalesce(F("num_allocated"), Value(0)), Value(0))
    updated = (
        StockRecord.objects.filter(pk=stockrecord.pk)
        .filter(GreaterThanOrEqual(level, floor))
        .update(num_in_stock=level)
    )
    if not updated:
        raise StockAdjustmentRefused(stockrecord.pk)
    resulting = StockRecord.objects.filter(pk=stockrecord.pk).values_list("num_in_stock", flat=True).get()
    return _stock_logged(
        stockrecord=stockrecord, delta=delta, resulting=resulting, reason=reason,
        actor=actor, acting_as=acting_as, reindex=reindex,
    )


@transaction.atomic
def stock_set(
    *, stockrecord: StockRecord, quantity: int, expected: int, reason: str, actor, acting_as: str,
) -> StockAdjustment | None:
    """Set the stock on hand to `quantity`, the count the seller typed, if it is still
    `expected` (the level the form showed): one conditional UPDATE, so a hand-over or another
    member's count in between is never overwritten. The change is logged like stock_adjust
    (delta, level before and after, who, why); None when `quantity` is already the level.

    Raises StockChanged (with the level now) when the level moved since the form was shown,
    StockAdjustmentRefused when `quantity` is below what orders hold (or below zero).
    """
    quantity, expected = int(quantity), int(expected)
    if quantity < 0:
        raise StockAdjustmentRefused(stockrecord.pk)
    current = Coalesce(F("num_in_stock"), Value(0))
    floor = Greatest(Coalesce(F("num_allocated"), Value(0)), Value(0))
    updated = (
        StockRecord.objects.annotate(current_level=current, floor_level=floor)
        .filter(pk=stockrecord.pk, current_level=expected, floor_level__lte=quantity)
        .update(num_in_stock=quantity)
    )
    if not updated:
        now = StockRecord.objects.filter(pk=stockrecord.pk).values_list("num_in_stock", flat=True).get()
        if (now or 0) != expected:
            raise StockChanged(now or 0)
        raise StockAdjustmentRefused(stockrecord.pk)
    if quantity == expected:
        return None
    return _stock_logged(
        stockrecord=stockrecord, delta=quantity - expected, resulting=quantity, reason=reason,
        actor=actor, acting_as=acting_as, reindex=True,
    )


def _stock_logged(
    *, stockrecord: StockRecord, delta: int, resulting: int, reason: str, actor, acting_as: str,
    reindex: bool,
) -> StockAdjustment:
    """The log of a stock change made by hand: the adjustment row and the audit event."""
    stockrecord.num_in_stock = resulting
    adjustment = StockAdjustment.objects.create(
        stockrecord=stockrecord, delta=delta, resulting_level=resulting, reason=reason[:255],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        action="stock.adjusted", actor=actor, acting_as=acting_as, shop=stockrecord.partner,
        target=stockrecord.product, reason=reason,
        data={"delta": delta, "previous_level": resulting - delta, "resulting_level": resulting,
              "sku": stockrecord.partner_sku},
    )
    if reindex:
        reindex_on_commit([stockrecord.product_id])
    return adjustment
