"""Issue 20, part 5: the published rules on a 390 px phone — the fee schedule with the demo's
announced change, how listings are ranked, the returns page's deadlines, the programme page's
"Quy định của sàn" block, and the footer with every rules page and the Ministry badge."""

from __future__ import annotations

import pytest

from marketplace.ledger.models import FeeRate

pytestmark = [pytest.mark.browser, pytest.mark.search]


def test_rules_pages_and_footer_on_a_phone(browsing, settings):
    # The badge from this server (the browser may not reach online.gov.vn in a test).
    settings.MOIT_REGISTRATION_URL = "https://online.gov.vn/Home/WebDetails/0"
    settings.MOIT_BADGE_IMAGE_URL = f"{browsing.base_url}/static/img/logo.svg"
    upcoming = FeeRate.objects.filter(basis_points__gt=0).get()
    page = browsing.page

    page.goto("/chuong-trinh/bieu-phi/")
    notice = page.locator(".fee-upcoming li")
    assert f"Áp dụng từ {upcoming.valid_from:%d/%m/%Y}" in notice.inner_text()
    assert "2 %" in notice.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("fee schedule")
    footer = page.locator(".site-footer")
    footer.scroll_into_view_if_needed()
    for path in ("/quy-che-hoat-dong/", "/chinh-sach-doi-tra-khieu-nai/", "/chuong-trinh/bieu-phi/",
                 "/chuong-trinh/cach-xep-hang-san-pham/"):
        assert footer.locator(f'a[href="{path}"]').is_visible()
    badge = footer.locator(".moit-badge img")
    assert badge.is_visible()
    # The badge loads lazily: scrolled into view, it is fetched now — wait for it, then check it drew.
    page.wait_for_function("img => img.complete", arg=badge.element_handle(), timeout=10_000)
    assert page.evaluate("img => img.naturalWidth", badge.element_handle()) > 0
    footer.screenshot(path=str(browsing.folder / "02-footer.png"))
    browsing.step += 1

    page.goto("/chuong-trinh/cach-xep-hang-san-pham/")
    assert page.locator('[data-factor="ocop_5"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("how listings are ranked")

    page.goto("/chinh-sach-doi-tra-khieu-nai/")
    assert page.locator('[data-deadline="window"]').is_visible()
    browsing.shot("returns and complaints")

    page.goto("/chuong-trinh/")
    page.get_by_role("link", name="Biểu phí").first.click()
    page.wait_for_url("**/chuong-trinh/bieu-phi/")
    page.go_back()
    browsing.shot("programme page with the rules block")
