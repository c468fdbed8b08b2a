"""Issue 21, the buyer on a phone (360 and 390 px wide, 844 px tall): the product page shows
price, stock and the buy button in the first screen, swipes through its photos, steps the
quantity with − / +, keeps a buy bar at the bottom once the buy box has scrolled away; the
basket groups lines by shop with each shop's delivery fee and large "Xóa" buttons."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from oscar.core.loading import get_model
from playwright.sync_api import expect

from catalogue.models import Product
from shops.models import Partner, StockRecord
from tests.functional.browser.helpers import axe_violations, png

pytestmark = [pytest.mark.browser, pytest.mark.search]

ProductImage = get_model("catalogue", "ProductImage")
WIDTHS = (360, 390)
HEIGHT = 844


def purchasable(count: int) -> list[Product]:
    """Products of `count` different approved shops, each with 20 units to buy."""
    records = (
        StockRecord.objects.filter(
            partner__status=Partner.Status.APPROVED, product__is_public=True, num_in_stock__gte=20,
        )
        .select_related("product").order_by("partner__name", "product__upc")
    )
    chosen = {}
    for record in records:
        chosen.setdefault(record.partner_id, record.product)
        if len(chosen) == count:
            return list(chosen.values())
    pytest.fail(f"the demo has no {count} shops with 20 units of a product")


def add_photos(product, colours=("#c0392b", "#2e86c1")):
    """Two more photos after the demo's one: a three-photo gallery."""
    start = product.images.count()
    for offset, colour in enumerate(colours):
        ProductImage.objects.create(
            product=product, display_order=start + offset,
            original=ContentFile(png(colour, size=(800, 800)), name=f"them-{offset}.png"),
        )


def box(page, selector):
    locator = page.locator(selector).first
    assert locator.is_visible(), f"{selector} is not visible"
    return locator.bounding_box()


def in_view(page, selector) -> bool:
    rect = box(page, selector)
    return rect["y"] >= 0 and rect["y"] + rect["height"] <= HEIGHT


def slide_in_view(page, index: int) -> bool:
    """The photo `index` (1-based) fills the strip (its left edge at the strip's)."""
    return page.evaluate(
        """(i) => { const t = document.getElementById('gallery-track');
                    const s = document.getElementById('photo-' + i);
                    return Math.abs(s.getBoundingClientRect().left - t.getBoundingClientRect().left) < 2; }""",
        index,
    )


