"""Issue 18, items 5 and 6 on a phone: the basket by shop with each shop's delivery fee and
the total the checkout charges; over a COD limit the payment step shows COD disabled with
the reason while transfer still goes through."""

from __future__ import annotations

import re

import pytest

from marketplace.order.models import Purchase
from shops.models import Partner, StockRecord

pytestmark = [pytest.mark.browser, pytest.mark.search]

ADDRESS = {"name": "Trần Thị Khách", "phone": "0912 345 678", "street": "Ấp 3, đường Lý Thường Kiệt"}


def vnd(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def two_products_of_two_shops():
    records = (
        StockRecord.objects.filter(
            partner__status=Partner.Status.APPROVED, product__is_public=True,
            num_in_stock__gte=20, price__lt=400_000,
        )
        .select_related("product", "partner").order_by("partner__name", "product__upc")
    )
    chosen = {}
    for record in records:
        chosen.setdefault(record.partner_id, record.product)
        if len(chosen) == 2:
            return list(chosen.values())
    pytest.fail("the demo has no two shops with 20 units of a product under 400.000 ₫")


def test_basket_by_shop_then_cod_over_the_limit_is_disabled_with_its_reason(browsing, settings):
    settings.COD_MAX_QUANTITY_PER_PRODUCT = 10
    page = browsing.page
    products = two_products_of_two_shops()
    for product in products:
        page.goto(product.get_absolute_url())
        page.get_by_role("button", name="Thêm vào giỏ hàng").click()
        page.wait_for_load_state()

    page.goto("/basket/")
    shops = page.locator("section.basket-shop")
    assert shops.count() == 2
    for index in range(2):
        assert "Giao hàng:" in shops.nth(index).inner_text()
    assert "Giao hàng miễn phí" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("basket by shop")

    quantity = page.locator("input[name$='-quantity']").first
    quantity.fill("11")
    page.get_by_role("button", name="Cập nhật").first.click()
    page.wait_for_load_state()
    total = vnd(page.locator("#basket-grand-total").inner_text())
    browsing.shot("basket eleven of one product")

    page.get_by_role("link", name="Tiến hành đặt hàng").click()
    page.wait_for_url(re.compile(r"/checkout/shipping-address/$"))  # no guest step
    page.fill("#id_name", ADDRESS["name"])
    page.fill("#id_phone", ADDRESS["phone"])
    page.fill("#id_email", "khach.gioihan@example.com")
    page.select_option("#id_province", "96")
    page.select_option("#id_commune", label="Phường An Xuyên")
    page.fill("#id_street", ADDRESS["street"])
    page.locator("#address-form button[type=submit]").click()  # the basket's delivery, kept

    page.wait_for_url(re.compile(r"/checkout/payment-method/$"))
    assert page.locator("input[value=cod]").is_disabled()
    assert page.locator("input[value=bank_transfer]").is_enabled()
    assert "tối đa 10" in page.locator("#cod-unavailable").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("payment cod disabled with the reason")
    page.get_by_label("Chuyển khoản ngân hàng (VietQR)").check()
    page.get_by_role("button", name="Xem lại đơn hàng").click()

    page.wait_for_url(re.compile(r"/checkout/preview/$"))
    page.check("#id_accept_terms")
    page.get_by_role("button", name="Đặt hàng", exact=True).click()
    page.wait_for_url(re.compile(r"/checkout/thank-you/(#.*)?$"))  # keeps the form's #place-order
    browsing.shot("placed by transfer")
    purchase = Purchase.objects.get(email="khach.gioihan@example.com")
    assert purchase.payment_method == "bank_transfer"
    assert purchase.total == total
