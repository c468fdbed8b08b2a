"""Issue 21, "Buyer on a phone": the compact sticky header, the home page, the search
results page (filter drawer, sort on change, first photo not lazy, no-results page) and the
cards' stars and "Đã bán N", at 360 and 390 px, on the demo marketplace."""

from __future__ import annotations

import re

import pytest

from tests.functional.browser.helpers import axe_violations, header_search

pytestmark = [pytest.mark.browser, pytest.mark.search]

WIDTHS = (360, 390)


def no_horizontal_scroll(page, width: int, where: str):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{where} at {width} px: {scroll} px wide"


def header_box(page) -> dict:
    return page.evaluate(
        "(() => { const r = document.querySelector('header.site-header').getBoundingClientRect();"
        " return {top: r.top, height: r.height}; })()"
    )


def test_phone_header_home_and_search(browsing):
    for width in WIDTHS:
        page = browsing.open(viewport={"width": width, "height": 844})
        page.set_default_timeout(60_000)  # the first visit makes the demo's thumbnails
        page.goto("/")
        no_horizontal_scroll(page, width, "home")
        box = header_box(page)
        assert box["height"] <= 120, f"header {box['height']} px high at {width} px"
        # Search, basket and account in the header; the language switch is not in it.
        header = page.locator("header.site-header")
        assert header.locator("input[name=q]").is_visible()
        assert header.locator("a.basket-link").is_visible()
        assert header.get_by_role("link", name="Đăng nhập").is_visible()
        assert header.locator("select[name=language]").count() == 0
        assert page.locator("footer select[name=language]").count() == 1
        # Products within the first two screens; the campaign only once before them.
        first_card = page.locator(".product-card").first.bounding_box()
        assert first_card["y"] < 2 * 844, f"first product at {first_card['y']} px"
        before_products = page.evaluate(
            "(() => { const card = document.querySelector('.product-card'); let n = 0;"
            " document.querySelectorAll('.carousel, .block-campaign').forEach(el => {"
            "  if (el.compareDocumentPosition(card) & Node.DOCUMENT_POSITION_FOLLOWING) n++; });"
            " return n; })()"
        )
        assert before_products <= 1, "the campaign is shown more than once before the products"
        browsing.shot(f"home {width}")

        page.mouse.wheel(0, 2500)
        for _ in range(20):  # (wait_for_function would eval a string: refused by the CSP)
            if page.evaluate("window.scrollY") > 1000:
                break
            page.wait_for_timeout(100)
        assert page.evaluate("window.scrollY") > 1000
        box = header_box(page)
        assert box["top"] == 0 and box["height"] <= 120, f"header after scrolling: {box}"
        browsing.shot(f"home scrolled {width}")

        header_search(page, "mat ong")
        no_horizontal_scroll(page, width, "search results")
        cards = page.locator(".product-results .product-card img")
        assert cards.count() > 1
        assert cards.first.get_attribute("loading") == "eager"
        assert cards.first.get_attribute("fetchpriority") == "high"
        assert cards.nth(1).get_attribute("loading") == "lazy"
        # JavaScript runs: the sort applies on change, its button is hidden.
        assert not page.locator(".sort-apply").is_visible()
        browsing.shot(f"search {width}")

        # The filter drawer opens from the button above the results and closes again.
        drawer = page.locator("details.filter-drawer")
        page.locator(".filter-button").click()
        assert drawer.get_attribute("open") is not None
        panel = page.locator(".drawer-panel")
        assert panel.is_visible()
        no_horizontal_scroll(page, width, "filter drawer")
        browsing.shot(f"filters open {width}")
        assert axe_violations(page) == []
        panel.locator(".facet-shop a").first.click()
        page.wait_for_url(re.compile(r"shop="))
        assert page.locator(".filter-chips a").count() >= 1
        assert "(1)" in page.locator(".filter-button").inner_text()

        page.select_option("#search-sort", "price_asc")
        page.wait_for_url(re.compile(r"sort=price_asc"))
        assert "shop=" in page.url, "the sort keeps the filters"
        prices = page.locator(".product-results .price")
        values = [int(re.sub(r"\D", "", prices.nth(i).inner_text())) for i in range(prices.count())]
        assert values == sorted(values)

        # Nothing found: corrections and popular products, with their stars and sales.
        header_search(page, "xyzqwv khong co")
        assert page.get_by_role("heading", name=re.compile("Không tìm thấy sản phẩm")).is_visible()
        popular = page.locator(".popular .product-card")
        assert popular.count() >= 4
        assert page.locator(".popular .card-sold").count() >= 1
        assert page.locator(".popular .card-rating").count() >= 1
        no_horizontal_scroll(page, width, "no results")
        browsing.shot(f"no results {width}")
        assert axe_violations(page) == []


def test_sort_works_without_javascript(browsing):
    page = browsing.open(java_script_enabled=False)
    page.set_default_timeout(60_000)
    page.goto("/search/?q=mat+ong")
    assert page.locator(".sort-apply").is_visible()
    page.select_option("#search-sort", "price_desc")
    page.locator(".sort-apply").click()
    page.wait_for_url(re.compile(r"sort=price_desc"))
    # The drawer is a <details>: it opens without JavaScript.
    page.locator(".filter-button").click()
    assert page.locator(".drawer-panel").is_visible()
    page.locator(".filter-button").click()  # and closes
    assert not page.locator(".drawer-panel").is_visible()
    # The language switch (now in the footer) is a plain form.
    page.select_option("#lang-select", "en")
    page.locator(".lang-form button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
