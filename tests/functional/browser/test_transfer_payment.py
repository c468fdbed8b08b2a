"""Issue 19: the demo buyer pays a bank-transfer purchase on a phone — one VietQR for what the
programme collects, a picture of it to save, copy buttons — and the page says "Đã nhận tiền"
by itself when SePay reports the credit to the webhook."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from marketplace.order.links import purchase_link
from marketplace.order.models import Purchase
from marketplace.payment.services import purchase_transfer_due
from tests.factories import sepay_payload
from tests.functional.browser.helpers import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.search]


def test_the_buyer_pays_one_qr_and_sees_the_money_arrive(browsing, live_server):
    purchase = Purchase.objects.get(user__email="buyer@demo.ocop.vn", payment_method="bank_transfer")
    due = purchase_transfer_due(purchase)
    page = browsing.page
    page.goto(purchase_link(purchase))
    panel = page.locator("#transfer")
    expect(panel).to_contain_text(f"OCOP {purchase.number}")
    expect(panel.locator("[data-transfer-label]")).to_have_text("Đang chờ chuyển khoản")
    # transfer.js shows the copy buttons (hidden without JavaScript) under the strict CSP.
    expect(panel.get_by_role("button", name="Chép").first).to_be_visible()
    assert panel.get_by_role("button", name="Chép").count() == 3
    save = panel.get_by_role("link", name="Lưu ảnh mã QR")
    assert save.get_attribute("href") == purchase_link(purchase, "checkout:purchase-vietqr")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{width}px wide on a 390px phone"
    panel.scroll_into_view_if_needed()
    browsing.shot("transfer one qr waiting")
    assert not axe_violations(page)

    # The bank credit arrives (SePay's POST); the page notices on its own.
    body = json.dumps(sepay_payload(f"IBFT OCOP{purchase.number} FT26084123456789", due)).encode()
    request = urllib.request.Request(
        live_server.url + "/payments/bank/webhook/", data=body, method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": "Apikey embedded-bank-webhook-key"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read()) == {"success": True}
    expect(panel.locator("[data-transfer-label]")).to_have_text("Đã nhận tiền", timeout=20_000)
    assert "is-paid" in (panel.locator(".transfer-panel").get_attribute("class") or "")
    browsing.shot("transfer received")
