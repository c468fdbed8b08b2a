"""Card purchases for the Stripe tests, built with the checkout factories."""

from __future__ import annotations

from marketplace.order.models import Purchase
from tests.integration.checkout.factories import (
    make_basket,
    make_option,
    make_product,
    make_shop,
    place,
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
