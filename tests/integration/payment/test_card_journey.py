"""Issue 6's "done when", end to end through the real views: a buyer checks out products of
three shops in one purchase paying by card through localstripe; the signed webhook marks it
paid; each shop sees only its own order in the seller workspace, ships it and refunds its part.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from marketplace.order.models import Order, Purchase
from shops.models import ShopMember, StockRecord
from tests.factories import ensure_country, make_option, make_product, make_shop, make_user
from tests.integration.checkout.test_journey import ADDRESS_POST, commune_code
from tests.integration.payment.conftest import CARD_OK, pay, refunds_at_stripe

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]


def test_three_shops_one_card_purchase_each_shop_ships_and_refunds_its_part(webhooks):
    ensure_country()
    owners, shops, products = [], [], []
    for code, title, price in (("ong-muoi", "Mật ong U Minh", 180_000),
                               ("kho-ca", "Khô cá lóc", 250_000),
                               ("dua-ca-mau", "Rượu hoa dừa", 120_000)):
        owner = make_user(f"owner-{code}@example.com")
        shop = make_shop(code, owner=owner)
        make_option(shop, "Giao tận nơi", fee=20_000)
        owners.append(owner)
        shops.append(shop)
        products.append(make_product(shop, title, price=price, stock=4))

    buyer = Client()
    for product in products:
        buyer.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    buyer.post(reverse("checkout:index"), {"username": "the-buyer@example.com", "options": "anonymous", "phone": "0912345678"})
    buyer.post(reverse("checkout:shipping-address"), {**ADDRESS_POST, "commune": commune_code()})
    buyer.post(reverse("checkout:shipping-method"),
               {f"shop_{s.pk}": str(s.shipping_options.get().pk) for s in shops})
    buyer.post(reverse("checkout:payment-method"), {"method": "card"})
    review = buyer.get(reverse("checkout:preview")).content.decode()
    total = int(re.search(r'name="expected_total" value="(\d+)"', review).group(1))
    assert total == 2 * (180_000 + 250_000 + 120_000) + 3 * 20_000
    placed = buyer.post(reverse("checkout:preview"), {"expected_total": total, "accept_terms": "on"})
    assert placed.status_code == 302 and "/checkout/pay/" in placed["Location"]

    purchase = Purchase.objects.get()
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT
    pay_page = buyer.get(placed["Location"]).content.decode()
    purchase.refresh_from_db()
    assert purchase.stripe_payment_intent and purchase.stripe_payment_intent in pay_page  # client secret
    # Shops are not asked to ship an unpaid card order.
    assert {o.payment_status for o in purchase.orders.all()} == {Order.PaymentStatus.AWAITING_CARD}

    pay(purchase.stripe_payment_intent, CARD_OK)  # what Stripe.js does on that page
    webhooks.wait(purchase.stripe_payment_intent, "payment_intent.succeeded")
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    orders = {o.shop_id: o for o in purchase.orders.all()}
    assert {o.payment_status for o in orders.values()} == {Order.PaymentStatus.PAID}

    for index, (owner, shop) in enumerate(zip(owners, shops, strict=True)):
        seller = Client()
        seller.force_login(owner)
        mine = orders[shop.pk]
        listing = seller.get(reverse("seller:orders", kwargs={"shop_code": shop.code})).content.decode()
        assert mine.number in listing
        for other in orders.values():
            if other.pk != mine.pk:
                assert other.number not in listing
                detail = seller.get(reverse("seller:order-detail",
                                            kwargs={"shop_code": shop.code, "order_number": other.number}))
                assert detail.status_code == 404
        status_url = reverse("seller:order-status", kwargs={"shop_code": shop.code, "order_number": mine.number})
        response = seller.post(status_url, {"from_status": "pending", "to_status": "confirmed"})
        assert response.status_code == 302
        ship_url = reverse("seller:order-ship", kwargs={"shop_code": shop.code, "order_number": mine.number})
        response = seller.post(ship_url, {"carrier": "self"})
        assert response.status_code == 302
        mine.refresh_from_db()
        assert mine.status == "handed_to_carrier"
        record = StockRecord.objects.get(product=products[index])
        assert (record.num_in_stock, record.num_allocated) == (2, 0)  # shipped: stock left the shelf

    # The honey shop refunds part of its order, the fish shop all of it; the third nothing.
    for shop, owner, amount in ((shops[0], owners[0], 50_000), (shops[1], owners[1], None)):
        seller = Client()
        seller.force_login(owner)
        order = orders[shop.pk]
        amount = amount or int(order.total_incl_tax)
        response = seller.post(
            reverse("seller:order-refund", kwargs={"shop_code": shop.code, "order_number": order.number}),
            {"amount": str(amount), "reason": "Hàng bị dập khi giao"},
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
    honey, fish, wine = (Order.objects.get(pk=orders[s.pk].pk) for s in shops)
    assert (honey.amount_refunded, honey.payment_status) == (50_000, Order.PaymentStatus.PARTIALLY_REFUNDED)
    assert (fish.amount_refunded, fish.payment_status) == (int(fish.total_incl_tax), Order.PaymentStatus.REFUNDED)
    assert (wine.amount_refunded, wine.payment_status) == (0, Order.PaymentStatus.PAID)
    at_stripe = sorted(r.amount for r in refunds_at_stripe(purchase.stripe_payment_intent))
    assert at_stripe == sorted([50_000, int(fish.total_incl_tax)])
    # A shop cannot refund another shop's order.
    seller = Client()
    seller.force_login(owners[2])
    response = seller.post(
        reverse("seller:order-refund", kwargs={"shop_code": shops[2].code, "order_number": honey.number}),
        {"amount": "1000", "reason": "x"},
    )
    assert response.status_code == 404
    assert ShopMember.objects.filter(user=owners[2], shop=shops[0]).count() == 0
