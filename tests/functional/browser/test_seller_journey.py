"""Issue 8, item 4: a seller lists a product with a photo from the phone, finds it in search,
and hands a buyer's order for it to the carrier."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from catalogue.models import Product
from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.models import Order
from marketplace.order.selectors import shop_order_tab_counts
from shops.models import Partner
from tests.factories import make_order
from tests.functional.browser.helpers import header_search, png, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]

SHOP = "htx-ba-khia-dam-doi"
TITLE = "Khô cá lóc Đầm Dơi loại đặc biệt"


def guest_orders(product: Product, email: str) -> Order:
    """A buyer orders the product (another browser would do the same; see the buyer journeys)."""
    buyer = Client()
    buyer.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    from marketplace.core.addresses import communes

    buyer.post(reverse("checkout:shipping-address"), {
        "name": "Lê Văn Mua", "phone": "0987654321", "email": email, "province": "96",
        "commune": str(communes(96)[0][0]), "street": "Khóm 2",
    })
    buyer.post(reverse("checkout:shipping-method"),
               {f"shop_{product.shop_id}": str(product.shop.shipping_options.first().pk)})
    buyer.post(reverse("checkout:payment-method"), {"method": "cod"})
    review = buyer.get(reverse("checkout:preview")).content.decode()
    total = re.search(r'name="expected_total" value="(\d+)"', review).group(1)
    placed = buyer.post(reverse("checkout:preview"), {"expected_total": total, "accept_terms": "on"})
    assert placed.status_code == 302, placed.content.decode()[-2000:]
    return Order.objects.get(purchase__email=email, shop=product.shop)


def test_seller_adds_a_product_with_a_photo_finds_it_and_ships_an_order(browsing):
    page = browsing.page
    sign_in(page, f"seller-{SHOP}@demo.ocop.vn")
    page.goto("/seller/")
    page.wait_for_url(re.compile(rf"/seller/{SHOP}/$"))
    browsing.shot("seller workspace")

    workspace = page.get_by_role("navigation", name="Kênh người bán")
    workspace.get_by_role("link", name="Sản phẩm", exact=True).click()
    page.get_by_role("link", name="Thêm sản phẩm").first.click()
    page.wait_for_url(re.compile(r"/products/new/$"))
    page.fill("#id_title", TITLE)
    category = page.locator("#id_category option", has_text="Thủy sản khô").first
    page.select_option("#id_category", category.get_attribute("value"))
    page.fill("#id_price", "185.000")
    page.fill("#id_stock", "30")
    page.fill("#id_description", "Cá lóc đồng Đầm Dơi phơi nắng hai ngày, không chất bảo quản.")
    page.set_input_files("#id_photos", files=[
        {"name": "kho-ca-loc.png", "mimeType": "image/png", "buffer": png("#b5651d")},
    ])
    browsing.shot("new product form")
    page.get_by_role("button", name="Thêm sản phẩm").click()
    page.wait_for_load_state()
    browsing.shot("product saved")

    product = Product.objects.get(title=TITLE)
    assert product.shop.code == SHOP
    assert product.images.count() == 1
    assert int(product.stockrecords.get().price) == 185_000

    header_search(page, "kho ca loc dam doi dac biet")
    found = page.locator(".product-card", has_text=TITLE)
    assert found.count() == 1
    found.locator("img").first.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=found.locator("img").first.element_handle(), timeout=10_000)
    assert found.locator("img").first.evaluate("img => img.naturalWidth > 0")
    browsing.shot("found in search")

    order = guest_orders(product, "mua.kho.ca@example.com")
    page.goto(f"/seller/{SHOP}/")
    workspace.get_by_role("link", name="Đơn hàng", exact=True).click()
    listed = page.locator(".sops-card", has_text=order.number)
    assert listed.count() == 1
    browsing.shot("orders list")
    listed.get_by_role("link").first.click()
    page.wait_for_url(re.compile(rf"/orders/{re.escape(order.number)}/$"))
    assert TITLE in page.locator("main").inner_text()
    browsing.shot("order detail")
    page.get_by_role("button", name="Xác nhận đơn").click()
    page.wait_for_load_state()
    browsing.shot("order confirmed")
    hand_over = page.locator("#hand-over")
    hand_over.get_by_label("Đơn vị vận chuyển").select_option("ghn")
    hand_over.get_by_label("Mã vận đơn").fill("gycyqnym")
    browsing.shot("hand-over form")
    hand_over.get_by_role("button", name="Xác nhận đã giao cho vận chuyển").click()
    page.wait_for_load_state()
    browsing.shot("handed to carrier")
    assert order.lines.get(product=product).status == "handed_to_carrier"
    assert "Đã giao cho đơn vị vận chuyển" in page.locator("main").inner_text()
    tracking = page.locator("#shipping a", has_text="GYCYQNYM")
    assert tracking.get_attribute("href") == "https://donhang.ghn.vn/?order_code=GYCYQNYM"


def test_order_tabs_scroll_sideways_on_a_phone_and_the_page_does_not(browsing):
    """Issue 18, item 7: the first screen's "Việc cần làm" leads to the order list's tabs, a
    chip row that scrolls on its own at 390 px while the page never scrolls sideways."""
    shop = Partner.objects.get(code=SHOP)
    owner = shop.members.get(role="owner").user
    before = shop_order_tab_counts(shop=shop)  # the demo's own orders
    product = shop.products.filter(stockrecords__num_in_stock__gte=10).first()
    pending = [make_order([(product, 1)], number=f"TAB{n:04d}") for n in range(3)]
    order_lines_transition(shop=shop, order=pending[0], from_status="pending", to_status="confirmed",
                           actor=owner, acting_as="owner")
    page = browsing.page
    sign_in(page, f"seller-{SHOP}@demo.ocop.vn")
    page.goto(f"/seller/{SHOP}/")
    todo = page.locator(".sops-todo")
    assert todo.locator('[data-todo="pending"] .sops-todo-count').inner_text() == str(before["pending"] + 2)
    assert todo.locator('[data-todo="to_ship"] .sops-todo-count').inner_text() == str(before["to_ship"] + 1)
    browsing.shot("overview, things to do")

    todo.locator('[data-todo="pending"]').click()
    page.wait_for_url(re.compile(r"/orders/\?tab=pending$"))
    chips = page.get_by_role("navigation", name="Lọc đơn hàng theo trạng thái")
    assert chips.locator('[aria-current="page"]').get_attribute("data-tab") == "pending"
    assert page.locator(".sops-card").count() == before["pending"] + 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert chips.evaluate("el => el.scrollWidth > el.clientWidth"), "the chips fit: nothing to scroll"
    browsing.shot("orders, to confirm")

    cancelled = chips.locator('[data-tab="cancelled"]')
    cancelled.scroll_into_view_if_needed()
    cancelled.click()
    page.wait_for_url(re.compile(r"\?tab=cancelled$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The chosen tab, last of the row, is in view after the page loads (js/seller.js).
    chosen = chips.locator('[aria-current="page"]')
    assert chosen.get_attribute("data-tab") == "cancelled"
    page.wait_for_function(
        "el => { const r = el.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; }",
        arg=chosen.element_handle(),
    )
    browsing.shot("orders, cancelled tab")
