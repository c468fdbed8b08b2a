"""Issue 20, part 1: a certified product renamed by its seller — on a 390 px phone, the seller's
certificate page says why the badge is gone; staff find the certificate marked in their queue.
The demo's "Chả tôm" of Cơ sở Ngọc Giàu was verified as "Chả tôm Rạch Gốc"."""

from __future__ import annotations

import pytest

from catalogue.models import OcopCertificate
from marketplace.demo.services import STAFF_EMAIL
from tests.functional.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]


def test_a_renamed_product_s_certificate_on_a_phone_and_in_the_staff_queue(browsing):
    certificate = (
        OcopCertificate.objects.exclude(reverification_reason="").select_related("product__shop")
        .order_by("pk").first()
    )
    shop = certificate.product.shop
    page = browsing.page
    sign_in(page, f"seller-{shop.code}@demo.ocop.vn")

    page.goto(f"/seller/{shop.code}/certificates/{certificate.pk}/")
    warning = page.locator(".msg-warning")
    assert warning.is_visible() and "Chả tôm Rạch Gốc" in warning.inner_text()
    assert "Chờ xác minh lại" in page.locator("h1 + p").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("seller certificate awaiting re-verification")

    page.goto(certificate.product.get_absolute_url())
    assert page.locator(".product-ocop").count() == 0  # no badge while staff re-check

    page.context.clear_cookies()
    sign_in(page, STAFF_EMAIL)
    page.goto("/dashboard/ocop/?status=pending")
    row = page.locator("tr", has_text=certificate.product.title).first
    assert "Xác minh lại" in row.inner_text()
    browsing.shot("staff certificate queue")
