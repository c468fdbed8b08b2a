"""marketplace/tax/reports.py: the month's rows per seller, a seller's year and the yearly
revenue threshold — each figure hand-computed from sales posted to the ledger."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.core import dates
from marketplace.tax import reports
from marketplace.tax.models import RevenueThreshold
from tests.factories import make_shop, make_tax_profile, paid_sale, refund_sale

pytestmark = pytest.mark.django_db
JULY = datetime.date(2026, 7, 1)


def local(year, month, day, hour=12, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute), timezone.get_default_timezone())


def by_slug(rows):
    return {row.shop_slug: row for row in rows}


@pytest.mark.parametrize("text, expected", [
    ("2026-07", JULY), (" 2026-12 ", datetime.date(2026, 12, 1)),
    ("2026-13", None), ("2026-00", None), ("26-07", None), ("2026/07", None), ("", None), (None, None),
    ("1999-12", None), ("2101-01", None), ("2026-07-01", None), ("tháng 7", None),
])
def test_parse_month(text, expected):
    assert dates.parse_month(text) == expected


def test_the_month_rows_equal_the_rates_of_revenue_net_of_returns():
    household = make_shop("ho-kinh-doanh", name="Cô Ba")
    make_tax_profile(household, seller_name="Nguyễn Thị Ba", tax_code="096300001234")
    cooperative = make_shop("htx-tom", cooperative=True)
    make_tax_profile(cooperative, seller_type="cooperative", tax_code="2100123456", seller_name="HTX Tôm")
    first = paid_sale(household, 1_030_000, at=local(2026, 7, 3), shipping=30_000)  # 10.300 + 5.150
    paid_sale(household, 250_000, at=local(2026, 7, 9))                             # 2.500 + 1.250
    refund_sale(first, 1_030_000, at=local(2026, 7, 20))                            # all of it back
    paid_sale(household, 400_000, route="cod", at=local(2026, 7, 10))                # shop collected: not withheld
    paid_sale(cooperative, 2_000_000, at=local(2026, 7, 11))

    rows = by_slug(reports.withholding_month_rows(month=JULY))
    assert list(rows) == ["ho-kinh-doanh", "htx-tom"]
    ho = rows["ho-kinh-doanh"]
    assert (ho.revenue, ho.vat, ho.pit, ho.other_sales) == (250_000, 2_500, 1_250, 400_000)
    assert (ho.seller_name, ho.tax_code, ho.resident, ho.category, ho.withheld) == (
        "Nguyễn Thị Ba", "096300001234", True, "goods", True)
    htx = rows["htx-tom"]
    assert (htx.revenue, htx.vat, htx.pit, htx.other_sales, htx.withheld) == (0, 0, 0, 2_000_000, False)
    assert not htx.on_schedule
    totals = reports.month_totals(list(rows.values()))
    assert (totals.revenue, totals.vat, totals.pit, totals.sellers) == (250_000, 2_500, 1_250, 1)


def test_a_refund_counts_in_the_month_it_is_booked():
    shop = make_shop("ho-hoan")
    make_tax_profile(shop)
    order = paid_sale(shop, 600_000, at=local(2026, 7, 28))   # 6.000 + 3.000 in July
    refund_sale(order, 200_000, at=local(2026, 8, 2))          # a third back in August
    july = by_slug(reports.withholding_month_rows(month=JULY))["ho-hoan"]
    august = by_slug(reports.withholding_month_rows(month=datetime.date(2026, 8, 1)))["ho-hoan"]
    assert (july.revenue, july.vat, july.pit) == (600_000, 6_000, 3_000)
    assert (august.revenue, august.vat, august.pit) == (-200_000, -2_000, -1_000)


def test_the_month_is_the_local_month_in_ho_chi_minh_city():
    shop = make_shop("ho-bien")
    make_tax_profile(shop)
    # 31 July 23:30 in Cà Mau is 16:30 UTC: July. 1 August 00:30 local is still 31 July in UTC.
    paid_sale(shop, 100_000, at=local(2026, 7, 31, 23, 30))
    paid_sale(shop, 300_000, at=local(2026, 8, 1, 0, 30))
    paid_sale(shop, 500_000, at=local(2026, 7, 1, 0, 10))   # 30 June 17:10 UTC: still July here
    july = by_slug(reports.withholding_month_rows(month=JULY))["ho-bien"]
    august = by_slug(reports.withholding_month_rows(month=datetime.date(2026, 8, 1)))["ho-bien"]
    assert july.revenue == 600_000 and august.revenue == 300_000


def test_query_count_does_not_grow_with_the_sellers():
    def count(n: int, prefix: str) -> int:
        for i in range(n):
            shop = make_shop(f"{prefix}-{i}")
            if i % 2:
                make_tax_profile(shop)
            paid_sale(shop, 100_000, at=local(2026, 9, 5))
        with CaptureQueriesContext(connection) as queries:
            rows = reports.withholding_month_rows(month=datetime.date(2026, 9, 1))
            [row.seller_name for row in rows]
        return len(queries)

    few = count(2, "it")
    assert count(18, "nhieu") == few == 2


def test_a_sellers_year_month_by_month():
    shop = make_shop("ho-nam")
    make_tax_profile(shop)
    paid_sale(shop, 200_000, at=local(2026, 1, 1, 0, 5))
    paid_sale(shop, 300_000, at=local(2026, 12, 31, 23, 55))
    paid_sale(shop, 900_000, at=local(2025, 12, 31, 23, 55))  # last year
    paid_sale(shop, 100_000, route="cod", at=local(2026, 5, 5))
    with CaptureQueriesContext(connection) as queries:
        year = reports.seller_year(shop=shop, year=2026)
    assert len(queries) == 1
    assert [m.month.month for m in year.months] == list(range(1, 13))
    assert (year.months[0].revenue, year.months[0].vat, year.months[0].pit) == (200_000, 2_000, 1_000)
    assert (year.months[11].revenue, year.months[11].vat) == (300_000, 3_000)
    assert year.months[4].other_sales == 100_000 and year.months[4].vat == 0
    assert (year.revenue, year.vat, year.pit, year.withheld) == (500_000, 5_000, 2_500, 7_500)


def test_the_threshold_is_dated_data_with_its_legal_basis():
    threshold = reports.threshold_on(datetime.date(2026, 1, 1))
    assert (threshold.amount, threshold.warn_from) == (1_000_000_000, 800_000_000)
    assert "70/2025/NĐ-CP" in threshold.legal_basis
    assert reports.threshold_on(datetime.date(2025, 5, 31)) is None


def test_households_near_the_threshold_are_warned_and_listed():
    today = datetime.date(2026, 10, 15)
    near = make_shop("ho-gan-nguong")
    make_tax_profile(near)
    paid_sale(near, 790_000_000, at=local(2026, 3, 1))
    paid_sale(near, 15_000_000, route="cod", at=local(2026, 9, 1))      # every route counts
    far = make_shop("ho-xa-nguong")
    make_tax_profile(far)
    paid_sale(far, 500_000_000, at=local(2026, 3, 1))
    paid_sale(far, 400_000_000, at=local(2025, 11, 1))                   # last year: not counted
    over = make_shop("ho-vuot")
    make_tax_profile(over, seller_type="individual")
    paid_sale(over, 1_000_000_000, at=local(2026, 2, 1))
    company = make_shop("cong-ty")
    make_tax_profile(company, seller_type="company", tax_code="0301234567")
    paid_sale(company, 2_000_000_000, at=local(2026, 2, 1))

    status = reports.threshold_status(shop=near, today=today)
    assert (status.sales, status.near, status.over, status.percent) == (805_000_000, True, False, 80)
    assert not reports.threshold_status(shop=far, today=today).near
    assert reports.threshold_status(shop=over, today=today).over
    assert reports.threshold_status(shop=company, today=today) is None
    listed = [(shop.code, s.sales) for shop, s in reports.sellers_near_threshold(today=today)]
    assert listed == [("ho-vuot", 1_000_000_000), ("ho-gan-nguong", 805_000_000)]


def test_a_later_threshold_row_takes_over_from_its_date():
    RevenueThreshold.objects.create(valid_from=datetime.date(2027, 1, 1), amount=3_000_000_000,
                                    warn_basis_points=9000, duty="x", legal_basis="Nghị định giả định")
    assert reports.threshold_on(datetime.date(2026, 12, 31)).amount == 1_000_000_000
    assert reports.threshold_on(datetime.date(2027, 1, 1)).warn_from == 2_700_000_000
