"""Issue 8, item 4: a buyer on a phone, through the real pages, search server and localstripe."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from marketplace.order.models import Order, Purchase
from tests.functional.browser.helpers import header_search

pytestmark = [pytest.mark.browser, pytest.mark.search, pytest.mark.stripe]

ADDRESS = {"name": "Trần Thị Khách", "phone": "0912 345 678", "street": "Ấp 3, đường Lý Thường Kiệt"}


def add_from_product_page(browsing, title_part: str):
    page = browsing.page
    page.locator(".product-card-title a", has_text=title_part).first.click()
    page.wait_for_url(re.compile(r"/catalogue/[^/]+_\d+/$"))
    title = page.locator("h1").inner_text().strip()
    browsing.shot(f"product {title}")
    page.get_by_role("button", name="Thêm vào giỏ hàng").click()
    page.wait_for_load_state()
    assert page.locator(".msg-success", has_text=title).is_visible()
    browsing.shot(f"added {title}")
    return title


def checkout_as_guest(browsing, email: str, method_label: str):
    """Basket → address (with the guest's phone and e-mail) → payment → review, where each
    shop's delivery is changed through "Đổi" to its first option → place."""
    page = browsing.page
    page.goto("/basket/")
    browsing.shot("basket")
    page.get_by_role("link", name="Tiến hành đặt hàng").click()

    page.wait_for_url(re.compile(r"/checkout/shipping-address/$"))  # no guest step
    page.fill("#id_name", ADDRESS["name"])
    page.fill("#id_phone", ADDRESS["phone"])
    page.fill("#id_email", email)
    page.select_option("#id_province", "96")
    page.select_option("#id_commune", label="Phường An Xuyên")
    page.fill("#id_street", ADDRESS["street"])
    browsing.shot("checkout address")
    page.locator("#address-form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/checkout/payment-method/$"))  # delivery preselected
    page.get_by_label(method_label).check()
    browsing.shot("checkout payment")
    page.get_by_role("button", name="Xem lại đơn hàng").click()

    page.wait_for_url(re.compile(r"/checkout/preview/$"))
    page.locator(".review-delivery a", has_text="Đổi").first.click()
    page.wait_for_url(re.compile(r"/checkout/shipping-method/$"))
    parts = page.locator("fieldset.shop-part")
    for index in range(parts.count()):
        parts.nth(index).locator("input[type=radio]").first.check()
    browsing.shot("checkout delivery per shop")
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url(re.compile(r"/checkout/preview/$"))  # back to the review
    page.check("#id_accept_terms")
    browsing.shot("checkout review")
    page.get_by_role("button", name="Đặt hàng", exact=True).click()
    page.wait_for_load_state()


def test_buyer_searches_on_a_phone_and_orders_from_two_shops_cash_on_delivery(browsing):
    page = browsing.page
    assert page.viewport_size == {"width": 390, "height": 844}
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    browsing.shot("home")

    header_search(page, "mat ong")
    results = page.locator(".product-card-title a")
    assert results.count() > 0
    assert "Mật ong U Minh" in results.first.inner_text()
    # Nothing on the results page is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("search mat ong")
    honey = add_from_product_page(browsing, "Mật ong U Minh")
    honey_shop = page.locator(".product-info a[href^='/shops/']").first.inner_text().strip()

    header_search(page, "kho ca")
    other = page.locator(".product-card").filter(
        has_not=page.locator(".product-card-shop", has_text=honey_shop)
    ).first
    other_title = other.locator(".product-card-title a").inner_text().strip()
    browsing.shot("search kho ca")
    add_from_product_page(browsing, other_title)

    checkout_as_guest(browsing, "khach.cod@example.com", "Thanh toán khi nhận hàng (COD)")
    page.wait_for_url(re.compile(r"/checkout/thank-you/(#.*)?$"))  # keeps the form's #place-order
    assert "Cảm ơn" in page.locator("h1").inner_text()
    shop_orders = page.locator("section.shop-part")
    assert shop_orders.count() == 2
    browsing.shot("confirmation two shop orders")

    purchase = Purchase.objects.get(email="khach.cod@example.com")
    orders = list(purchase.orders.order_by("number"))
    assert len(orders) == 2 and len({order.shop_id for order in orders}) == 2
    for order in orders:
        assert shop_orders.filter(has_text=order.number).count() == 1
        assert order.shop.name in shop_orders.filter(has_text=order.number).inner_text()
    titles = {line.title for order in orders for line in order.lines.all()}
    # the honey is a product with options: its line reads "Mật ong U Minh Hạ – <option>"
    assert any(title.startswith(honey) for title in titles) and other_title in titles
    assert {order.payment_status for order in orders} == {Order.PaymentStatus.COD_DUE}


