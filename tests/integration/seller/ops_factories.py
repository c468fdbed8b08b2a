"""Small builders for the seller operations tests: shops, products, mixed orders."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from catalogue.models import OcopCertificate, Product
from shops.models import Partner, ShippingOption, ShopMember, StockRecord

Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
ProductClass = get_model("catalogue", "ProductClass")

PASSWORD = "test-pass-123"
_numbers = itertools.count(1)


def make_user(email: str, first_name: str = "", last_name: str = ""):
    user = get_user_model().objects.create_user(
        username=email[:150], email=email, password=PASSWORD,
        first_name=first_name, last_name=last_name,
    )
    return user


def make_shop(code: str, *, owner=None, name: str | None = None) -> Partner:
    shop = Partner.objects.create(
        name=name or f"Cửa hàng {code}", code=code, status=Partner.Status.APPROVED
    )
    if owner is not None:
        ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    return shop


def make_product(shop: Partner, title: str, *, price: int = 100_000, stock: int | None = 50,
                 allocated: int = 0) -> Product:
    product_class, _ = ProductClass.objects.get_or_create(name="Đặc sản", defaults={"track_stock": True})
    product = Product.objects.create(product_class=product_class, title=title, shop=shop)
    StockRecord.objects.create(
        product=product, partner=shop, partner_sku=f"{shop.code}-{product.pk}",
        price=Decimal(price), price_currency="VND", num_in_stock=stock, num_allocated=allocated,
    )
    return product


def make_order(items, *, email: str = "buyer.secret@example.com", number: str | None = None,
               recipient: str = "Nguyễn Văn Nhận", phone: str = "+84912345678",
               note: str = "Gọi trước khi giao", date_placed=None, status: str = "pending"):
    """An order with lines of possibly several shops: items = [(product, quantity), ...]."""
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="VN", defaults={"name": "Việt Nam", "printable_name": "Việt Nam"}
    )
    first, _, last = recipient.partition(" ")
    address = ShippingAddress.objects.create(
        first_name=first, last_name=last, line1="123 Ấp Tân Hưng", line4="Cà Mau",
        country=country, phone_number=phone, notes=note,
    )
    total = sum(Decimal(p.stockrecords.first().price) * q for p, q in items)
    order = Order.objects.create(
        number=number or f"{100000 + next(_numbers)}", site_id=settings.SITE_ID, currency="VND",
        total_incl_tax=total, total_excl_tax=total, shipping_incl_tax=0, shipping_excl_tax=0,
        shipping_address=address, guest_email=email, status="Pending", date_placed=date_placed,
    )
    for product, quantity in items:
        record = product.stockrecords.first()
        amount = Decimal(record.price) * quantity
        Line.objects.create(
            order=order, partner=record.partner, partner_name=record.partner.name,
            partner_sku=record.partner_sku, stockrecord=record, product=product,
            title=product.title, quantity=quantity, num_allocated=quantity, status=status,
            line_price_incl_tax=amount, line_price_excl_tax=amount,
            line_price_before_discounts_incl_tax=amount, line_price_before_discounts_excl_tax=amount,
            unit_price_incl_tax=record.price, unit_price_excl_tax=record.price,
        )
    return order


def make_option(shop: Partner, name: str = "Giao tận nơi", **kwargs) -> ShippingOption:
    return ShippingOption.objects.create(shop=shop, name=name, fee=kwargs.pop("fee", 30_000), **kwargs)


def make_certificate(product: Product, **kwargs) -> OcopCertificate:
    import datetime

    defaults = {
        "stars": 3, "score": 60, "decision_number": "123/QĐ-UBND",
        "issuing_body": OcopCertificate.IssuingBody.PROVINCE,
        "issued_on": datetime.date(2025, 1, 15), "status": OcopCertificate.Status.PENDING,
    }
    defaults.update(kwargs)
    return OcopCertificate.objects.create(product=product, **defaults)


def login(client, user) -> None:
    client.force_login(user)
