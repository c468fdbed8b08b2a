"""Issue 20, part 3 on a 390 px phone: the shop application asks for a registration or OCOP
certificate (never an ID card, said plainly), and staff see that a decided shop's document was
deleted at the end of its retention."""

from __future__ import annotations

import pytest

from marketplace.demo.services import BUYER_EMAIL, STAFF_EMAIL
from tests.functional.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]


def test_the_application_document_on_a_phone(browsing):
    page = browsing.page
    sign_in(page, BUYER_EMAIL)
    page.goto("/shops/apply/")
    kind = page.locator("select[name=application_document_kind]")
    options = kind.locator("option").all_inner_texts()
    assert "Giấy chứng nhận sản phẩm OCOP" in options
    assert not any("CCCD" in option or "căn cước" in option.lower() for option in options)
    assert "Không tải ảnh CCCD/CMND" in page.content()
    kind.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("apply document fields")

    browsing.open()
    page = browsing.page
    sign_in(page, STAFF_EMAIL)
    page.goto("/dashboard/shops/co-ba-gan/")
    assert "khi hết thời hạn lưu trữ" in page.content()
    page.get_by_text("khi hết thời hạn lưu trữ").scroll_into_view_if_needed()
    browsing.shot("staff application, document deleted")
