"""Builders for checkout tests: baskets of several shops, addresses, placements."""

from __future__ import annotations

from oscar.core.loading import get_model

from marketplace.checkout.services import purchase_place
from shops.strategy import MarketplaceStrategy
from tests.integration.seller.ops_factories import (  # noqa: F401 -- re-exported
    login,
    make_option,
    make_product,
    make_shop,
    make_user,
)

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")

ADDRESS = {
    "first_name": "Nguyễn Thị Mua",
    "line1": "12 Ấp Tân Hưng",
    "line2": "Xã Lương Thế Trân",
    "line4": "Cà Mau",
    "phone_number": "+84912345678",
}


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


def place(basket, *, payment_method="cod", choices=None, user=None, email="mua@example.com", **kwargs):
    ensure_country()
    if choices is None:
        from marketplace.checkout.quote import basket_quote, option_key

        quote = basket_quote(basket)
        choices = {str(p.shop.pk): option_key(p.options[0]) for p in quote.parts}
    return purchase_place(
        basket=basket, user=user, email=email, address=dict(ADDRESS), choices=choices,
        payment_method=payment_method, **kwargs,
    )
