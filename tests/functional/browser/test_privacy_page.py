"""Issue 20, part 2: the demo buyer's personal-data page on a 390 px phone — download, the
marketing consent (withdrawn in the demo, so unticked), a correction, deleting the account;
and the privacy policy page with its version."""

from __future__ import annotations

import pytest

from marketplace.demo.services import BUYER_EMAIL
from marketplace.privacy.models import ConsentEvent
from tests.functional.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]


def test_privacy_page_on_a_phone(browsing):
    page = browsing.page
    sign_in(page, BUYER_EMAIL)
    page.goto("/accounts/privacy/")
    assert page.locator("h1").inner_text() == "Dữ liệu cá nhân của tôi"
    box = page.locator("#id_marketing_email")
    assert not box.is_checked()  # the demo buyer withdrew it
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("privacy page")

    box.check()
    page.get_by_role("button", name="Lưu lựa chọn").click()
    assert page.locator("#id_marketing_email").is_checked()
    assert ConsentEvent.objects.filter(user__email=BUYER_EMAIL, purpose="marketing_email").first().action == "given"
    page.locator(".privacy-delete summary").click()
    page.locator(".privacy-consents summary").click()
    browsing.shot("consent given, history and delete open")

    with page.expect_download() as download:
        page.get_by_role("button", name="Tải dữ liệu (JSON)").click()
    assert download.value.suggested_filename.startswith("du-lieu-ca-nhan-")

    page.goto("/chinh-sach-bao-ve-du-lieu-ca-nhan/")
    assert "Phiên bản v1" in page.locator(".privacy-notice-version").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("privacy policy")
