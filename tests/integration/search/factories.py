"""Small factories for search tests: approved shops, products with a price, OCOP certificates."""

from __future__ import annotations

import datetime
from decimal import Decimal

from catalogue.models import Category, OcopCertificate, Product, ProductClass, today_local
from marketplace.core.addresses import communes
from marketplace.core.text import slugify_vi
from shops.models import Partner, StockRecord


def commune_codes() -> list[int]:
    return [code for code, _name in communes()]


def make_shop(name: str, *, commune_code: int | None = None, status=Partner.Status.APPROVED):
    return Partner.objects.create(
        name=name, code=slugify_vi(name), status=status, commune_code=commune_code
    )


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
    pc, _ = ProductClass.objects.get_or_create(
        name="Sản phẩm", defaults={"slug": "san-pham", "track_stock": True, "requires_shipping": True}
    )
    return pc


def make_product(
    title: str,
    shop: Partner,
    *,
    price: int | None = 100_000,
    stock: int = 10,
    category: str | None = None,
    stars: int | None = None,
    certificate_status=OcopCertificate.Status.VERIFIED,
    issued_days_ago: int = 30,
    description: str = "",
    is_public: bool = True,
    created: datetime.datetime | None = None,
) -> Product:
    product = Product.objects.create(
        title=title,
        slug=slugify_vi(title),
        description=description,
        product_class=product_class(),
        shop=shop,
        structure=Product.STANDALONE,
        is_public=is_public,
    )
    if created is not None:
        Product.objects.filter(pk=product.pk).update(date_created=created)
    if category:
        product.categories.add(category_path(category))
    if price is not None:
        StockRecord.objects.create(
            product=product, partner=shop, partner_sku=f"SKU-{product.pk}",
            price=Decimal(price), num_in_stock=stock,
        )
    if stars:
        issued = today_local() - datetime.timedelta(days=issued_days_ago)
        OcopCertificate.objects.create(
            product=product, stars=stars, score={3: 60, 4: 75, 5: 92}[stars],
            decision_number=f"{product.pk}/QĐ-UBND",
            issuing_body="central" if stars == 5 else "province",
            issued_on=issued, status=certificate_status,
        )
    return product
