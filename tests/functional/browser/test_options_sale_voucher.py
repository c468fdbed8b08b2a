"""Issue 22's story on a 390 px phone: the demo's honey with options, a Tết sale on its 500 ml
option and the shop's TETMATONG voucher. One card with the price range and the struck price
in search; on the product page choosing an option switches price and stock without a
reload; the basket with the voucher applied; the seller's "Phân loại hàng" and vouchers."""

from __future__ import annotations

import datetime
import math
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from catalogue.models import Product
from shops.models import StockRecord
from tests.factories import PASSWORD, make_user
from tests.functional.browser.helpers import header_search, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]

WIDTH = 390
CUT = 20  # percent off the 500 ml option
VOUCHER_PERCENT, VOUCHER_CAP, VOUCHER_MIN = 10, 50_000, 200_000  # the demo's TETMATONG


def vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫"


def inside(page, inner: str, outer: str) -> bool:
    """Every `inner` element lies within its closest `outer` box (nothing spills out)."""
    return page.evaluate(
        """([inner, outer]) => [...document.querySelectorAll(inner)].every(el => {
             const box = el.closest(outer).getBoundingClientRect(), r = el.getBoundingClientRect();
             return r.left >= box.left - 0.5 && r.right <= box.right + 0.5; })""",
        [inner, outer],
    )


@pytest.fixture
def honey_on_sale(demo_site):
    parent = Product.objects.get(shop__code="htx-19-5", structure=Product.PARENT, title="Mật ong U Minh Hạ")
    records = {r.product.title: r for r in StockRecord.objects.filter(product__parent=parent).select_related("product")}
    name = next((title for title in records if "500" in title), sorted(records, key=lambda t: records[t].price)[1])
    record = records[name]
    now = timezone.now()
    sale = int(record.price) * (100 - CUT) // 100
    StockRecord.objects.filter(pk=record.pk).update(
        sale_price=sale, sale_starts_at=now - datetime.timedelta(hours=1), sale_ends_at=now + datetime.timedelta(days=5))
    call_command("search_index", rebuild=True, verbosity=0)
    prices = [int(r.price) if r.pk != record.pk else sale for r in records.values()]
    lists = [int(r.price) for r in records.values()]
    return parent, record.product, int(record.price), sale, prices, lists


def test_options_sale_and_voucher_on_a_phone(browsing, honey_on_sale):
    parent, option, list_price, sale, prices, lists = honey_on_sale
    page = browsing.page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    make_user("mua390@example.com")
    sign_in(page, "mua390@example.com", PASSWORD)

    # --- search: one card, the range, the struck list prices --------------------------------
    page.goto("/")
    header_search(page, "mat ong u minh")
    cards = page.locator(".product-card", has_text="Mật ong U Minh Hạ").filter(has=page.locator("del"))
    expect(cards).to_have_count(1)
    card = cards.first
    card.scroll_into_view_if_needed()
    expect(card.locator(".price-now")).to_have_text(f"{vnd(min(prices))} – {vnd(max(prices))}")
    expect(card.locator("del.price-list")).to_contain_text(f"{vnd(min(lists))} – {vnd(max(lists))}")
    assert inside(page, ".product-card .price-now", ".product-card")
    assert inside(page, ".product-card .price-list", ".product-card")
    browsing.shot("the card with the range and the struck price")

    # --- the product page: an option chosen with JS --------------------------------------
    card.locator("a").first.click()
    page.wait_for_load_state()
    assert "/catalogue/" in page.url or parent.slug in page.url
    url_before = page.url
    price = page.locator(".product-price[data-variant-price]")
    before = price.inner_text()
    page.evaluate("window.__noReload = true")
    exact = re.compile(rf"^\s*{re.escape(option.title)}\s*$")
    page.locator(".variant-option").filter(has=page.locator(".variant-name", has_text=exact)).click()
    expect(price.locator(".price-now")).to_have_text(vnd(sale))
    expect(price.locator("del")).to_contain_text(vnd(list_price))
    assert price.inner_text() != before
    assert page.evaluate("window.__noReload === true"), "choosing an option reloaded the page"
    assert page.url.split("?")[0] == url_before.split("?")[0]
    expect(page.locator("[data-variant-input]")).to_have_value(str(option.pk))
    expect(page.locator("[data-variant-submit]")).to_be_hidden()
    browsing.shot("the product page with the 500 ml option chosen")
    # The buy bar, once the buy box scrolled away: the option's price and its struck list price,
    # not hidden under the bar's buttons.
    page.locator(".product-page h2, .product-page section").last.scroll_into_view_if_needed()
    bar = page.locator(".buy-bar")
    expect(bar).not_to_have_class(re.compile(r"is-off"))
    expect(bar.locator(".price-now")).to_have_text(vnd(sale))
    struck, button = bar.locator("del.price-list").bounding_box(), bar.locator(".btn").first.bounding_box()
    assert struck["x"] + struck["width"] <= button["x"], "the buy bar's struck price runs under its buttons"
    page.screenshot(path=str(browsing.folder / "02b-buy-bar.png"))

    quantity = max(1, math.ceil(VOUCHER_MIN / sale))
    page.locator("#add_to_basket_form input[name=quantity]").fill(str(quantity))
    page.locator("#add_to_basket_form button[type=submit]").first.click()
    page.wait_for_load_state()

    # --- the basket: the shop's voucher -------------------------------------------------------
    page.goto("/basket/")
    page.locator("button[name=code][value=TETMATONG]").click()
    page.wait_for_load_state()
    discount = min(sale * quantity * VOUCHER_PERCENT // 100, VOUCHER_CAP)
    expect(page.locator("body")).to_contain_text("Đã áp dụng mã “TETMATONG”")
    expect(page.locator("body")).to_contain_text(f"−{vnd(discount)}")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    browsing.shot("the basket with the shop voucher")

    # --- the seller: "Phân loại hàng" and the vouchers ---------------------------------------------
    page = browsing.open()
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, "seller-htx-19-5@demo.ocop.vn", settings.DEMO_PASSWORD)
    page.goto(f"/seller/htx-19-5/products/{parent.pk}/")
    section = page.locator("section", has_text="Phân loại hàng").last
    section.scroll_into_view_if_needed()
    expect(section).to_contain_text(option.title)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    browsing.shot("the seller's options")
    page.goto("/seller/htx-19-5/vouchers/")
    expect(page.locator("body")).to_contain_text("TETMATONG")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert re.search(r"Đã dùng \d+/\d+ lượt", page.locator("body").inner_text())
    browsing.shot("the seller's vouchers")
