"""/dashboard/figures/: programme figures from aggregate queries, checked against hand-built data."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from catalogue.models import OcopCertificate
from catalogue.ocop import ensure_ocop_categories
from marketplace.core.addresses import communes
from marketplace.order.models import Order
from marketplace.reports import periods, selectors
from marketplace.reports.charts import bar_chart
from shops.models import Partner
from tests.factories import (
    make_basket,
    make_certificate,
    make_option,
    make_product,
    make_shop,
    make_user,
    place,
)

pytestmark = pytest.mark.django_db

URL = reverse("reports-dashboard:figures")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")


def in_category(product, code):
    ProductCategory.objects.create(product=product, category=Category.objects.get(code=code))


def period_query():
    today = timezone.localdate()
    return {"date_from": (today - datetime.timedelta(days=1)).isoformat(), "date_to": today.isoformat()}


@pytest.fixture
def staff():
    return make_user("canbo@example.vn", is_staff=True)


@pytest.fixture
def world(staff):
    ensure_ocop_categories()
    old = make_user("cu@example.vn")
    get_user_model().objects.filter(pk=old.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=400)
    )
    buyer = make_user("mua@example.vn")
    shop_a = make_shop("mat-ong", name="Mật ong Hai Ngọt")
    shop_b = make_shop("ruou", name="Rượu Năm Căn")
    commune = communes()[0][0]
    Partner.objects.filter(pk=shop_b.pk).update(
        producer_type=Partner.ProducerType.COOPERATIVE, commune_code=commune
    )
    Partner.objects.filter(pk=shop_a.pk).update(commune_code=commune)
    Partner.objects.create(name="Chờ duyệt", code="cho-duyet")  # pending, household
    for shop in (shop_a, shop_b):
        make_option(shop, "Giao tận nơi", fee=20_000)
    honey = make_product(shop_a, "Mật ong U Minh", price=100_000)
    wine = make_product(shop_b, "Rượu hoa dừa", price=200_000)
    unsold = make_product(shop_b, "Khô cá", price=50_000)
    in_category(honey, "thuc-pham/mat-ong")
    in_category(wine, "do-uong/ruou")
    verified = OcopCertificate.Status.VERIFIED
    make_certificate(
        honey, stars=4, score=75, status=verified, issued_on=datetime.date(2025, 1, 15)
    )  # valid until 2028
    make_certificate(wine, stars=3, score=60, status=OcopCertificate.Status.PENDING)  # not valid
    make_certificate(unsold, stars=3, score=60, status=verified, issued_on=datetime.date(2021, 1, 4))

    place(make_basket([(honey, 2), (wine, 1)]), payment_method="cod", user=buyer)  # 220k + 220k
    place(make_basket([(wine, 3)]), payment_method="bank_transfer")  # 620k
    cancelled = place(make_basket([(honey, 1)]), payment_method="cod").purchase
    Order.objects.filter(purchase=cancelled).update(status="cancelled")
    old_purchase = place(make_basket([(honey, 5)]), payment_method="bank_transfer").purchase
    Order.objects.filter(purchase=old_purchase).update(
        date_placed=timezone.now() - datetime.timedelta(days=40)
    )
    return {"staff": staff, "honey": honey, "wine": wine}


def test_figures_match_the_hand_built_data(world):
    today = timezone.localdate()
    period = selectors.Period(today - datetime.timedelta(days=1), today)
    assert selectors.members(period) == {"total": 3, "in_range": 2}
    assert dict(selectors.shops_by_status()) == {
        "Chờ duyệt": 1, "Đã duyệt": 2, "Tạm ngưng": 0, "Từ chối": 0,
    }
    by_type = dict(selectors.shops_by_producer_type())
    assert by_type["Hộ kinh doanh"] == 2 and by_type["Hợp tác xã"] == 1 and by_type["Doanh nghiệp"] == 0
    assert selectors.shops_by_commune() == [(communes()[0][1], 2), ("Chưa khai báo", 1)]
    groups = dict(selectors.products_by_group())
    assert groups["Thực phẩm"] == 1 and groups["Đồ uống"] == 1 and groups["Sinh vật cảnh"] == 0
    assert groups["Chưa phân loại"] == 1
    assert selectors.products_by_stars() == [(5, 0), (4, 1), (3, 0), (None, 2)]
    assert selectors.orders_summary(period) == {"count": 4, "cancelled": 1, "gmv": 1_060_000}
    assert selectors.gmv_by_payment_method(period) == [
        ("Thanh toán khi nhận hàng (COD)", 2, 440_000),
        ("Chuyển khoản ngân hàng (VietQR)", 1, 620_000),
        ("Thẻ ngân hàng / thẻ quốc tế", 0, 0),
    ]
    assert selectors.top_products(period) == [
        ("Rượu hoa dừa", "Rượu Năm Căn", 4, 800_000),
        ("Mật ong U Minh", "Mật ong Hai Ngọt", 2, 200_000),
    ]
    assert selectors.top_shops(period) == [("Rượu Năm Căn", 2, 840_000), ("Mật ong Hai Ngọt", 1, 220_000)]


def test_the_date_range_picks_the_orders(world):
    today = timezone.localdate()
    old_day = today - datetime.timedelta(days=40)
    old = selectors.Period(old_day - datetime.timedelta(days=1), old_day + datetime.timedelta(days=1))
    assert selectors.orders_summary(old) == {"count": 1, "cancelled": 0, "gmv": 520_000}
    assert selectors.top_products(old) == [("Mật ong U Minh", "Mật ong Hai Ngọt", 5, 500_000)]
    assert selectors.members(old) == {"total": 3, "in_range": 0}
    both = selectors.Period(old_day, today)
    assert selectors.orders_summary(both)["gmv"] == 1_580_000


def test_staff_see_the_page_with_charts(client, world):
    client.force_login(world["staff"])
    response = client.get(URL, period_query())
    assert response.status_code == 200
    html = response.content.decode()
    # 9 charts and the 3 trends: tables titled by their heading, bars drawn in their cells.
    assert html.count('<table class="figures-bars" aria-labelledby=') == 12
    assert f'href="{URL}"' in html  # the dashboard navigation entry
    assert '<h2 id="gmv_by_payment_method-title">GMV theo hình thức thanh toán</h2>' in html
    assert "1.060.000 ₫" in html and "620.000 ₫" in html
    assert "format=csv&amp;table=top_products" in html


def test_default_period_is_this_month(client, world):
    client.force_login(world["staff"])
    response = client.get(URL)
    assert response.status_code == 200
    month = periods.this_month()
    assert response.context["period"] == month
    assert month.start.day == 1 and month.start <= timezone.localdate() <= month.end


def test_csv_export_of_a_table(client, world):
    client.force_login(world["staff"])
    response = client.get(URL, {**period_query(), "format": "csv", "table": "gmv_by_payment_method"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Hình thức", "Đơn hàng", "GMV"]
    assert rows[1:] == [
        ["Thanh toán khi nhận hàng (COD)", "2", "440000"],
        ["Chuyển khoản ngân hàng (VietQR)", "1", "620000"],
        ["Thẻ ngân hàng / thẻ quốc tế", "0", "0"],
    ]
    top = client.get(URL, {**period_query(), "format": "csv", "table": "top_products"})
    assert list(csv.reader(io.StringIO(top.content.decode("utf-8-sig"))))[1] == [
        "Rượu hoa dừa", "Rượu Năm Căn", "4", "800000",
    ]
    assert client.get(URL, {"format": "csv", "table": "nope"}).status_code == 404


@pytest.mark.parametrize("query", [
    {"date_from": "2026-13-40"},
    {"date_from": "hôm qua", "date_to": "2026-01-01"},
    {"date_from": "2026-02-01", "date_to": "2026-01-01"},
    {"date_from": "1900-01-01", "date_to": "2026-01-01"},
    {"date_to": "9999-12-31", "format": "csv", "table": "summary"},
])
def test_bad_dates_re_render_with_errors(client, staff, query):
    client.force_login(staff)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors
    assert "<svg" not in response.content.decode()


def test_only_programme_staff(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(make_user("nguoiban@example.vn"))
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "csv", "table": "summary"}).status_code == 403


def test_a_constant_number_of_queries(client, staff):
    ensure_ocop_categories()
    shops = [make_shop(f"shop-{i}") for i in range(2)]
    products = []
    for shop in shops:
        make_option(shop, fee=10_000)
        products.append(make_product(shop, f"Sản phẩm {shop.code}", price=10_000))
    client.force_login(staff)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL, period_query()).status_code == 200
        return len(ctx.captured_queries)

    place(make_basket([(products[0], 1)]))
    one = count_queries()
    for i in range(4):
        place(make_basket([(products[i % 2], 1), (products[1], 1)]), payment_method="bank_transfer")
    assert count_queries() == one


def test_bar_chart_escapes_and_formats_money():
    svg = bar_chart([("<b>Mật ong</b>", 1_250_000), ("Khô & cá", 0)], title="GMV <x>", money=True)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<b>" not in svg and "&lt;b&gt;Mật ong&lt;/b&gt;" in svg and "Khô &amp; cá" in svg
    assert "<title" in svg and "GMV &lt;x&gt;" in svg and "1.250.000 ₫" in svg and 'role="img"' in svg
    assert svg.count("GMV &lt;x&gt;") == 1  # the accessible name only: the page's heading shows it


def test_bar_chart_wraps_long_labels_rather_than_cutting_them():
    name = "Hợp tác xã Nông nghiệp Dịch vụ Thương mại Tân Hưng Tây"
    svg = bar_chart([(name, 3), ("Mật ong", 1)], title="Cửa hàng")
    assert "…" not in svg
    assert svg.count("<tspan") == 3 and "Tây</tspan>" in svg


def test_csv_cells_never_run_as_formulas(client, staff):
    shop = make_shop("cong-thuc", name="=HYPERLINK(\"http://x\")")
    make_option(shop)
    place(make_basket([(make_product(shop, "@SUM(A1)", price=10_000), 1)]))
    client.force_login(staff)
    response = client.get(URL, {**period_query(), "format": "csv", "table": "top_products"})
    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert row == ["'@SUM(A1)", "'=HYPERLINK(\"http://x\")", "1", "10000"]
