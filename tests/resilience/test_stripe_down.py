"""Stripe unreachable: card payment is offered as unavailable, COD and VietQR still sell.

The test's own localstripe serves Stripe, then its real process is killed. The payment step
shows the card option disabled with a Vietnamese explanation and refuses it if posted
anyway; a buyer who had chosen card is sent back at the review step; COD and bank transfer
(VietQR) purchases are placed. A card purchase placed before the outage keeps its order:
the payment page explains, nothing breaks, and cancelling gives the basket back.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.order.models import Order, Purchase
from marketplace.payment import stripe_client
from shops.models import StockRecord
from tests.factories import ensure_country, make_option, make_product, make_shop
from tests.integration.checkout.test_journey import ADDRESS_POST, add_to_basket, commune_code

Basket = get_model("basket", "Basket")

pytestmark = [pytest.mark.stripe, pytest.mark.django_db]

CARD_OFF = "Thanh toán bằng thẻ đang tạm ngưng vì chưa kết nối được cổng thanh toán."
PAY_PAGE_OFF = "Cổng thanh toán thẻ đang gián đoạn; chưa có khoản tiền nào bị thu."


@pytest.fixture
def shop_product(monkeypatch):
    # Ask Stripe at every page (no remembered answer): the outage shows at once.
    monkeypatch.setattr(stripe_client, "PROBE_CACHE_SECONDS", 0)
    ensure_country()
    shop = make_shop("mat-ong-u-minh", name="Mật ong U Minh Hạ")
    make_option(shop, "Giao tận nơi", fee=30_000)
    return shop, make_product(shop, "Mật ong rừng tràm", price=180_000, stock=10)


def to_payment_step(email: str, shop, product) -> Client:
    client = Client()
    add_to_basket(client, product)
    # A guest gives the phone and the (optional) e-mail on the address step (ADR 0038).
    client.post(reverse("checkout:shipping-address"),
                {**ADDRESS_POST, "commune": commune_code(), "phone": "0912345678", "email": email})
    chosen = client.post(
        reverse("checkout:shipping-method"),
        {f"shop_{shop.pk}": str(shop.shipping_options.get().pk)},
    )
    assert chosen.status_code == 302 and chosen["Location"] == reverse("checkout:payment-method")
    return client


def place(client: Client, method: str, email: str) -> Purchase:
    chosen = client.post(reverse("checkout:payment-method"), {"method": method})
    assert chosen.status_code == 302, chosen.content.decode()[-2000:]
    review = client.get(reverse("checkout:preview"))
    assert review.status_code == 200
    total = review.context["quote"].total
    placed = client.post(
        reverse("checkout:preview"), {"expected_total": total, "accept_terms": "on"}
    )
    assert placed.status_code == 302, placed.content.decode()[-2000:]
    return Purchase.objects.get(email=email)


def test_checkout_without_stripe_offers_cod_and_vietqr(shop_product, own_stripe_server):
    shop, product = shop_product
    up = to_payment_step("truoc.su.co@example.com", shop, product)
    page = up.get(reverse("checkout:payment-method"))
    assert CARD_OFF not in page.content.decode()
    assert up.post(reverse("checkout:payment-method"), {"method": "card"}).status_code == 302

    own_stripe_server.stop()  # the real process, killed
    assert not own_stripe_server.running

    # The buyer who chose card before the outage is sent back from the review step.
    back = up.get(reverse("checkout:preview"))
    assert back.status_code == 302 and back["Location"] == reverse("checkout:payment-method")
    assert CARD_OFF in up.get(back["Location"]).content.decode()

    buyer = to_payment_step("cod@example.com", shop, product)
    page = buyer.get(reverse("checkout:payment-method"))
    assert page.status_code == 200
    html = page.content.decode()
    assert CARD_OFF in html and "COD" in html
    card = next(w for w in page.context["form"]["method"] if w.data["value"] == "card")
    assert "disabled" in card.tag()
    refused = buyer.post(reverse("checkout:payment-method"), {"method": "card"})
    assert refused.status_code == 200 and CARD_OFF in refused.content.decode()
    assert not Purchase.objects.exists()

    cod = place(buyer, "cod", "cod@example.com")
    assert cod.status == Purchase.Status.PLACED and cod.payment_method == "cod"
    assert cod.number in buyer.get(reverse("checkout:thank-you")).content.decode()

    transfer_buyer = to_payment_step("chuyen.khoan@example.com", shop, product)
    transfer = place(transfer_buyer, "bank_transfer", "chuyen.khoan@example.com")
    assert transfer.status == Purchase.Status.PLACED
    thanks = transfer_buyer.get(reverse("checkout:thank-you")).content.decode()
    assert "Chuyển khoản bằng VietQR" in thanks and 'src="data:image/png;base64,' in thanks
    assert {o.payment_status for o in transfer.orders.all()} == {
        Order.PaymentStatus.AWAITING_TRANSFER
    }


def test_a_card_purchase_placed_before_the_outage_keeps_its_order(shop_product, own_stripe_server):
    shop, product = shop_product
    buyer = to_payment_step("the@example.com", shop, product)
    purchase = place(buyer, "card", "the@example.com")
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT
    pay_url = reverse("checkout:pay", kwargs={"number": purchase.number, "token": _token(purchase)})

    own_stripe_server.stop()  # the real process, killed

    pay = buyer.get(pay_url)
    assert pay.status_code == 200
    assert PAY_PAGE_OFF in pay.content.decode() and pay.context["unavailable"]
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT and purchase.orders.count() == 1

    cancelled = buyer.post(pay_url, {"action": "cancel"})
    assert cancelled.status_code == 302 and cancelled["Location"] == reverse("basket:summary")
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.CANCELLED
    assert Basket.objects.get(pk=purchase.basket_id).status == Basket.OPEN
    assert StockRecord.objects.get(product=product).num_allocated == 0


def _token(purchase: Purchase) -> str:
    from marketplace.order.links import purchase_access_token

    return purchase_access_token(purchase)
