"""Many products of a shop at once, from the rows of a product file: created or updated by
SKU, all or nothing.

The rows arrive validated (the seller workspace reads the CSV file and checks every row,
shops/seller/catalogue/csv_io.py); here the shop's stock records are locked and checked
again, because orders may have allocated stock since. Writes go through the same pieces as
one product's (catalogue/products.py), so moderation, audit and search behave the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from catalogue.certificates import certificates_recheck
from catalogue.models import Category, Product, ProductCategory, search_text_refresh
from catalogue.pricing import NO_SALE, SaleTerms, sale_terms
from catalogue.products import (
    moderation_fields,
    product_category_set,
    product_class_default,
    product_create,
    sale_columns,
    sku_generate,
    stock_adjust,
)
from catalogue.variants import VariantRefused, variant_add
from marketplace.core.audit import audit_record
from marketplace.core.sanitize import sanitize_html
from marketplace.core.text import slugify_vi
from search.tasks import reindex_on_commit
from shops.models import Partner, StockRecord


class ImportConflict(Exception):
    """The shop's data changed between validation and import (e.g. stock now allocated)."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class ImportRow:
    """One validated row of a seller's product file (the seller workspace parses and checks
    the CSV, shops/seller/catalogue/csv_io.py)."""

    line: int
    sku: str
    title: str
    category: Category
    price: int
    stock: int
    is_public: bool | None  # None: shown when new, unchanged when it exists
    description: str | None  # None (no such column): unchanged
    stockrecord: StockRecord | None = None  # the shop's record with this SKU, when it exists
    sale: SaleTerms | None = None  # None (no sale columns): unchanged; NO_SALE: none
    variant: str = ""  # an option's name: rows with the same title make one product with options


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    certificates_sent_back: int = 0  # verified OCOP certificates back to staff (renamed, regrouped)
    product_ids: list[int] = field(default_factory=list)


def _row_changes(row: ImportRow, record: StockRecord, category_ids: list[int]) -> dict:
    product = record.product
    changes = {}
    if product.title != row.title:
        changes["title"] = row.title
    if row.description is not None and sanitize_html(product.description) != sanitize_html(row.description):
        changes["description"] = row.description
    if row.is_public is not None and product.is_public != row.is_public:
        changes["is_public"] = row.is_public
    if category_ids != [row.category.pk]:
        changes["category"] = row.category
    if record.price is None or int(record.price) != row.price:
        changes["price"] = row.price
    if (record.num_in_stock or 0) != row.stock:
        changes["stock"] = row.stock
    if row.sale is not None and row.sale != sale_terms(record):
        changes["sale"] = row.sale
    return changes


def _variant_row(row: ImportRow, record, *, shop, parents, taken, result, actor, acting_as) -> str:
    """One option's row: update the option (and its product's title, group, description) by
    SKU, or add it to the product of the same title (made by an earlier row of the file, or
    already the shop's), creating that product on its first row. Returns a problem or ""."""
    if record is not None:
        option = record.product
        if not option.is_child:
            return _("Mã SKU “%(sku)s” là một sản phẩm không có phân loại: dùng “Gộp thành một sản phẩm "
                     "nhiều phân loại” trong trang Sản phẩm.") % {"sku": row.sku}
        if not row.variant:
            return _("Mã SKU “%(sku)s” là một phân loại: điền cột variant.") % {"sku": row.sku}
        parent = option.parent
        if option.title != row.variant:
            if parent.children.exclude(pk=option.pk).filter(title__iexact=row.variant).exists():
                return _("Sản phẩm đã có phân loại “%(option)s”.") % {"option": row.variant}
            option.title = row.variant
            option.save()
        if row.is_public is not None and option.is_public != row.is_public:
            Product.objects.filter(pk=option.pk).update(is_public=row.is_public)
        if parent.title != row.title or (
            row.description is not None and sanitize_html(parent.description) != sanitize_html(row.description)
        ):
            parent.title = row.title
            if row.description is not None:
                parent.description = sanitize_html(row.description)
            for name, value in moderation_fields(shop).items():
                setattr(parent, name, value)
        parent.save()  # its search text with the options' names
        product_category_set(product=parent, category=row.category)
        if record.price is None or int(record.price) != row.price:
            StockRecord.objects.filter(pk=record.pk).update(price=Decimal(row.price))
        if row.sale is not None and row.sale != sale_terms(record):
            StockRecord.objects.filter(pk=record.pk).update(**sale_columns(row.sale))
        if (record.num_in_stock or 0) != row.stock:
            if row.stock < (record.num_allocated or 0):
                return _("Tồn kho %(stock)s thấp hơn số đã giữ cho đơn hàng (%(allocated)s).") % {
                    "stock": row.stock, "allocated": record.num_allocated}
            stock_adjust(
                stockrecord=record, delta=row.stock - (record.num_in_stock or 0),
                reason=_("Nhập từ tệp CSV"), actor=actor, acting_as=acting_as, reindex=False,
            )
        result.updated += 1
        result.product_ids.append(parent.pk)
        return ""
    key = " ".join(row.title.lower().split())
    parent = parents.get(key) or (
        Product.objects.filter(shop=shop, structure=Product.PARENT, title__iexact=row.title).order_by("pk").first()
    )
    if parent is None:
        parent = Product.objects.create(
            structure=Product.PARENT, title=row.title, slug=slugify_vi(row.title) or "san-pham",
            description=sanitize_html(row.description or ""), product_class=product_class_default(),
            shop=shop, is_public=True, **moderation_fields(shop),
        )
        ProductCategory.objects.create(product=parent, category=row.category)
        result.created += 1
    parents[key] = parent
    sku = row.sku or sku_generate(shop=shop, title=f"{row.title} {row.variant}", taken=taken)
    taken.add(sku)
    try:
        option = variant_add(product=parent, actor=actor, acting_as=acting_as, option=row.variant,
                             price=row.price, stock=row.stock, sku=sku)
    except VariantRefused as refused:
        return " ".join(refused.errors.values())
    if row.is_public is False:
        Product.objects.filter(pk=option.pk).update(is_public=False)
        search_text_refresh([parent.pk])  # variant_add wrote its words in while it was public
    if row.sale is not None and row.sale != NO_SALE:
        StockRecord.objects.filter(product=option, partner=shop).update(**sale_columns(row.sale))
    result.product_ids.append(parent.pk)
    return ""


