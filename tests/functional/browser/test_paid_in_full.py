"""A purchase the programme's voucher pays in full, on a 390 px phone: with the shop's free
pickup and a gift code worth the goods, the payment step says there is nothing to pay ahead,
leaves only COD, and the review's total is 0 ₫ (ADR 0044, "Paid in full by vouchers")."""

from __future__ import annotations

import re

import pytest

from marketplace.order.models import Order
from shops.models import Partner, ShippingOption, StockRecord
from tests.factories.vouchers import make_programme_voucher

pytestmark = [pytest.mark.browser, pytest.mark.search]


def test_a_gift_code_worth_the_goods_leaves_only_cod_and_a_zero_total(browsing):
    record = (StockRecord.objects.filter(partner__status=Partner.Status.APPROVED, product__is_public=True,
                                         product__parent__isnull=True, num_in_stock__gte=5,
                                         price__lt=300_000)
              .select_related("product", "partner").order_by("product__upc").first())
    ShippingOption.objects.create(shop=record.partner, name="Nhận tại cửa hàng", fee=0)
    make_programme_voucher("QUATANG", amount=300_000)
    page = browsing.page

    page.goto(record.product.get_absolute_url())
    page.get_by_role("button", name="Thêm vào giỏ hàng").first.click()
    page.wait_for_load_state()
    page.goto("/basket/")
    page.fill("#voucher-code-programme", "QUATANG")
    page.locator("#programme-vouchers button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "Đã áp dụng mã “QUATANG”" in page.content()

    page.get_by_role("link", name="Tiến hành đặt hàng").click()
    page.wait_for_url(re.compile(r"/checkout/shipping-address/$"))
    page.fill("#id_name", "Lê Thị Quà")
    page.fill("#id_phone", "0912 345 679")
    page.select_option("#id_province", "96")
    page.select_option("#id_commune", label="Phường An Xuyên")
    page.fill("#id_street", "Ấp 3, đường Lý Thường Kiệt")
    page.locator("#address-form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/checkout/payment-method/$"))
    assert "0 ₫" in page.locator("#nothing-to-pay").inner_text()
    assert page.locator("input[value=card]").is_disabled()
    assert page.locator("input[value=bank_transfer]").is_disabled()
    assert page.locator("input[value=cod]").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("payment step nothing to pay")

    page.get_by_role("button", name="Xem lại đơn hàng").click()
    page.wait_for_url(re.compile(r"/checkout/preview/$"))
    assert page.locator('input[name="expected_total"]').get_attribute("value") == "0"
    browsing.shot("review zero total")
    page.get_by_label(re.compile("Tôi đã xem lại đơn hàng")).check()
    page.locator("button[name=action][value=place]").click()
    page.wait_for_load_state()
    order = Order.objects.get(lines__product=record.product)
    assert int(order.total_incl_tax) == 0 and order.payment_method == "cod"
    browsing.shot("thank you")
