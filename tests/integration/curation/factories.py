"""Small curation test data made through the real services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from catalogue import products as seller_services
from catalogue.models import Category, OcopCertificate, Product
from shops.models import Partner, ShopMember, StockRecord
from tests.integration.shops.factories import png_bytes


def make_user(email: str, *, is_staff: bool = False):
    return get_user_model().objects.create_user(
        username=email, email=email, password="pw-123456", is_staff=is_staff
    )


def make_shop(code: str, owner=None, **fields) -> Partner:
    shop = Partner.objects.create(
        name=fields.pop("name", f"Cửa hàng {code}"),
        code=code,
        status=Partner.Status.APPROVED,
        **fields,
    )
    if owner is not None:
        ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    return shop


def honey() -> Category:
    return Category.objects.get(code="thuc-pham/mat-ong")


def make_product(
    shop: Partner, title: str, *, owner=None, price: int = 100_000, photo: bool = False
) -> Product:
    images = [ContentFile(png_bytes(), name="anh.png")] if photo else []
    return seller_services.product_create(
        shop=shop,
        actor=owner,
        acting_as="owner",
        title=title,
        category=honey(),
        price=price,
        stock=10,
        images=images,
        reindex=False,
    )


def certify(product: Product, stars: int = 4) -> OcopCertificate:
    return OcopCertificate.objects.create(
        product=product,
        stars=stars,
        score={3: 60, 4: 80, 5: 95}[stars],
        decision_number=f"{product.pk}/QĐ",
        issuing_body="central" if stars == 5 else "province",
        issued_on=timezone.localdate() - datetime.timedelta(days=30),
        status=OcopCertificate.Status.VERIFIED,
    )


def set_price(product: Product, price: int) -> None:
    StockRecord.objects.filter(product=product).update(price=Decimal(price))


def home_page():
    from wagtail.models import Page, Site

    from marketplace.cms.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Trang chủ", slug="home-test", hero_title="Chợ"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home
