"""Issue 19, settlement: a seller reads the shop's money on a phone (balance, statement,
payout received); programme staff see what is owed, open the payout waiting to be
transferred and mark it paid with the bank's reference."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from marketplace.ledger.models import Payout
from tests.functional.browser.helpers import DESKTOP, sign_in

pytestmark = [pytest.mark.browser]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_seller_reads_the_money_page_and_staff_mark_a_payout_paid(browsing):
    page = browsing.page
    sign_in(page, "seller-yen-sao-dat-mui@demo.ocop.vn")
    page.goto("/seller/yen-sao-dat-mui/money/")
    browsing.shot("seller money page")
    text = page.inner_text("main")
    assert "Sẵn sàng thanh toán" in text and "Chờ đối soát" in text
    assert "FT26DEMO0001" in text  # the demo payout it received
    assert fits_the_phone(page)
    page.goto("/seller/yen-sao-dat-mui/figures/")  # the nav link leads back from another page
    more = page.locator(".seller-nav details")  # on a phone: the sections behind "Mục khác"
    if more.count() and not more.first.evaluate("d => d.open"):
        more.first.locator("summary").click()
    page.get_by_role("link", name="Tiền hàng").first.click()
    expect(page).to_have_url(re.compile(r"/seller/yen-sao-dat-mui/money/$"))
    # (on a phone the link sits in the closed "Mục khác" menu again: found by its address)
    expect(page.locator('.seller-nav a[href$="/money/"]')).to_have_attribute("aria-current", "page")

    page = browsing.open(viewport=DESKTOP)
    sign_in(page, "staff@demo.ocop.vn")
    page.goto("/dashboard/settlement/")
    browsing.shot("staff settlement summary")
    assert "Đối soát và thanh toán" in page.inner_text("body")
    waiting = Payout.objects.get(status=Payout.Status.PENDING)
    page.goto(f"/dashboard/settlement/runs/{waiting.run_id}/")
    browsing.shot("staff payout run")
    page.goto(f"/dashboard/settlement/payouts/{waiting.pk}/")
    assert page.locator("[data-vietqr] svg").count() == 1
    page.get_by_role("button", name="Đã chuyển khoản").click()
    expect(page.get_by_role("alert").first).to_be_visible()  # refused: no bank reference
    browsing.shot("staff mark paid without reference")
    assert Payout.objects.get(pk=waiting.pk).status == Payout.Status.PENDING
    page.fill("input[name=bank_reference]", "FT26341000777")
    page.get_by_role("button", name="Đã chuyển khoản").click()
    expect(page.locator("body")).to_contain_text("FT26341000777")
    browsing.shot("staff payout paid")
    assert Payout.objects.get(pk=waiting.pk).bank_reference == "FT26341000777"
