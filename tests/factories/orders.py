"""Baskets, placed purchases and orders of one or several shops."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.conf import settings
from oscar.core.loading import get_model

from marketplace.checkout.quote import basket_quote, option_key
from marketplace.checkout.services import purchase_place
from marketplace.order.models import Purchase
from shops.strategy import MarketplaceStrategy

from .catalogue import make_product
from .shops import make_option, make_shop

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Line = get_model("order", "Line")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")

ADDRESS = {
    "first_name": "Nguyễn Thị Mua",
    "line1": "12 Ấp Tân Hưng",
    "line2": "Xã Lương Thế Trân",
    "line4": "Cà Mau",
    "phone_number": "+84912345678",
}
_numbers = itertools.count(1)


def ensure_country():
    Country.objects.get_or_create(
        iso_3166_1_a2="VN",
        defaults={"name": "Việt Nam", "printable_name": "Việt Nam", "is_shipping_country": True},
    )


def make_basket(items, *, owner=None) -> Basket:
    """An open basket with `items` = [(product, quantity), ...], priced by our strategy."""
    basket = Basket.objects.create(owner=owner)
    basket.strategy = MarketplaceStrategy()
    for product, quantity in items:
        basket.add_product(product, quantity)
    return reload_basket(basket)


def reload_basket(basket) -> Basket:
    fresh = Basket.objects.get(pk=basket.pk)
    fresh.strategy = MarketplaceStrategy()
    return fresh


def place(basket, *, payment_method="cod", choices=None, user=None, email="mua@example.com",
          address: dict | None = None, **kwargs):
    """Place `basket` through checkout's service: each shop's first shipping option and
    ADDRESS unless told."""
    ensure_country()
    if choices is None:
        quote = basket_quote(basket)
        choices = {str(p.shop.pk): option_key(p.options[0]) for p in quote.parts}
    return purchase_place(
        basket=basket, user=user, email=email, address=dict(address or ADDRESS), choices=choices,
        payment_method=payment_method, **kwargs,
    )


def card_purchase(shop_count: int = 2, *, prefix: str = "the") -> tuple[Purchase, list]:
    """A card purchase awaiting payment, one order per shop; (purchase, products)."""
    shops = [make_shop(f"{prefix}-{i}") for i in range(shop_count)]
    make_option(shops[0], "Giao tận nơi", fee=30_000)
    products = [
        make_product(shop, f"Sản phẩm {i} của {shop.code}", price=150_000 + 50_000 * i, stock=5)
        for i, shop in enumerate(shops)
    ]
    basket = make_basket([(product, 2) for product in products])
    placement = place(basket, payment_method="card")
    assert placement.created and placement.purchase.status == Purchase.Status.AWAITING_PAYMENT
    return placement.purchase, products


def transfer_purchase(prefix: str = "ck", *, own_account: bool = False, user=None,
                      stock: int = 5) -> Purchase:
    """A bank-transfer purchase from two shops, each order awaiting the transfer.

    The first shop has its own bank account when `own_account` (its order is paid by its
    own QR, `OCOP <order number>`); otherwise both orders are paid into the programme's.
    Each order is 150,000 ₫ of goods + 30,000 ₫ delivery.
    """
    shops = [make_shop(f"{prefix}-a"), make_shop(f"{prefix}-b")]
    if own_account:
        shops[0].bank_bin, shops[0].bank_account_number = "970422", "0987654321"
        shops[0].bank_account_name = "HTX MAT ONG"
        shops[0].save()
    for shop in shops:
        make_option(shop, "Giao tận nơi", fee=30_000)
    products = [make_product(shop, f"Đặc sản {shop.code}", price=150_000, stock=stock)
                for shop in shops]
    placement = place(make_basket([(product, 1) for product in products]),
                      payment_method="bank_transfer", user=user)
    return placement.purchase


def sepay_payload(content: str, amount: int, *, sepay_id: int | None = None,
                  reference: str | None = None, transfer_type: str = "in",
                  account: str | None = None, **overrides) -> dict:
    """A bank credit as SePay POSTs it (developer.sepay.vn, "Tích hợp webhook")."""
    number = sepay_id if sepay_id is not None else next(_numbers) + 92700
    payload = {
        "id": number,
        "gateway": "Vietcombank",
        "transactionDate": "2026-03-25 14:02:37",
        "accountNumber": account if account is not None else settings.VIETQR_ACCOUNT_NUMBER,
        "code": None,
        "content": content,
        "transferType": transfer_type,
        "transferAmount": amount,
        "accumulated": 19_077_000,
        "subAccount": None,
        "referenceCode": reference if reference is not None else f"MBVCB.{3278907000 + number}",
        "description": f"BankAPINotify {content}",
    }
    payload.update(overrides)
    return payload


def make_order(items, *, email: str = "buyer.secret@example.com", number: str | None = None,
               recipient: str = "Nguyễn Văn Nhận", phone: str = "+84912345678",
               note: str = "Gọi trước khi giao", date_placed=None, status: str = "pending",
               allocate: bool = True) -> Order:
    """An order written directly, lines of possibly several shops: items = [(product, qty), ...].

    Each line at its stock record's price, with the given line `status`; `allocate` False
    leaves the quantities unallocated.
    """
    ensure_country()
    first, _, last = recipient.partition(" ")
    address = ShippingAddress.objects.create(
        first_name=first, last_name=last, line1="123 Ấp Tân Hưng", line4="Cà Mau",
        country=Country.objects.get(iso_3166_1_a2="VN"), phone_number=phone, notes=note,
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
            title=product.title, quantity=quantity, num_allocated=quantity if allocate else 0,
            status=status, line_price_incl_tax=amount, line_price_excl_tax=amount,
            line_price_before_discounts_incl_tax=amount,
            line_price_before_discounts_excl_tax=amount,
            unit_price_incl_tax=record.price, unit_price_excl_tax=record.price,
        )
    return order
