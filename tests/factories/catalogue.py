"""The catalogue: categories, products with their stock record, OCOP certificates."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from catalogue.models import Category, OcopCertificate, Product, ProductClass, today_local
from catalogue.products import product_create
from marketplace.core.text import slugify_vi
from shops.models import Partner, StockRecord

from .files import png_bytes

HONEY = "thuc-pham/mat-ong"
# A score inside each star band (catalogue/models.py: OcopCertificate.clean).
SCORES = {3: 60, 4: 75, 5: 92}


def category_by_code(code: str) -> Category:
    """One of the OCOP reference categories that exist after `migrate` (catalogue/ocop.py)."""
    return Category.objects.get(code=code)


def reference_categories() -> dict[str, Category]:
    return {
        "food": category_by_code("thuc-pham"),
        "honey": category_by_code(HONEY),
        "drinks": category_by_code("do-uong"),
    }


def category_path(breadcrumbs: str) -> Category:
    """'Thực phẩm > Mật ong' → the leaf category, creating the missing ones."""
    parent = None
    for name in (part.strip() for part in breadcrumbs.split(">")):
        siblings = Category.get_root_nodes() if parent is None else parent.get_children()
        node = siblings.filter(name=name).first()
        if node is None:
            fields = {"name": name, "slug": slugify_vi(name)}
            node = Category.add_root(**fields) if parent is None else parent.add_child(**fields)
        parent = node
    return parent


def product_class() -> ProductClass:
    """The marketplace's one product class, as the seller service creates it."""
    pc, _ = ProductClass.objects.get_or_create(
        slug="san-pham",
        defaults={"name": "Sản phẩm", "track_stock": True, "requires_shipping": True},
    )
    return pc


def make_product(
    shop: Partner,
    title: str = "Mật ong U Minh",
    *,
    price: int | None = 100_000,
    stock: int | None = 10,
    allocated: int = 0,
    sku: str = "",
    category: Category | str | None = None,
    stars: int | None = None,
    created: datetime.datetime | None = None,
    via_service: bool = False,
    owner=None,
    photos: int = 0,
    reindex: bool = False,
    **fields,
) -> Product:
    """A public standalone product of `shop` with its stock record.

    Made directly by default: `price` None makes no stock record (not on sale), `stock`
    None an untracked one; `sku` defaults to "<shop code>-<pk>"; `category` is a Category
    or a breadcrumb path ("Thực phẩm > Mật ong"); `stars` adds a verified certificate
    (make_certificate's defaults); `created` backdates it; `fields` go to the Product
    (description, is_public, slug, traceability_url…).

    `via_service=True` makes it as a seller does, through `product_create` (sanitised
    description, generated SKU, moderation fields, audit row) with `owner` acting,
    `photos` PNG photos and the honey category unless told; re-indexing only if `reindex`.
    """
    if isinstance(category, str):
        category = category_path(category)
    if via_service:
        images = [
            ContentFile(png_bytes(size=(40, 30), color=(i * 60, 100, 100)), name=f"p{i}.png")
            for i in range(photos)
        ]
        product = product_create(
            shop=shop, actor=owner, acting_as="owner", title=title,
            category=category or category_by_code(HONEY), price=price, stock=stock,
            sku=sku, images=images, reindex=reindex, **fields,
        )
    else:
        product = Product.objects.create(
            title=title, slug=fields.pop("slug", None) or slugify_vi(title),
            product_class=product_class(), shop=shop, structure=Product.STANDALONE, **fields,
        )
        if category is not None:
            product.categories.add(category)
        if price is not None:
            StockRecord.objects.create(
                product=product, partner=shop, partner_sku=sku or f"{shop.code}-{product.pk}",
                price=Decimal(price), price_currency="VND", num_in_stock=stock,
                num_allocated=allocated,
            )
    if created is not None:
        Product.objects.filter(pk=product.pk).update(date_created=created)
    if stars:
        make_certificate(product, stars=stars)
    return product


def make_certificate(
    product: Product,
    *,
    stars: int = 4,
    status=OcopCertificate.Status.VERIFIED,
    issued_on: datetime.date | None = None,
    **fields,
) -> OcopCertificate:
    """A certificate of `product`, verified and valid today unless told otherwise.

    Issued 30 days ago (Asia/Ho_Chi_Minh), a score inside the stars' band, "<pk>/QĐ-UBND",
    by the central council for 5 stars and the province below; `fields` override the rest.
    """
    values = {
        "score": SCORES[stars],
        "decision_number": f"{product.pk}/QĐ-UBND",
        "issuing_body": "central" if stars == 5 else "province",
        "issued_on": issued_on or today_local() - datetime.timedelta(days=30),
        **fields,
    }
    return OcopCertificate.objects.create(product=product, stars=stars, status=status, **values)


def make_variant_product(
    shop: Partner,
    title: str = "Mật ong U Minh Hạ",
    options=(("chai 250 ml", 125_000, 10), ("chai 500 ml", 230_000, 5)),
    *,
    category: Category | str | None = None,
    stars: int | None = None,
    **fields,
) -> Product:
    """A public parent product of `shop` with one public child per (option, price, stock) in
    `options`, each with its stock record (SKU "<shop code>-<child pk>"); `stars` adds a
    verified certificate to the parent."""
    if isinstance(category, str):
        category = category_path(category)
    parent = Product.objects.create(
        title=title, slug=fields.pop("slug", None) or slugify_vi(title), product_class=product_class(),
        shop=shop, structure=Product.PARENT, **fields,
    )
    if category is not None:
        parent.categories.add(category)
    for option, price, stock in options:
        child = Product.objects.create(
            title=option, slug=slugify_vi(f"{title} {option}"), structure=Product.CHILD,
            parent=parent, shop=shop, is_public=True,
        )
        StockRecord.objects.create(
            product=child, partner=shop, partner_sku=f"{shop.code}-{child.pk}",
            price=Decimal(price), price_currency="VND", num_in_stock=stock, num_allocated=0,
        )
    parent.save()  # its search text with the options
    if stars:
        make_certificate(parent, stars=stars)
    return parent
