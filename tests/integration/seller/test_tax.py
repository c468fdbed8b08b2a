"""/seller/<shop_code>/tax/: the tax profile (owner edits, the validator's messages), this
year's withholding, the threshold warning, the yearly certificate and the orders export for
e-invoicing; another shop's member gets 404."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.tax.models import TaxProfile
from shops.models import ShopMember
from tests.factories import login, make_shop, make_tax_profile, make_user, paid_sale, refund_sale

pytestmark = pytest.mark.django_db

PROFILE = {"seller_type": "household", "tax_code": "096300001234", "seller_name": "Nguyễn Thị Ba",
           "resident": "on", "business_group": "goods"}


def url(name="seller:tax", shop_code="ho-ba", **kwargs):
    return reverse(name, kwargs={"shop_code": shop_code, **kwargs})


def now_local(**delta):
    return timezone.localtime() - datetime.timedelta(**delta) if delta else timezone.localtime()


@pytest.fixture
def owner():
    return make_user("chu@example.com")


@pytest.fixture
def shop(owner):
    return make_shop("ho-ba", name="Cô Ba", owner=owner, producer_type="household")


@pytest.fixture
def helper(shop):
    user = make_user("tro-giup@example.com")
    ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.HELPER)
    return user


def test_the_owner_saves_the_profile(client, owner, shop):
    login(client, owner)
    page = client.get(url())
    assert page.status_code == 200 and "chưa khai hồ sơ thuế" in page.content.decode()
    response = client.post(url(), {**PROFILE, "tax_code": "0963 0000 1234"})
    assert response.status_code == 302
    profile = TaxProfile.objects.get(shop=shop)
    assert (profile.seller_type, profile.tax_code, profile.seller_name) == ("household", "096300001234", "Nguyễn Thị Ba")


@pytest.mark.parametrize("tax_code, message", [
    ("12345", "10 hoặc 13 chữ số"),
    ("03012345AB", "10 hoặc 13 chữ số"),
    ("099300001234", "mã tỉnh"),
    ("", "Vui lòng nhập mã số thuế"),
])
def test_a_wrong_tax_code_re_renders_with_the_message(client, owner, shop, tax_code, message):
    login(client, owner)
    response = client.post(url(), {**PROFILE, "tax_code": tax_code})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TaxProfile.objects.filter(shop=shop).exists()


def test_a_bad_choice_is_a_message_not_an_error(client, owner, shop):
    login(client, owner)
    response = client.post(url(), {**PROFILE, "seller_type": "pirate", "business_group": "x"})
    assert response.status_code == 400


def test_a_helper_reads_the_profile_but_cannot_change_it(client, shop, helper):
    make_tax_profile(shop, seller_name="Nguyễn Thị Ba")
    login(client, helper)
    page = client.get(url())
    assert page.status_code == 200
    assert "Nguyễn Thị Ba" in page.content.decode() and 'name="tax_code"' not in page.content.decode()
    assert client.post(url(), {**PROFILE, "seller_name": "Khác"}).status_code == 404
    assert TaxProfile.objects.get(shop=shop).seller_name == "Nguyễn Thị Ba"


@pytest.mark.parametrize("name, extra", [
    ("seller:tax", {}), ("seller:tax-certificate", {"year": 2026}), ("seller:tax-orders-csv", {}),
])
def test_another_shops_member_gets_404_and_visitors_sign_in(client, shop, name, extra):
    other = make_user("khac@example.com")
    make_shop("cua-hang-khac", owner=other)
    login(client, other)
    assert client.get(url(name, **extra)).status_code == 404
    client.logout()
    assert client.get(url(name, **extra)).status_code == 302


def test_this_years_withholding_per_month(client, owner, shop):
    make_tax_profile(shop)
    order = paid_sale(shop, 400_000)            # 4.000 + 2.000
    refund_sale(order, 100_000)                 # 1.000 + 500 back
    paid_sale(shop, 90_000, route="cod")        # collected by the shop: not withheld
    login(client, owner)
    page = client.get(url())
    month = timezone.localdate().strftime("%Y-%m")
    body = page.content.decode()
    assert f'data-month="{month}"><td>' in body
    year = page.context["year"]
    assert (year.revenue, year.vat, year.pit, year.other_sales) == (300_000, 3_000, 1_500, 90_000)
    assert "3.000 ₫" in body and "1.500 ₫" in body and 'data-withheld="yes"' in body


def test_the_threshold_warning_on_the_tax_page_and_the_overview(client, owner, shop):
    make_tax_profile(shop)
    login(client, owner)
    assert "data-threshold" not in client.get(url()).content.decode()
    paid_sale(shop, 850_000_000)
    for page in (client.get(url()), client.get(url("seller:overview"))):
        body = page.content.decode()
        assert 'data-threshold="near"' in body and "85%" in body and "máy tính tiền" in body


def test_no_threshold_warning_for_a_cooperative(client, owner):
    shop = make_shop("htx-lon", owner=owner, cooperative=True)
    paid_sale(shop, 2_000_000_000)
    login(client, owner)
    body = client.get(url(shop_code="htx-lon")).content.decode()
    assert "data-threshold" not in body and 'data-withheld="no"' in body


def test_the_yearly_certificate(client, owner, shop, helper, settings):
    settings.TAX_PLATFORM_NAME = "Ban quản lý Chợ OCOP"
    settings.TAX_PLATFORM_TAX_CODE = "2000000000"
    make_tax_profile(shop, seller_name="Nguyễn Thị Ba", tax_code="096300001234")
    paid_sale(shop, 1_000_000)
    year = timezone.localdate().year
    login(client, helper)  # any member may print it
    page = client.get(url("seller:tax-certificate", year=year))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Chứng từ khấu trừ thuế" in body and "@media print" in body
    assert 'data-field="platform-name">Ban quản lý Chợ OCOP' in body
    assert 'data-field="platform-tax-code">2000000000' in body
    assert 'data-field="tax-code">096300001234' in body
    assert "10.000 ₫" in body and "5.000 ₫" in body
    assert "Năm chưa kết thúc" in body
    assert client.get(url("seller:tax-certificate", year=1999)).status_code == 404
    last_year = client.get(url("seller:tax-certificate", year=year - 1))
    assert last_year.status_code == 200 and "Năm chưa kết thúc" not in last_year.content.decode()


def test_the_orders_export_for_the_invoicing_provider(client, owner, shop):
    make_tax_profile(shop)
    first = paid_sale(shop, 230_000, number="900001", shipping=30_000)
    refund_sale(first, 50_000)
    paid_sale(shop, 99_000, route="cod", number="900002")
    other = make_shop("khac")
    paid_sale(other, 55_000, number="900003")
    login(client, owner)
    today = timezone.localdate().isoformat()
    response = client.get(url("seller:tax-orders-csv"), {"from": today, "to": today})
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Mã đơn hàng (khóa hóa đơn)", "Ngày thanh toán", "Tên người mua",
                           "Địa chỉ người mua", "Hình thức thanh toán", "STT dòng"]
    paid = timezone.localdate().strftime("%d/%m/%Y")
    assert [r[0] for r in rows[1:]] == ["900001", "900001", "900002"]
    goods, shipping, cod = rows[1:]
    assert goods[1] == paid and goods[2] == "Nguyễn Văn Nhận"
    assert goods[4] == "Thẻ ngân hàng / thẻ quốc tế"
    assert goods[7] == "Hàng ho-ba" and goods[9:] == ["1", "200000", "200000", "230000", "50000"]
    assert shipping[5:] == ["2", "", "Phí giao hàng", "", "1", "30000", "30000", "230000", "50000"]
    assert cod[4] == "Thanh toán khi nhận hàng (COD)" and cod[9:] == ["1", "99000", "99000", "99000", "0"]


def test_the_export_guards_formulas(client, owner, shop):
    order = paid_sale(shop, 100_000, number="900009")
    order.shipping_address.first_name = "=cmd|' /C calc'!A0"
    order.shipping_address.save()
    login(client, owner)
    today = timezone.localdate().isoformat()
    rows = list(csv.reader(io.StringIO(
        client.get(url("seller:tax-orders-csv"), {"from": today, "to": today}).content.decode("utf-8-sig"))))
    assert rows[1][2].startswith("'=cmd")


@pytest.mark.parametrize("params, message", [
    ({"from": "2026-07-10", "to": "2026-07-01"}, "phải trước hoặc bằng"),
    ({"from": "2026-13-01", "to": "2026-07-01"}, "Ngày không hợp lệ"),
    ({}, "Vui lòng chọn ngày"),
    ({"from": "2024-01-01", "to": "2026-01-01"}, "tối đa 366 ngày"),
    ({"from": "1900-01-01", "to": "1900-02-01"}, "01/01/2000"),
])
def test_bad_export_dates_re_render_the_page(client, owner, shop, params, message):
    login(client, owner)
    response = client.get(url("seller:tax-orders-csv"), params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_nav_has_the_tax_page(client, owner, shop):
    login(client, owner)
    assert f'href="{url()}"' in client.get(url("seller:overview")).content.decode()


@pytest.mark.parametrize("cod, transfer, shown", [
    (False, False, "not-withheld"), (True, True, "withheld"), (True, False, "mixed"),
])
def test_the_page_says_what_the_route_setting_withholds(client, owner, shop, settings, cod, transfer, shown):
    settings.TAX_WITHHOLD_ROUTES = {**settings.TAX_WITHHOLD_ROUTES, "cod": cod, "shop_transfer": transfer}
    login(client, owner)
    assert f'data-self-collected="{shown}"' in client.get(url()).content.decode()
