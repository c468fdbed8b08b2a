"""Issue 21, the seller on a phone (360 and 390 px): the first screen's tiles one tap from
their filtered lists, the menu reaching every section without sideways scrolling, stock typed
as the new quantity (and a stale count refused), the photo picker's previews."""

from __future__ import annotations

import re

import pytest

from shops.models import Partner, StockRecord
from tests.functional.browser.helpers import axe_violations, png, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]

SHOP = "htx-ba-khia-dam-doi"


def no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("width", [360, 390])
def test_seller_first_screen_menu_stock_and_photos_on_a_phone(browsing, width):
    shop = Partner.objects.get(code=SHOP)
    record = StockRecord.objects.filter(partner=shop, num_in_stock__isnull=False).order_by("pk").first()
    # One product low for sure: 3 on hand, none held.
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=3, num_allocated=0)
    page = browsing.open(viewport={"width": width, "height": 800})
    page.set_default_timeout(45_000)  # the sign-in's hashing is slow on a loaded test machine
    sign_in(page, f"seller-{SHOP}@demo.ocop.vn")
    page.goto(f"/seller/{SHOP}/")

    # First screen: four big tiles, each one tap from its list.
    todo = page.locator(".sops-todo")
    for key in ("pending", "to_ship", "complaints", "low_stock"):
        tile = todo.locator(f'[data-todo="{key}"]')
        assert tile.is_visible()
        box = tile.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 120, key
    assert axe_violations(page) == []
    no_sideways_scroll(page, width)
    browsing.shot(f"{width} overview tiles")
    low = int(todo.locator('[data-todo="low_stock"] .sops-todo-count').inner_text())
    assert low >= 1
    todo.locator('[data-todo="low_stock"]').click()
    page.wait_for_url(re.compile(r"/products/stock/\?low=1$"))
    assert page.locator(".sc-list > li").count() == min(low, 50)
    no_sideways_scroll(page, width)
    browsing.shot(f"{width} low stock list")

    # The menu: the main sections as tiles, the rest behind "Mục khác"; no sideways scrolling.
    menu = page.get_by_role("navigation", name="Kênh người bán")
    menu.locator("summary", has_text="Mục khác").click()
    for name in ("Giao hàng", "Chứng nhận OCOP", "Đánh giá", "Số liệu", "Tiền hàng", "Thuế", "Thành viên", "Nhật ký"):
        link = menu.get_by_role("link", name=name, exact=True)
        assert link.is_visible() and link.bounding_box()["height"] >= 44, name
    no_sideways_scroll(page, width)
    browsing.shot(f"{width} menu open")

    # Stock: the count on hand, typed with the digit keypad; a stale form is refused.
    page.goto(f"/seller/{SHOP}/products/{record.product_id}/stock/")
    quantity = page.get_by_label("Số lượng hiện có")
    assert quantity.get_attribute("inputmode") == "numeric" and quantity.input_value() == "3"
    quantity.fill("25")
    page.get_by_label("Lý do").fill("Nhập hàng mới")
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=2)  # a parcel left meanwhile
    browsing.shot(f"{width} stock form")
    page.get_by_role("button", name="Lưu số lượng").click()
    page.wait_for_load_state()
    assert "Tồn kho vừa thay đổi thành 2, vui lòng kiểm tra lại" in page.locator("main").inner_text()
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 2
    no_sideways_scroll(page, width)
    browsing.shot(f"{width} stock changed meanwhile")
    page.get_by_role("button", name="Lưu số lượng").click()  # the seller checked: 25 it is
    page.wait_for_url(re.compile(r"/products/stock/$"))
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 25
    assert "2 → 25" in page.locator("main").inner_text()

    # Photos: gallery or camera, previews before the upload.
    page.goto(f"/seller/{SHOP}/products/{record.product_id}/images/")
    camera = page.locator('input[name="camera"]')
    assert camera.get_attribute("capture") == "environment"
    page.set_input_files('input[name="photos"]', files=[
        {"name": "mat-truoc.png", "mimeType": "image/png", "buffer": png("#b5651d")},
        {"name": "mat-sau.png", "mimeType": "image/png", "buffer": png("#2e7d32")},
    ])
    previews = page.locator("[data-photo-previews] img")
    previews.nth(1).wait_for()
    assert previews.count() == 2
    assert axe_violations(page) == []
    no_sideways_scroll(page, width)
    browsing.shot(f"{width} photo previews")
    before = record.product.images.count()
    page.get_by_role("button", name="Tải ảnh lên").click()
    page.wait_for_load_state()
    assert record.product.images.count() == before + 2
    assert page.get_by_role("button", name=re.compile("Xuống")).first.is_visible()
    no_sideways_scroll(page, width)
    browsing.shot(f"{width} photos uploaded")