def test_buyer_pays_by_card_through_fake_stripe_js_and_the_webhook_marks_it_paid(
    browsing, stripe_webhooks
):
    page = browsing.page
    page.goto("/")
    header_search(page, "tom kho")
    browsing.shot("search tom kho")
    add_from_product_page(browsing, "Tôm khô")
    checkout_as_guest(browsing, "khach.the@example.com", "Thẻ ngân hàng / thẻ quốc tế")

    page.wait_for_url(re.compile(r"/checkout/pay/[^/]+/[^/]+/(#.*)?$"))
    purchase = Purchase.objects.get(email="khach.the@example.com")
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT
    assert purchase.stripe_payment_intent
    # localstripe's Stripe.js stand-in (served by localstripe, a loopback origin) mounted
    # its card inputs into the page's card element.
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(THREE_D_SECURE_CARD)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("98000")
    browsing.shot("card form")
    stripe_attaches_the_card(purchase.stripe_payment_intent, THREE_D_SECURE_CARD)

    page.locator("#card-submit").click()
    # The stand-in's 3-D Secure dialog, as Stripe.js would show the bank's.
    authenticate = page.get_by_role("button", name="Complete authentication")
    authenticate.wait_for()
    browsing.shot("3d secure")
    authenticate.click()
    page.wait_for_url(re.compile(r"/checkout/purchases/.*paying=1"))

    stripe_webhooks.wait(purchase.stripe_payment_intent, "payment_intent.succeeded", timeout=20)
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert {o.payment_status for o in purchase.orders.all()} == {Order.PaymentStatus.PAID}
    page.reload()
    browsing.shot("purchase paid")
    assert "Đã thanh toán" in page.locator("main").inner_text()


def test_declined_card_then_another_card_on_the_same_payment_page(browsing, stripe_webhooks):
    """Issue 19, part 6: a declined card does not send the buyer back to checkout. The page
    says why in Vietnamese and takes another card for the same PaymentIntent."""
    import stripe as stripe_lib

    page = browsing.page
    page.goto("/")
    header_search(page, "tom kho")
    add_from_product_page(browsing, "Tôm khô")
    checkout_as_guest(browsing, "khach.the.tu.choi@example.com", "Thẻ ngân hàng / thẻ quốc tế")
    page.wait_for_url(re.compile(r"/checkout/pay/[^/]+/[^/]+/(#.*)?$"))
    pay_url = page.url.split("#")[0]  # without the fragment: goto reloads the page
    purchase = Purchase.objects.get(email="khach.the.tu.choi@example.com")
    intent_id = purchase.stripe_payment_intent

    # The card is declined when charged (what Stripe does behind confirmCardPayment; the
    # page's script then reloads the page, as it does on a card_error).
    with pytest.raises(stripe_lib.CardError):
        stripe_attaches_the_card(intent_id, DECLINED_CARD, expect=None)
    stripe_webhooks.wait(intent_id, "payment_intent.payment_failed", timeout=20)
    page.goto(pay_url)
    declined = page.locator(".card-declined")
    assert "Thẻ bị từ chối. Vui lòng thử thẻ khác." in declined.inner_text()
    assert page.locator("#card-element input[placeholder=number]").is_visible()
    assert page.get_by_role("button", name=re.compile("chọn cách thanh toán khác")).is_visible()
    browsing.shot("card declined try another")
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.AWAITING_PAYMENT
    assert purchase.stripe_payment_intent == intent_id

    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill(THREE_D_SECURE_CARD)
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("34")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("98000")
    stripe_attaches_the_card(intent_id, THREE_D_SECURE_CARD)
    page.locator("#card-submit").click()
    authenticate = page.get_by_role("button", name="Complete authentication")
    authenticate.wait_for()
    authenticate.click()
    page.wait_for_url(re.compile(r"/checkout/purchases/.*paying=1"))
    stripe_webhooks.wait(intent_id, "payment_intent.succeeded", timeout=20)
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    page.reload()
    browsing.shot("paid with the second card")
    assert "Đã thanh toán" in page.locator("main").inner_text()


DECLINED_CARD = "4000000000000002"


# A localstripe test card that asks for 3-D Secure: confirming leaves the intent in
# `requires_action`, the state in which localstripe's Stripe.js completes a payment.
THREE_D_SECURE_CARD = "4000002500003155"


def stripe_attaches_the_card(intent_id: str, number: str, expect: str | None = "requires_action"):
    """The part of `stripe.confirmCardPayment(secret, {payment_method: {card}})` that real
    Stripe does on its servers and localstripe's stand-in does not: create the card's
    PaymentMethod, attach it to the intent and confirm it. (The stand-in only drives the
    3-D Secure step of an intent already confirmed: its confirmCardPayment ignores the card
    element and only calls /_authenticate, and a publishable key may not attach a card.)"""
    from marketplace.payment.stripe_client import stripe_client

    client = stripe_client()
    method = client.v1.payment_methods.create(
        {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    )
    client.v1.payment_intents.update(intent_id, {"payment_method": method.id})
    intent = client.v1.payment_intents.confirm(intent_id)
    assert expect is None or intent.status == expect, intent.status
    assert settings.STRIPE_API_BASE.startswith("http://127.0.0.1")
