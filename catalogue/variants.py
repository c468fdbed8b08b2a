"""A product's options ("Phân loại hàng": chai 250 ml, chai 500 ml, hộp quà): Oscar's parent
and child products (docs/decisions/0042-variants.md).

- The parent is what buyers find and review, and what holds the OCOP certificates; it has no
  stock record. Each child (variant) is one option: its own `title` is the option name
  ("chai 500 ml"), its own stock record (SKU unique in the shop, price, stock) and optionally
  its own photo (a ProductImage of the child). A child carries its parent's `shop` too, so
  every "this shop's stock" query keeps working.
- Adding the first option to a standalone product turns it into a parent: its stock record
  (SKU, price, stock, allocations) moves to a first child named by the seller. Its old order
  lines keep pointing at the product, now the parent, and still read its title.
- Merging several standalone products makes a new parent and turns each of them into one of
  its children: order lines, stock records and photos stay on the same rows; reviews and OCOP
  certificates move to the parent.

Keyword-only services scoped by the caller to one shop (seller views pass objects they
fetched through `self.shop`), audited, reindexed on commit like catalogue.products.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalogue.certificates import certificates_recheck
from catalogue.models import OcopCertificate, Product, ProductCategory, ProductImage
from catalogue.pricing import SaleTerms, sale_terms
from catalogue.products import (
    MAX_PRICE,
    MAX_STOCK,
    ProductInOrders,
    _add_images,
    _delete_files_on_commit,
    moderation_fields,
    product_class_default,
    sale_columns,
    sku_generate,
    stock_set,
)
from marketplace.core.audit import audit_record
from marketplace.core.sanitize import sanitize_html
from marketplace.core.text import fold, slugify_vi
from search.tasks import reindex_on_commit
from shops.models import Partner, StockRecord

OPTION_MAX_LENGTH = 80


class VariantRefused(Exception):
    """Bad input for a variant or a merge: `errors` maps a field name to its message.
    Nothing was written."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _option_key(option: str) -> str:
    return " ".join(fold(option or "").lower().split())


def _clean_option(option: str) -> str:
    return " ".join(str(option or "").split())[:OPTION_MAX_LENGTH]


def variants_of(product: Product, *, public_only: bool = False) -> list[Product]:
    """The parent's variants in the order they were added, with their stock records and
    photos (three queries, whatever their number)."""
    children = product.children.order_by("pk").prefetch_related(
        "stockrecords", "images"
    )
    if public_only:
        children = children.filter(is_public=True)
    return list(children)


