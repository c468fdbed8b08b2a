"""Issue 18: a seller hands a COD order to GHN on a phone; the buyer follows the parcel on their
order page (timeline, carrier, tracking link, cash to prepare) and taps "Đã nhận hàng"."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from catalogue.models import Product
from marketplace.core.money import format_vnd
from marketplace.order.models import Order, Shipment
from tests.factories import make_basket, place
from tests.functional.browser.helpers import axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]

SHOP = "htx-ba-khia-dam-doi"
BUYER = "buyer@demo.ocop.vn"
GHN_LINK = "https://donhang.ghn.vn/?order_code=GYCYQNYM"


def demo_buyer_orders_cod() -> Order:
    """The demo buyer's COD order of two of the shop's products (the checkout's own service; the
    buyer journeys drive the checkout pages themselves)."""
    buyer = get_user_model().objects.get(email=BUYER)
    product = Product.objects.filter(
        shop__code=SHOP, is_public=True, stockrecords__num_in_stock__gte=5
    ).order_by("pk").first()
    purchase = place(make_basket([(product, 2)], owner=buyer), user=buyer, email=buyer.email).purchase
    return purchase.orders.get()


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide on a 390px phone"


def test_seller_hands_a_cod_order_to_ghn_and_the_buyer_confirms_receipt(browsing):
    order = demo_buyer_orders_cod()
    cod = order.total_vnd

    # The seller, on a phone: confirm the order, hand it to GHN with its tracking code.
    page = browsing.page
    sign_in(page, f"seller-{SHOP}@demo.ocop.vn")
    page.goto(f"/seller/{SHOP}/orders/{order.number}/")
    page.get_by_role("button", name="Xác nhận đơn").click()
    page.wait_for_load_state()
    hand_over = page.locator("#hand-over")
    hand_over.get_by_label("Đơn vị vận chuyển").select_option("ghn")
    hand_over.get_by_label("Mã vận đơn").fill("gycyqnym")
    browsing.shot("seller hand-over form")
    hand_over.get_by_role("button", name="Xác nhận đã giao cho vận chuyển").click()
    page.wait_for_load_state()
    browsing.shot("seller handed to ghn")
    shipment = Shipment.objects.get(order=order)
    assert (shipment.carrier, shipment.tracking_code, shipment.cod_amount) == ("ghn", "GYCYQNYM", cod)

    # The buyer, on their own phone.
    page = browsing.open()
    sign_in(page, BUYER)
    page.goto("/accounts/orders/")
    page.get_by_role("link", name=order.number).first.click()
    page.wait_for_url(re.compile(rf"/accounts/orders/{re.escape(order.number)}/$"))
    tracking = page.locator(f"#tracking-{order.number}")
    tracking.scroll_into_view_if_needed()
    browsing.shot("buyer order in transit")
    no_sideways_scroll(page)
    assert not axe_violations(page)

    text = tracking.inner_text()
    assert "GHN (Giao Hàng Nhanh)" in text and "GYCYQNYM" in text
    assert f"Tiền cần chuẩn bị khi nhận hàng: {format_vnd(cod)}" in " ".join(text.split())
    steps = tracking.locator(".timeline-title").all_inner_texts()
    assert steps == ["Đã giao cho GHN (Giao Hàng Nhanh)", "Cửa hàng đã xác nhận đơn", "Đặt hàng"]
    link = tracking.get_by_role("link", name=re.compile("Xem hành trình trên trang GHN"))
    assert link.get_attribute("href") == GHN_LINK
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")

    # The copy button (JavaScript) puts the code on the clipboard.
    browsing.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy = tracking.get_by_role("button", name="Sao chép")
    assert copy.is_visible()
    copy.click()
    # The label says so for two seconds (waited for: the clipboard answers asynchronously).
    expect(tracking.get_by_role("button", name="Đã sao chép")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == "GYCYQNYM"

    tracking.get_by_role("button", name="Đã nhận hàng").click()
    page.wait_for_url(re.compile(rf"/accounts/orders/{re.escape(order.number)}/$"))
    assert page.locator(".msg-success", has_text="Cảm ơn bạn đã xác nhận đã nhận hàng").is_visible()
    tracking = page.locator(f"#tracking-{order.number}")
    assert tracking.locator(".timeline-step.is-current .timeline-title").inner_text() == "Đã nhận hàng"
    assert tracking.get_by_role("button", name="Đã nhận hàng").count() == 0
    assert "Tiền cần chuẩn bị" not in tracking.inner_text()
    browsing.shot("buyer received")
    no_sideways_scroll(page)

    shipment.refresh_from_db()
    assert (shipment.status, shipment.delivery_confirmed_by) == ("delivered", "buyer")
    assert Order.objects.get(pk=order.pk).status == "delivered"

    # The purchase page (the signed link of the e-mails) tells the same for each shop order.
    page.get_by_role("link", name="Xem cả giao dịch").click()
    page.wait_for_url(re.compile(r"/checkout/purchases/"))
    tracking = page.locator(f"#tracking-{order.number}")
    assert tracking.locator(".timeline-step.is-current .timeline-title").inner_text() == "Đã nhận hàng"
    assert "GYCYQNYM" in tracking.inner_text()
    browsing.shot("purchase page")
    no_sideways_scroll(page)
    assert not axe_violations(page)