def until(page, script: str, what: str, timeout_ms: int = 5000):
    """Poll `script` (evaluated in the page, as CDP does: the page's CSP allows no eval, which
    Playwright's wait_for_function polling needs) until it is truthy."""
    for _ in range(timeout_ms // 100):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"not within {timeout_ms} ms: {what}")


def current_dot(page) -> str:
    return page.locator("[data-gallery-nav] a[aria-current=true]").get_attribute("href")


def test_product_page_first_screen_gallery_quantity_and_buy_bar(browsing):
    (product,) = purchasable(1)
    add_photos(product)
    for width in WIDTHS:
        page = browsing.open(viewport={"width": width, "height": HEIGHT})
        page.goto(product.get_absolute_url())

        # Price, stock and the buy button are in the first screen, without scrolling.
        for selector in (".product-price", ".product-price-row .availability", "#add_to_basket_form button[type=submit]"):
            assert in_view(page, selector), (width, selector, box(page, selector))
        assert re.fullmatch(r"Còn \d+ sản phẩm", page.locator(".product-price-row .availability").inner_text())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # The buy box is on screen: the bar is not shown twice.
        expect(page.locator(".buy-bar")).to_be_hidden()  # (after its .2 s slide)
        browsing.shot(f"product {width} first screen")

        # Gallery: three photos in the strip; a horizontal swipe shows the second.
        assert page.locator("#gallery-track .gallery-slide").count() == 3
        assert current_dot(page) == "#photo-1" and slide_in_view(page, 1)
        strip = box(page, "#gallery-track")
        page.mouse.move(strip["x"] + strip["width"] / 2, strip["y"] + strip["height"] / 2)
        page.mouse.wheel(strip["width"] * 0.6, 0)
        until(page, "document.getElementById('gallery-track').scrollLeft > 0", "the strip scrolls")
        page.wait_for_timeout(600)  # the strip snaps to the next photo
        assert slide_in_view(page, 2) and current_dot(page) == "#photo-2"
        page.screenshot(path=str(browsing.folder / f"product-{width}-second-photo-screen.png"))
        # A dot scrolls the strip (not the page) to its photo.
        scroll_y = page.evaluate("window.scrollY")
        page.locator("[data-gallery-nav] a[href='#photo-3']").click()
        until(page, "Math.abs(document.getElementById('photo-3').getBoundingClientRect().left"
                    " - document.getElementById('gallery-track').getBoundingClientRect().left) < 2",
              "the third photo shows")
        assert current_dot(page) == "#photo-3" and page.evaluate("window.scrollY") == scroll_y

        # Quantity − / +.
        quantity = page.locator("#add_to_basket_form input[name=quantity]")
        plus = page.locator("#add_to_basket_form .qty-step[data-step='1']")
        minus = page.locator("#add_to_basket_form .qty-step[data-step='-1']")
        assert box(page, ".qty-step")["height"] >= 44 and box(page, ".qty-step")["width"] >= 44
        plus.click()
        plus.click()
        assert quantity.input_value() == "3"
        minus.click()
        assert quantity.input_value() == "2"
        for _ in range(3):
            minus.click()
        assert quantity.input_value() == "1"  # never below one

        # Scrolled past the buy box: the bar holds price and buttons at the bottom.
        page.mouse.wheel(0, 1500)
        until(page, "!document.querySelector('.buy-bar').classList.contains('is-off')", "the buy bar shows")
        page.wait_for_timeout(300)
        bar = box(page, ".buy-bar")
        assert bar["y"] + bar["height"] <= HEIGHT + 1 and bar["y"] >= HEIGHT - 80, bar
        assert page.locator(".buy-bar .buy-bar-price").inner_text().endswith("₫")
        browsing.shot(f"product {width} buy bar")
        # At the very end the bar covers nothing: the footer ends above it.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(300)
        footer_bottom = page.evaluate("document.querySelector('.site-footer').getBoundingClientRect().bottom")
        assert footer_bottom <= box(page, ".buy-bar")["y"] + 1, footer_bottom
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []

    # "Mua ngay" in the bar: into the basket, on to the checkout.
    page.locator(".buy-bar").get_by_role("button", name="Mua ngay").click()
    page.wait_for_url(re.compile(r"/checkout/"))
    browsing.shot("buy now checkout")


def test_basket_by_shop_with_steppers_and_large_remove_buttons(browsing):
    products = purchasable(2)
    for width in WIDTHS:
        page = browsing.open(viewport={"width": width, "height": HEIGHT})
        for product in products:
            page.goto(product.get_absolute_url())
            page.get_by_role("button", name="Thêm vào giỏ hàng").click()
            page.wait_for_load_state()
        page.goto("/basket/")
        shops = page.locator("section.basket-shop")
        assert shops.count() == 2
        for index in range(2):
            text = shops.nth(index).inner_text()
            assert shops.nth(index).locator("h2 a").inner_text().strip()
            assert re.search(r"Giao hàng: .+ — (Miễn phí|[\d.]+ ₫)", text), text
        html = page.content()
        for leftover in ("Để mua sau", "Basket", "Remove", "Save for later", "Voucher"):
            assert leftover not in html, leftover
        # Oscar's voucher form is gone; each shop has its own voucher box (ADR 0044)
        assert shops.nth(0).get_by_text("Mã giảm giá của shop").count() == 1
        for row in page.locator("#basket_totals tr").all():
            assert row.inner_text().strip()  # no empty rows
        removes = page.get_by_role("button", name=re.compile("^Xóa "))
        assert removes.count() == 2
        for index in range(2):
            rect = removes.nth(index).bounding_box()
            assert rect["height"] >= 44 and rect["width"] >= 44, rect
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
        browsing.shot(f"basket {width} by shop")

        # + sends the new quantity by itself (after a short pause).
        total_before = page.locator("#basket-grand-total").inner_text()
        with page.expect_navigation():
            page.locator("#basket_formset .qty-step[data-step='1']").first.click()
        page.wait_for_load_state()
        assert page.locator("#basket-grand-total").inner_text() != total_before
        assert page.locator("#basket_formset input[name$='-quantity']").first.input_value() == "2"
        browsing.shot(f"basket {width} plus one")

        # "Xóa" removes that line (a plain submit button).
        title = page.locator(".basket-line h3").first.inner_text()
        removes.first.click()
        page.wait_for_load_state()
        assert page.locator("section.basket-shop").count() == 1
        assert title not in page.locator("#basket_formset").inner_text()
        browsing.shot(f"basket {width} one removed")