def _check(
    *, shop: Partner, parent: Product | None, option: str, price, stock, sku: str,
    variant: Product | None = None, check_stock: bool = True,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not option:
        errors["option"] = _("Nhập tên phân loại, ví dụ “chai 500 ml”.")
    elif parent is not None:
        siblings = parent.children.exclude(pk=variant.pk) if variant is not None else parent.children.all()
        if _option_key(option) in {_option_key(t) for t in siblings.values_list("title", flat=True)}:
            errors["option"] = _("Sản phẩm đã có phân loại “%(option)s”.") % {"option": option}
    if price is None:
        errors["price"] = _("Nhập giá bán (số đồng) cho phân loại này.")
    elif int(price) < 0:
        errors["price"] = _("Giá không được âm.")
    elif int(price) > MAX_PRICE:
        errors["price"] = _("Giá quá lớn.")
    if check_stock:
        if stock is None:
            errors["stock"] = _("Nhập số lượng tồn kho cho phân loại này.")
        elif int(stock) < 0:
            errors["stock"] = _("Tồn kho không được âm.")
        elif int(stock) > MAX_STOCK:
            errors["stock"] = _("Tồn kho quá lớn.")
    if sku:
        taken = StockRecord.objects.filter(partner=shop, partner_sku=sku)
        if variant is not None:
            taken = taken.exclude(product=variant)
        if taken.exists():
            errors["sku"] = _("Mã SKU này đã dùng cho một sản phẩm khác của cửa hàng.")
    return errors


def _make_parent(product: Product, *, first_option: str) -> Product:
    """Turn a standalone product into a parent: a first child takes over its stock record
    (SKU, price, stock and allocations) under the option name `first_option`."""
    child = Product.objects.create(
        structure=Product.CHILD, parent=product, title=first_option, shop=product.shop,
        slug=slugify_vi(f"{product.title} {first_option}") or "phan-loai",
        is_public=True, product_class=None,
    )
    StockRecord.objects.filter(product=product).update(product=child)
    # Baskets not yet placed buy the option now (a parent is not bought itself).
    get_model("basket", "Line").objects.filter(
        product=product, basket__status__in=("Open", "Saved")
    ).update(product=child)
    product.structure = Product.PARENT
    product.save()
    return child


@transaction.atomic
def variant_add(
    *, product: Product, actor, acting_as: str, option: str, price: int | None, stock: int | None,
    sku: str = "", images: Sequence[File] = (), first_option: str = "",
) -> Product:
    """Add an option to `product`. A standalone product becomes a parent first: its stock
    record moves to a first option named `first_option` (required then).

    Raises VariantRefused with the messages per field; nothing is written then.
    """
    shop = product.shop
    option, first_option, sku = _clean_option(option), _clean_option(first_option), (sku or "").strip()
    if product.structure == Product.CHILD:
        raise VariantRefused({"option": _("Một phân loại không thể có phân loại con.")})
    errors = _check(shop=shop, parent=product if product.is_parent else None, option=option,
                    price=price, stock=stock, sku=sku)
    if product.structure == Product.STANDALONE:
        if not first_option:
            errors["first_option"] = _(
                "Đặt tên cho phân loại hiện có của sản phẩm (giá và tồn kho hiện tại), ví dụ “chai 250 ml”."
            )
        elif _option_key(first_option) == _option_key(option):
            errors["option"] = _("Hai phân loại không được trùng tên.")
    if errors:
        raise VariantRefused(errors)
    turned = False
    if product.structure == Product.STANDALONE:
        _make_parent(product, first_option=first_option)
        turned = True
    variant = Product.objects.create(
        structure=Product.CHILD, parent=product, title=option, shop=shop,
        slug=slugify_vi(f"{product.title} {option}") or "phan-loai", is_public=True,
        product_class=None,
    )
    StockRecord.objects.create(
        product=variant, partner=shop,
        partner_sku=sku or sku_generate(shop=shop, title=f"{product.title} {option}"),
        price=Decimal(int(price)), price_currency="VND", num_in_stock=int(stock), num_allocated=0,
    )
    _add_images(variant, images, start=0)
    _refresh_parent(product)
    audit_record(
        action="product.variant_added", actor=actor, acting_as=acting_as, shop=shop, target=product,
        data={"variant": variant.pk, "option": option, "price": int(price), "stock": int(stock),
              "turned_parent": turned},
    )
    reindex_on_commit([product.pk, variant.pk])
    return variant


@transaction.atomic
def variant_update(
    *, variant: Product, actor, acting_as: str, option: str, price: int | None, sku: str = "",
    stock: int | None = None, stock_seen: int | None = None, images: Sequence[File] = (),
    sale: SaleTerms | None = None,
) -> Product:
    """Change an option's name, SKU, price and sale (`sale`: None unchanged, NO_SALE none;
    checked by the caller with catalogue.pricing.sale_errors); a changed stock goes through
    `stock_set` (written only if it is still `stock_seen`, else StockChanged rolls everything
    back)."""
    parent = variant.parent
    shop = parent.shop
    option, sku = _clean_option(option), (sku or "").strip()
    errors = _check(shop=shop, parent=parent, option=option, price=price, stock=stock, sku=sku,
                    variant=variant)
    if errors:
        raise VariantRefused(errors)
    if variant.title != option:
        variant.title = option
        variant.save()
        _refresh_parent(parent)
    record = StockRecord.objects.filter(product=variant, partner=shop).order_by("pk").first()
    if record is None:
        record = StockRecord.objects.create(
            product=variant, partner=shop,
            partner_sku=sku or sku_generate(shop=shop, title=f"{parent.title} {option}"),
            price=Decimal(int(price)), price_currency="VND", num_in_stock=int(stock), num_allocated=0,
            **(sale_columns(sale) if sale is not None else {}),
        )
    else:
        fields = {}
        if record.price is None or int(record.price) != int(price):
            fields["price"] = Decimal(int(price))
        if sku and sku != record.partner_sku:
            fields["partner_sku"] = sku
        if sale is not None and sale != sale_terms(record):
            fields.update(sale_columns(sale))
        if fields:
            StockRecord.objects.filter(pk=record.pk).update(**fields)
        if stock_seen is not None and int(stock) != int(stock_seen):
            stock_set(
                stockrecord=record, quantity=int(stock), expected=int(stock_seen),
                reason=_("Sửa phân loại “%(option)s”") % {"option": option},
                actor=actor, acting_as=acting_as,
            )
    if images:
        last = variant.images.order_by("-display_order").values_list("display_order", flat=True).first()
        _add_images(variant, images, start=0 if last is None else last + 1)
    audit_record(
        action="product.variant_changed", actor=actor, acting_as=acting_as, shop=shop, target=parent,
        data={"variant": variant.pk, "option": option, "price": int(price)},
    )
    reindex_on_commit([parent.pk])
    return variant


def variant_has_orders(variant: Product) -> bool:
    """Ordered as this option, or as the product it was before it became an option (those
    order lines name the old product and the stock record the option took over)."""
    return get_model("order", "Line").objects.filter(
        Q(product=variant) | Q(stockrecord__product=variant)
    ).exists()


@transaction.atomic
def variant_remove(*, variant: Product, actor, acting_as: str) -> str:
    """Remove an option: deleted when never ordered, else hidden (orders keep their history).
    The last option buyers can see cannot be removed: hide the product instead.
    Returns "deleted" or "hidden"."""
    parent = variant.parent
    others = parent.children.filter(is_public=True).exclude(pk=variant.pk)
    if variant.is_public and not others.exists():
        raise VariantRefused({"variant": _(
            "Sản phẩm cần ít nhất một phân loại đang bán. Hãy ẩn sản phẩm nếu muốn ngừng bán."
        )})
    if variant_has_orders(variant):
        Product.objects.filter(pk=variant.pk).update(is_public=False)
        _refresh_parent(parent)  # a hidden option's words no longer find the product
        outcome = "hidden"
    else:
        files = [image.original for image in variant.images.all()]
        StockRecord.objects.filter(product=variant).delete()
        variant.delete()
        _delete_files_on_commit(files)
        _refresh_parent(parent)
        outcome = "deleted"
    audit_record(
        action=f"product.variant_{outcome}", actor=actor, acting_as=acting_as, shop=parent.shop,
        target=parent, data={"variant": variant.pk, "option": variant.title},
    )
    reindex_on_commit([parent.pk])
    return outcome


@transaction.atomic
def variant_show(*, variant: Product, actor, acting_as: str) -> None:
    """Offer a hidden option again."""
    Product.objects.filter(pk=variant.pk).update(is_public=True)
    _refresh_parent(variant.parent)
    audit_record(
        action="product.variant_shown", actor=actor, acting_as=acting_as, shop=variant.parent.shop,
        target=variant.parent, data={"variant": variant.pk},
    )
    reindex_on_commit([variant.parent_id])


def _refresh_parent(parent: Product) -> None:
    """The parent's folded search text includes its public options' names and attribute
    values (Product.searchable_text)."""
    parent.save(update_fields=["search_text"])


# --- merging standalone products into one -----------------------------------------


def option_suggest(*, title: str, shared: str) -> str:
    """The option name a merged product gets by default: its title without the shared name
    ("Mật ong U Minh Hạ – chai 250 ml" with "Mật ong U Minh Hạ" → "chai 250 ml")."""
    title = " ".join(title.split())
    if _option_key(title).startswith(_option_key(shared)) and len(title) > len(shared):
        rest = title[len(shared):].strip(" -–—,:()")
        if rest:
            return rest[:OPTION_MAX_LENGTH]
    return title[:OPTION_MAX_LENGTH]


@dataclass
class MergeResult:
    parent: Product
    reviews_moved: int
    reviews_kept_on_variant: int
    certificates_moved: int
    certificates_sent_back: int


@transaction.atomic
def products_merge(
    *, shop: Partner, product_ids: Sequence[int], title: str, options: dict[int, str] | None = None,
    actor, acting_as: str,
) -> MergeResult:
    """Make one product with options out of several standalone products of `shop`.

    A new parent gets the shared `title`, the first product's category, description and
    traceability link, and the first product's photos; each merged product becomes one of
    its children (option name from `options`, else its title less the shared name) and
    keeps its stock record (SKU, price, stock, allocations), its order lines and its other
    photos (the option's photo). Reviews move to the parent except where the same buyer
    already reviewed another merged product (that one stays on the variant, kept but not
    shown: a buyer reviews a product once). OCOP certificates move to the parent and are
    checked against its new name like any rename (catalogue/certificates.py).

    Raises VariantRefused: fewer than two products, one that is not this shop's or is not a
    standalone product, an empty or duplicate option name, an empty shared name.
    """
    ProductReview = get_model("reviews", "ProductReview")
    title = " ".join(str(title or "").split())[:255]
    ids = list(dict.fromkeys(int(pk) for pk in product_ids))
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Nhập tên chung của sản phẩm.")
    if len(ids) < 2:
        errors["products"] = _("Chọn ít nhất hai sản phẩm để gộp.")
    products = list(
        Product.objects.select_for_update().filter(pk__in=ids, shop=shop).order_by("pk")
    )
    by_id = {product.pk: product for product in products}
    if len(by_id) != len(ids):
        errors["products"] = _("Chỉ gộp được sản phẩm của cửa hàng mình.")
    elif any(product.structure != Product.STANDALONE for product in products):
        errors["products"] = _("Chỉ gộp được các sản phẩm chưa có phân loại.")
    ordered = [by_id[pk] for pk in ids if pk in by_id]
    names: dict[int, str] = {}
    for product in ordered:
        chosen = _clean_option((options or {}).get(product.pk, ""))
        names[product.pk] = chosen or option_suggest(title=product.title, shared=title)
    keys = [_option_key(name) for name in names.values()]
    if len(set(keys)) != len(keys):
        errors["options"] = _("Các phân loại phải có tên khác nhau.")
    if errors:
        raise VariantRefused(errors)

    first = ordered[0]
    parent = Product.objects.create(
        structure=Product.PARENT, title=title, slug=slugify_vi(title) or "san-pham",
        description=sanitize_html(first.description or ""), product_class=product_class_default(),
        shop=shop, is_public=True, traceability_url=first.traceability_url,
        is_featured=any(product.is_featured for product in ordered), **moderation_fields(shop),
    )
    category_id = (
        ProductCategory.objects.filter(product=first).order_by("category__path")
        .values_list("category_id", flat=True).first()
    )
    if category_id is not None:
        ProductCategory.objects.create(product=parent, category_id=category_id)
    ProductImage.objects.filter(product=first).update(product=parent)

    moved = kept = 0
    reviewers: set[int] = set()
    for product in ordered:
        for review in ProductReview.objects.filter(product=product).order_by("-date_created", "-pk"):
            if review.user_id is not None and review.user_id in reviewers:
                kept += 1
                continue
            if review.user_id is not None:
                reviewers.add(review.user_id)
            ProductReview.objects.filter(pk=review.pk).update(product=parent)
            moved += 1
    certificates = OcopCertificate.objects.filter(product__in=ordered)
    certificates_moved = certificates.update(product=parent)

    for product in ordered:
        ProductCategory.objects.filter(product=product).delete()
        Product.objects.filter(pk=product.pk).update(
            structure=Product.CHILD, parent=parent, title=names[product.pk],
            search_text=fold(names[product.pk]).lower(), product_class=None, is_featured=False,
        )
    _refresh_parent(parent)
    sent_back = certificates_recheck(product=parent, actor=actor, acting_as=acting_as) if certificates_moved else []
    audit_record(
        action="product.merged", actor=actor, acting_as=acting_as, shop=shop, target=parent,
        data={"variants": {str(pk): names[pk] for pk in ids}, "reviews_moved": moved,
              "reviews_kept": kept, "certificates_moved": certificates_moved},
    )
    reindex_on_commit([parent.pk, *ids])
    return MergeResult(parent=parent, reviews_moved=moved, reviews_kept_on_variant=kept,
                       certificates_moved=certificates_moved,
                       certificates_sent_back=len(sent_back or []))


def product_delete_guard(product: Product) -> None:
    """A parent is deleted only when none of its variants was ordered."""
    Line = get_model("order", "Line")
    if product.is_parent and Line.objects.filter(product__parent=product).exists():
        raise ProductInOrders(product.pk)