@transaction.atomic
def products_import(
    *, shop: Partner, rows: Sequence[ImportRow], actor, acting_as: str
) -> ImportResult:
    """Create or update the shop's products by SKU, all or nothing.

    Rows were validated beforehand; stock records are locked here and re-checked (a new
    stock level may not fall below what orders allocated meanwhile). Any conflict raises
    ImportConflict and the transaction rolls back: nothing is imported.
    """
    result = ImportResult()
    skus = [row.sku for row in rows if row.sku]
    # The products before their stock records, each in pk order: the order checkout
    # (marketplace/checkout/services.py) and the seller's product page lock them in, so an
    # import and a purchase of the same product cannot deadlock.
    list(
        Product.objects.select_for_update(of=("self",))
        .filter(shop=shop, stockrecords__partner=shop, stockrecords__partner_sku__in=skus)
        .order_by("pk").values_list("pk", flat=True)
    )
    records = {
        record.partner_sku: record
        for record in StockRecord.objects.select_for_update(of=("self",))
        .filter(partner=shop, partner_sku__in=skus, product__shop=shop)
        .select_related("product").order_by("pk")
    }
    categories_of: dict[int, list[int]] = {}
    for product_id, category_id in ProductCategory.objects.filter(
        product_id__in=[r.product_id for r in records.values()]
    ).values_list("product_id", "category_id").order_by("category__path"):
        categories_of.setdefault(product_id, []).append(category_id)

    conflicts: list[tuple[int, str]] = []
    taken = set(StockRecord.objects.filter(partner=shop).values_list("partner_sku", flat=True))
    parents: dict[str, Product] = {}  # folded title -> the product with options of those rows
    for row in rows:
        record = records.get(row.sku) if row.sku else None
        if row.variant or (record is not None and record.product.is_child):
            problem = _variant_row(row, record, shop=shop, parents=parents, taken=taken, result=result,
                                   actor=actor, acting_as=acting_as)
            if problem:
                conflicts.append((row.line, problem))
            continue
        if record is None:
            sku = row.sku or sku_generate(shop=shop, title=row.title, taken=taken)
            taken.add(sku)
            product = product_create(
                shop=shop, actor=actor, acting_as=acting_as, title=row.title, category=row.category,
                price=row.price, stock=row.stock, description=row.description or "", sku=sku,
                is_public=row.is_public is not False, reindex=False, sale=row.sale or NO_SALE,
            )
            result.created += 1
            result.product_ids.append(product.pk)
            continue
        changes = _row_changes(row, record, categories_of.get(record.product_id, []))
        if not changes:
            result.unchanged += 1
            continue
        if "stock" in changes and row.stock < (record.num_allocated or 0):
            conflicts.append((row.line, _("Tồn kho %(stock)s thấp hơn số đã giữ cho đơn hàng (%(allocated)s).")
                              % {"stock": row.stock, "allocated": record.num_allocated}))
            continue
        product = record.product
        product_fields = [name for name in ("title", "description", "is_public") if name in changes]
        moderation = moderation_fields(shop)
        for name, value in moderation.items():
            setattr(product, name, value)
        if product_fields or moderation:
            product.title = row.title
            product.slug = slugify_vi(row.title) or product.slug
            if row.description is not None:
                product.description = sanitize_html(row.description)
            if row.is_public is not None:
                product.is_public = row.is_public
            product.save()
        if "category" in changes:
            product_category_set(product=product, category=row.category)
        if "title" in changes or "category" in changes:
            sent_back = certificates_recheck(product=product, actor=actor, acting_as=acting_as)
            result.certificates_sent_back += len(sent_back)
        if "price" in changes or "sale" in changes:
            StockRecord.objects.filter(pk=record.pk).update(
                price=Decimal(row.price), **(sale_columns(row.sale) if "sale" in changes else {}))
        if "stock" in changes:
            # The row is locked (select_for_update): the difference is exact.
            stock_adjust(
                stockrecord=record, delta=row.stock - (record.num_in_stock or 0),
                reason=_("Nhập từ tệp CSV"), actor=actor, acting_as=acting_as, reindex=False,
            )
        audit_record(
            action="product.changed", actor=actor, acting_as=acting_as, shop=shop, target=product,
            data={"fields": sorted(changes), "source": "csv"},
        )
        result.updated += 1
        result.product_ids.append(product.pk)
    if conflicts:
        raise ImportConflict(conflicts)
    audit_record(
        action="products.imported", actor=actor, acting_as=acting_as, shop=shop,
        data={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    reindex_on_commit(result.product_ids)
    return result
