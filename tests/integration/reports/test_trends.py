"""Issue 21, item 5: the programme's trends (orders, GMV, newly approved shops per week or
month), bucketed in Viet Nam's time, from a constant number of queries, and the figures page
that shows them with a table of contents."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from marketplace.core.dates import VN
from marketplace.order.models import Order
from marketplace.reports.trends import MONTH, WEEK, bucket_starts, trends
from shops.models import Partner
from tests.factories import make_basket, make_option, make_product, make_shop, make_user, place

pytestmark = pytest.mark.django_db

URL = reverse("reports-dashboard:figures")
LAST_DAY = datetime.date(2026, 11, 18)  # a Wednesday


def vn(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def placed_at(product, quantity, when, *, cancelled=False) -> None:
    purchase = place(make_basket([(product, quantity)]), payment_method="cod").purchase
    changes = {"date_placed": when}
    if cancelled:
        changes["status"] = "cancelled"
    Order.objects.filter(purchase=purchase).update(**changes)


def approved_at(code, when, status=Partner.Status.APPROVED) -> Partner:
    shop = make_shop(code, status=status)
    Partner.objects.filter(pk=shop.pk).update(status_changed_at=when)
    return shop


@pytest.fixture
def history():
    shop = make_shop("mat-ong")
    make_option(shop, "Giao tận nơi", fee=20_000)
    honey = make_product(shop, "Mật ong U Minh", price=100_000, stock=1000)
    # Sunday 23:30 in Cà Mau (16:30 UTC): the week of Monday 02/11.
    placed_at(honey, 1, vn(2026, 11, 8, 23, 30))  # 120.000 ₫
    # Monday 00:10 in Cà Mau, still Sunday in UTC: the week of Monday 09/11.
    placed_at(honey, 2, vn(2026, 11, 9, 0, 10))  # 220.000 ₫
    placed_at(honey, 3, vn(2026, 11, 10, 9, 0), cancelled=True)  # an order, no GMV
    # 1 November 00:30 in Cà Mau, 31 October in UTC: November; the week of Monday 26/10.
    placed_at(honey, 4, vn(2026, 11, 1, 0, 30))  # 420.000 ₫
    placed_at(honey, 1, vn(2026, 10, 31, 23, 0))  # October, 120.000 ₫
    placed_at(honey, 1, vn(2026, 11, 19, 8, 0))  # after the last day: not counted yet
    # Shops count on the day they were approved.
    approved_at("duyet-chu-nhat", vn(2026, 11, 15, 23, 0))  # week of 09/11
    approved_at("duyet-thu-hai", vn(2026, 11, 16, 1, 0))  # week of 16/11
    approved_at("duyet-thang-muoi", vn(2026, 10, 5, 10, 0))  # October
    approved_at("cho-duyet", vn(2026, 11, 16, 2, 0), status=Partner.Status.PENDING)  # not approved
    return honey


def by_start(buckets):
    return {bucket.start: bucket for bucket in buckets}


def test_bucket_starts_are_vietnamese_mondays_and_first_days():
    weeks = bucket_starts(WEEK, LAST_DAY, 3)
    assert weeks == [datetime.date(2026, 11, 2), datetime.date(2026, 11, 9), datetime.date(2026, 11, 16)]
    months = bucket_starts(MONTH, datetime.date(2026, 2, 10), 3)
    assert months == [datetime.date(2025, 12, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]


def test_weekly_trends_bucket_in_viet_nams_time(history):
    weeks = trends(WEEK, LAST_DAY, 4)
    assert [b.start for b in weeks] == [
        datetime.date(2026, 10, 26), datetime.date(2026, 11, 2),
        datetime.date(2026, 11, 9), datetime.date(2026, 11, 16),
    ]
    assert [b.end for b in weeks][-2:] == [datetime.date(2026, 11, 15), LAST_DAY]  # so far
    assert [(b.orders, b.gmv, b.new_shops) for b in weeks] == [
        (2, 540_000, 0),  # Saturday 31/10 and Sunday 01/11
        (1, 120_000, 0),  # Sunday 08/11 at 23:30
        (2, 220_000, 1),  # Monday 09/11 at 00:10 and the cancelled one; Sunday 15/11's shop
        (0, 0, 1),  # Monday 16/11's shop; the order of 19/11 is after the last day
    ]
    assert weeks[1].label(WEEK) == "02/11–08/11/2026"


def test_monthly_trends_bucket_in_viet_nams_time(history):
    months = by_start(trends(MONTH, LAST_DAY))
    assert len(months) == 12 and min(months) == datetime.date(2025, 12, 1)
    november, october = months[datetime.date(2026, 11, 1)], months[datetime.date(2026, 10, 1)]
    assert (november.orders, november.gmv, november.new_shops) == (4, 760_000, 2)
    assert (october.orders, october.gmv, october.new_shops) == (1, 120_000, 1)
    assert november.end == LAST_DAY and november.label(MONTH) == "11/2026"
    assert sum(b.orders for b in months.values()) == 5


def test_two_queries_whatever_the_data(django_assert_num_queries, history):
    with django_assert_num_queries(2):
        trends(MONTH, LAST_DAY)
    for day in range(1, 20):
        placed_at(history, 1, vn(2026, 9, day, 12, 0))
        approved_at(f"shop-{day}", vn(2026, 9, day, 12, 0))
    with django_assert_num_queries(2):
        buckets = trends(MONTH, LAST_DAY)
    assert by_start(buckets)[datetime.date(2026, 9, 1)].orders == 19
    with django_assert_num_queries(2):
        trends(WEEK, LAST_DAY, 52)


def test_an_unknown_grain_is_refused():
    with pytest.raises(ValueError):
        trends("day", LAST_DAY)


def test_the_page_shows_trends_with_a_table_of_contents(client, history):
    client.force_login(make_user("canbo@example.vn", is_staff=True))
    query = {"date_from": "2026-11-01", "date_to": LAST_DAY.isoformat()}
    html = client.get(URL, {**query, "grain": MONTH}).content.decode()
    toc = re.search(r'<div id="muc-luc".*?</details>', html, re.S).group(0)
    assert "<summary>Mục lục</summary>" in toc  # the phone's compact contents
    anchors = set(re.findall(r'href="#([\w-]+)"', toc))
    assert "xu-huong" in anchors and "gmv_by_payment_method" in anchors and len(anchors) == 11
    for anchor in anchors:
        assert html.count(f'id="{anchor}"') == 1, anchor
    # Each chart is titled once: its heading, which names its table.
    for title in ("Đơn hàng theo tháng", "GMV theo tháng", "Cửa hàng mới được duyệt theo tháng"):
        assert len(re.findall(rf">{title}<", html)) == 1, title
    assert 'aria-labelledby="trend_gmv-title"' in html
    assert "760.000 ₫" in html and ">11/2026<" in html
    assert html.count("<text") == 0  # no title drawn inside a chart
    weekly = client.get(URL, query).content.decode()
    assert "Đơn hàng theo tuần" in weekly and "16/11–18/11/2026" in weekly
    assert "Đơn hàng theo tuần" in client.get(URL, {**query, "grain": "'; drop"}).content.decode()


def test_trend_csv(client, history):
    client.force_login(make_user("canbo@example.vn", is_staff=True))
    query = {"date_from": "2026-11-01", "date_to": LAST_DAY.isoformat(), "grain": MONTH}
    response = client.get(URL, {**query, "format": "csv", "table": "trend_gmv"})
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Tháng,GMV" and rows[-1] == "11/2026,760000" and len(rows) == 13
