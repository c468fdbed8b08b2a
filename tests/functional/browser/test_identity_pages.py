"""Issue 20, part 4: the seller identity pages on a 390 px phone. The demo household
`co-ba-gan` has a representative declared but not verified: every seller page shows the
banner; the representative page says VNeID is not connected; staff verify it on the review
page and the banner goes."""

from __future__ import annotations

import pytest

from marketplace.demo.services import STAFF_EMAIL
from shops.models import LegalRepresentative
from tests.functional.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]

SHOP = "co-ba-gan"


def test_representative_page_banner_and_staff_verification_on_a_phone(browsing):
    page = browsing.page
    sign_in(page, f"seller-{SHOP}@demo.ocop.vn")

    page.goto(f"/seller/{SHOP}/")
    banner = page.locator(".identity-banner")
    assert banner.is_visible()
    assert "chưa được xác thực" in banner.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("seller overview with the identity banner")

    banner.get_by_role("link").click()
    page.wait_for_url(f"**/seller/{SHOP}/representative/")
    assert page.locator('[data-provider="none"]').is_visible()
    assert page.locator('[data-verified="no"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("seller representative page")

    page.get_by_label("Ngày sinh").fill("2000-03-09")   # a wrong day: the ID still agrees (2000)
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("Đã lưu thông tin người đại diện.").wait_for()
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill("096100000001")  # 1: born in the 1900s
    page.get_by_role("button", name="Lưu").click()
    page.locator(".sops-error").first.wait_for()
    assert "thế kỷ" in page.locator(".sops-error").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("seller representative page with an error")

    page.context.clear_cookies()
    sign_in(page, STAFF_EMAIL)
    page.goto(f"/dashboard/shops/{SHOP}/")
    page.get_by_label("Ghi chú (giấy tờ đã xem, không bắt buộc)").fill("CCCD bản gốc")
    page.get_by_role("button", name="Đã đối chiếu giấy tờ").click()
    page.locator('#representative [data-verified="yes"]').wait_for()
    browsing.shot("staff verified the representative")
    assert LegalRepresentative.objects.get(shop__code=SHOP).verification_method == "staff_documents"

    page.context.clear_cookies()
    sign_in(page, f"seller-{SHOP}@demo.ocop.vn")
    page.goto(f"/seller/{SHOP}/")
    assert not page.locator(".identity-banner").count()
    page.goto(f"/seller/{SHOP}/representative/")
    assert page.locator('[data-verified="yes"]').is_visible()
    browsing.shot("seller representative page verified")
