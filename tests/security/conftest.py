"""The security suite's world: two shops, two buyers with orders, programme staff, a superuser.

`world` builds it through the same services the sellers and buyers use (shop application,
product creation, checkout), so what is stored is what a real seller or buyer can store.
`payloads=True` writes an XSS payload, marked by a field name, into every seller- and
buyer-writable text field (tests/security/test_xss.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from oscar.core.loading import get_model

from catalogue.models import OcopCertificate, ReviewMeta
from marketplace.core.roles import ensure_programme_staff_group
from marketplace.order.links import purchase_link
from shops.models import Partner, ShippingOption
from shops.services import shop_approve
from tests.factories import (
    apply_for_shop,
    ensure_country,
    make_basket,
    make_certificate,
    make_option,
    make_product,
    make_staff,
    make_user,
    place,
)

PASSWORD = "Mat-khau-an-toan-2026"
ProductReview = get_model("reviews", "ProductReview")
Category = get_model("catalogue", "Category")
UserAddress = get_model("address", "UserAddress")
Country = get_model("address", "Country")


def payload(mark: str, max_length: int = 255) -> str:
    """The longest XSS payload carrying `mark` (as text, first) that fits the field."""
    variants = [
        f"{mark} <script>alert('{mark}')</script>\"><img src=x onerror=alert('{mark}')>"
        f"<a href=\"javascript:alert('{mark}')\">{mark}</a>",
        f"{mark}<script>alert('{mark}')</script>\"><img src=x onerror=alert(1)>",
        f'{mark}"><img src=x onerror=alert(1)>',
        f"{mark}<script>alert(1)</script>",
    ]
    return next(v for v in variants if len(v) <= max_length)


@dataclass
class Side:
    """One shop with its owner, product, certificate, shipping option; one buyer's purchase."""

    owner: object
    shop: Partner
    product: object
    certificate: OcopCertificate
    option: ShippingOption
    buyer: object
    purchase: object
    order: object
    address: object  # the buyer's saved address book entry
    review: object
    purchase_url: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    staff: object
    superuser: object
    marks: dict[str, str]


def _side(code: str, staff, marked) -> Side:
    owner = make_user(f"chu-{code}@example.vn", password=PASSWORD)
    shop = apply_for_shop(
        owner,
        name=marked("shop_name", f"Cửa hàng {code}", 128),
        legal_name=marked("shop_legal_name", f"Hợp tác xã {code}", 255),
        street_address=marked("shop_street", "Ấp 3", 255),
        description=marked("shop_description", "Giới thiệu", 2000),
    )
    shop_approve(shop=shop, actor=staff)
    shop.refresh_from_db()
    category = Category.objects.order_by("pk").first() or Category.add_root(name="Thực phẩm")
    product = make_product(
        shop,
        marked("product_title", f"Mật ong {code}", 255),
        via_service=True,
        owner=owner,
        category=category,
        description=marked("product_description", "Mật ong rừng", 5000),
        price=180_000,
        stock=50,
    )
    certificate = make_certificate(
        product,
        stars=4,
        score=75,
        decision_number=marked("certificate_number", f"{code}/QĐ-UBND", 64),
        issued_on=datetime.date.today() - datetime.timedelta(days=30),
    )
    option = make_option(shop, marked("shipping_name", "Giao tận nơi", 128), fee=30_000)
    buyer = make_user(
        f"mua-{code}@example.vn",
        password=PASSWORD,
        first_name=marked("buyer_first_name", "Trần", 150),
    )
    ensure_country()
    country = Country.objects.get(iso_3166_1_a2="VN")
    address = UserAddress.objects.create(
        user=buyer,
        first_name=marked("buyer_book_name", "Trần Thị Mua", 255),
        line1="12 Ấp Tân Hưng",
        line4="Cà Mau",
        country=country,
        phone_number="+84912345678",
    )
    basket = make_basket([(product, 2)], owner=buyer)
    placement = place(
        basket,
        user=buyer,
        email=buyer.email,
        payment_method="cod",
        address={
            "first_name": marked("checkout_name", "Nguyễn Thị Mua", 255),
            "line1": marked("checkout_line1", "12 Ấp Tân Hưng", 255),
            "line4": "Cà Mau",
            "phone_number": "+84912345678",
            "notes": marked("checkout_notes", "Gọi trước khi giao", 1000),
        },
    )
    purchase = placement.purchase
    order = purchase.orders.get()
    review = ProductReview.objects.create(
        product=product,
        user=buyer,
        score=5,
        title=marked("review_title", "Ngon", 255),
        body=marked("review_body", "Mật ong thơm", 5000),
        status=ProductReview.APPROVED,
    )
    ReviewMeta.objects.create(
        review=review,
        verified_purchase=True,
        seller_reply=marked("seller_reply", "Cảm ơn", 2000),
    )
    return Side(
        owner=owner,
        shop=shop,
        product=product,
        certificate=certificate,
        option=option,
        buyer=buyer,
        purchase=purchase,
        order=order,
        address=address,
        review=review,
        purchase_url=purchase_link(purchase),
    )


def build_world(*, payloads: bool = False) -> World:
    ensure_programme_staff_group()
    staff = make_staff("canbo@example.vn", password=PASSWORD)
    superuser = get_user_model().objects.create_superuser(
        username="quantri", email="quantri@example.vn", password=PASSWORD
    )
    marks: dict[str, str] = {}

    def for_side(code: str):
        def marked(name: str, plain: str, max_length: int) -> str:
            if not payloads or code != "a":
                return plain
            mark = f"xss{len(marks):02d}{name.replace('_', '')}"[:24]
            marks[name] = mark
            return payload(mark, max_length)

        return marked

    a = _side("a", staff, for_side("a"))
    b = _side("b", staff, for_side("b"))
    return World(a=a, b=b, staff=staff, superuser=superuser, marks=marks)


@pytest.fixture(autouse=True)
def _forget_rate_limits():
    """Rate-limit counters of other tests forgotten (they live in the cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return build_world()
