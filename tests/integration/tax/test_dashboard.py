"""/dashboard/tax/: programme staff's month, withholding.csv (the contract's columns) and the
schedule 01-1/BK-CNKD-TMĐT as XLSX, each shop's tax profile; who may see them; bad input."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.core.models import AuditEvent
from marketplace.tax.models import TaxProfile
from tests.factories import (
    login,
    make_shop,
    make_staff,
    make_tax_profile,
    make_user,
    paid_sale,
    refund_sale,
)

pytestmark = pytest.mark.django_db
MONTH = "2026-07"
HEADER = ["shop_slug", "seller_name", "tax_code", "resident", "category", "revenue", "vat_withheld", "pit_withheld"]


def local(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour), timezone.get_default_timezone())


@pytest.fixture
def staff_client(client):
    login(client, make_staff())
    return client


@pytest.fixture
def july():
    """A household with a refund, a non-resident individual with a name a spreadsheet would
    run, a cooperative: July 2026."""
    household = make_shop("ho-ba", name="Cô Ba")
    make_tax_profile(household, seller_name="Nguyễn Thị Ba", tax_code="096300001234")
    order = paid_sale(household, 1_230_000, at=local(2026, 7, 2), shipping=30_000)   # 12.300 / 6.150
    paid_sale(household, 777_777, at=local(2026, 7, 15))                             # 7.778 / 3.889
    refund_sale(order, 410_000, at=local(2026, 7, 25))                                # a third: 4.100 / 2.050
    foreign = make_shop("ca-nhan", name="Cá nhân")
    make_tax_profile(foreign, seller_type="individual", seller_name="=HYPERLINK(\"http://x\")",
                     tax_code="0301234567-001", resident=False)
    paid_sale(foreign, 500_000, at=local(2026, 7, 31, 23))                            # 5.000 / 5.000
    cooperative = make_shop("htx-cua", cooperative=True)
    make_tax_profile(cooperative, seller_type="cooperative", tax_code="2100123456", seller_name="HTX Cua")
    paid_sale(cooperative, 3_000_000, at=local(2026, 7, 5))
    return household, foreign, cooperative


def test_the_contract_csv_hand_computed(staff_client, july):
    response = staff_client.get(reverse("tax-dashboard:csv"), {"month": MONTH})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="withholding_2026-07.csv"' in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert rows[1:] == [
        ["ca-nhan", "'=HYPERLINK(\"http://x\")", "0301234567-001", "0", "goods", "500000", "5000", "5000"],
        ["ho-ba", "Nguyễn Thị Ba", "096300001234", "1", "goods", "1597777", "15978", "7989"],
        ["htx-cua", "HTX Cua", "2100123456", "1", "goods", "0", "0", "0"],
    ]


def test_the_xlsx_schedule(staff_client, july, settings):
    settings.TAX_PLATFORM_NAME = "Chợ OCOP Cà Mau"
    settings.TAX_PLATFORM_TAX_CODE = "2000000000"
    response = staff_client.get(reverse("tax-dashboard:xlsx"), {"month": MONTH})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    text = "\n".join(str(c) for row in cells for c in row if c is not None)
    assert "01-1/BK-CNKD-TMĐT" in text and "Tháng 07 năm 2026" in text
    assert "Chợ OCOP Cà Mau" in text and "2000000000" in text
    header = cells.index(next(r for r in cells if r[0] == "STT"))
    assert cells[header + 1][0] == "(1)"
    lines = cells[header + 2:]
    assert lines[0] == (1, "'=HYPERLINK(\"http://x\")", "0301234567-001", "Không cư trú",
                        "Phân phối, cung cấp hàng hóa", 500_000, 5_000, 5_000)
    assert lines[1] == (2, "Nguyễn Thị Ba", "096300001234", "Cư trú",
                        "Phân phối, cung cấp hàng hóa", 1_597_777, 15_978, 7_989)
    assert lines[2][1:] == ("Tổng cộng", None, None, None, 2_097_777, 20_978, 12_989)
    assert len(lines) == 3  # the cooperative is not on the schedule
    # No cell is a formula, whatever a seller typed.
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_the_month_page(staff_client, july):
    response = staff_client.get(reverse("tax-dashboard:month"), {"month": MONTH})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-total="vat">20.978 ₫' in page and 'data-total="pit">12.989 ₫' in page
    assert 'data-shop="ho-ba"' in page and "withholding.csv?month=2026-07" in page
    assert "withholding.xlsx?month=2026-07" in page
    assert response.context["totals"].sellers == 2
    assert [r.shop_slug for r in response.context["other_rows"]] == ["htx-cua"]


def test_an_empty_month_and_the_default_month(staff_client):
    response = staff_client.get(reverse("tax-dashboard:month"))
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)
    empty = staff_client.get(reverse("tax-dashboard:csv"), {"month": "2030-01"})
    assert empty.content.decode("utf-8-sig").splitlines() == [",".join(HEADER)]


@pytest.mark.parametrize("month", ["2026-13", "abc", "2026-7", "0000-01", "2026-07'; --", "9" * 5000])
@pytest.mark.parametrize("name", ["tax-dashboard:month", "tax-dashboard:csv", "tax-dashboard:xlsx"])
def test_a_bad_month_is_a_message_not_an_error(staff_client, name, month):
    response = staff_client.get(reverse(name), {"month": month})
    assert response.status_code == 400
    assert "Tháng không hợp lệ" in response.content.decode()


@pytest.mark.parametrize("name", ["tax-dashboard:month", "tax-dashboard:csv", "tax-dashboard:xlsx"])
def test_only_programme_staff(client, name):
    assert client.get(reverse(name)).status_code == 302  # to sign in
    shop = make_shop("ho-x", owner=make_user("chu@example.com"))
    login(client, shop.members.get().user)
    assert client.get(reverse(name)).status_code == 403


def test_staff_view_and_edit_a_shops_tax_profile(staff_client):
    shop = make_shop("ho-sua", producer_type="household")
    url = reverse("tax-dashboard:profile", kwargs={"pk": shop.pk})
    page = staff_client.get(url)
    assert page.status_code == 200 and "chưa khai hồ sơ thuế" in page.content.decode()
    bad = staff_client.post(url, {"seller_type": "household", "tax_code": "12345", "seller_name": "A",
                                  "business_group": "goods", "resident": "on"})
    assert bad.status_code == 400 and "10 hoặc 13 chữ số" in bad.content.decode()
    assert not TaxProfile.objects.filter(shop=shop).exists()
    done = staff_client.post(url, {"seller_type": "household", "tax_code": "096 3000 01234",
                                   "seller_name": "Hộ Sửa", "business_group": "goods", "resident": "on"})
    assert done.status_code == 302
    profile = TaxProfile.objects.get(shop=shop)
    assert (profile.tax_code, profile.seller_name, profile.resident) == ("096300001234", "Hộ Sửa", True)
    event = AuditEvent.objects.get(action="tax.profile_saved")
    assert event.acting_as == "programme" and "096300001234" not in str(event.data)
    assert staff_client.get(reverse("tax-dashboard:profile", kwargs={"pk": 999999})).status_code == 404


def test_the_month_page_queries_do_not_grow_with_the_sellers(staff_client):
    def count(n: int, prefix: str) -> int:
        for i in range(n):
            shop = make_shop(f"{prefix}-{i}")
            make_tax_profile(shop)
            paid_sale(shop, 100_000 + i, at=local(2026, 9, 5))
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("tax-dashboard:month"), {"month": "2026-09"}).status_code == 200
        return len(queries)

    assert count(2, "it") == count(18, "nhieu")


def test_the_dashboard_shop_page_links_to_its_tax_profile(staff_client):
    shop = make_shop("ho-lien-ket")
    page = staff_client.get(reverse("shops-dashboard:detail", kwargs={"shop_code": shop.code}))
    assert reverse("tax-dashboard:profile", kwargs={"pk": shop.pk}) in page.content.decode()
