"""/seller/<shop_code>/figures/: a shop's own figures, checked against hand-built orders.

Orders are placed through the real checkout and moved with the real services (confirm,
hand over, deliver, cancel, mark paid, refund), so the figures read what sellers produce.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.models import Order
from marketplace.payment.services import (
    order_mark_paid,
    order_refund_complete,
    order_refund_reserve,
    purchase_card_paid,
)
from marketplace.reports.periods import Period, this_month
from shops.models import StockRecord
from shops.seller.figures import selectors
from tests.factories import make_basket, make_option, make_product, make_shop, make_user, place

pytestmark = pytest.mark.django_db

COD, TRANSFER, CARD = (
    "Thanh toán khi nhận hàng (COD)",
    "Chuyển khoản ngân hàng (VietQR)",
    "Thẻ ngân hàng / thẻ quốc tế",
)


def url(shop_code: str = "shop-a") -> str:
    return reverse("seller:figures", kwargs={"shop_code": shop_code})


def today() -> Period:
    day = timezone.localdate()
    return Period(day, day)


def query(period: Period | None = None, **extra) -> dict:
    period = period or today()
    return {"date_from": period.start.isoformat(), "date_to": period.end.isoformat(), **extra}


def buy(items, method: str = "cod") -> list[Order]:
    """Place a purchase; its shop orders, ordered by shop code."""
    purchase = place(make_basket(items), payment_method=method).purchase
    return list(Order.objects.filter(purchase=purchase).order_by("shop__code"))


def move(order: Order, owner, *steps: str) -> None:
    status = "pending"
    for step in steps:
        order_lines_transition(
            shop=order.shop,
            order=order,
            from_status=status,
            to_status=step,
            actor=owner,
            acting_as="owner",
            reason="Người mua đổi ý" if step == "cancelled" else "",
        )
        status = step


def refund(order: Order, owner, amount: int) -> None:
    order_refund_reserve(order, amount)
    order_refund_complete(
        order, amount=amount, reference="tien-mat", actor=owner, acting_as="owner"
    )


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def world():
    owner_a, owner_b = make_user("owner-a@example.vn"), make_user("owner-b@example.vn")
    shop_a, shop_b = make_shop("shop-a", owner=owner_a), make_shop("shop-b", owner=owner_b)
    make_option(shop_a, "Giao tận nơi", fee=30_000)
    make_option(shop_b, "Giao tận nơi", fee=20_000)
    honey = make_product(shop_a, "Mật ong U Minh", price=150_000, stock=100)
    tea = make_product(shop_a, "Trà khổ qua", price=50_000, stock=100)
    fish = make_product(shop_b, "Khô cá sặc", price=200_000, stock=100)

    # 1. COD, delivered, paid 330.000 on delivery, then 50.000 given back.
    delivered = buy([(honey, 2)])[0]
    move(delivered, owner_a, "confirmed", "handed_to_carrier", "delivered")
    order_mark_paid(delivered, actor=owner_a, acting_as="owner")
    refund(delivered, owner_a, 50_000)
    # 2. Bank transfer of two shops: A's 280.000 not received yet; B's order is not A's.
    waiting, _b_order = buy([(honey, 1), (tea, 2), (fish, 1)], "bank_transfer")
    # 3. Card, paid (80.000) and confirmed.
    card = buy([(tea, 1)], "card")[0]
    assert purchase_card_paid(card.purchase, amount=card.purchase.total, reference="pi_1") == "paid"
    move(card, owner_a, "confirmed")
    # 4. COD cancelled before anything was paid.
    move(buy([(honey, 1)])[0], owner_a, "cancelled")
    # 5. Transfer received (180.000), then cancelled; 100.000 of it refunded so far.
    cancelled_paid = buy([(tea, 3)], "bank_transfer")[0]
    order_mark_paid(cancelled_paid, actor=owner_a, acting_as="owner")
    move(cancelled_paid, owner_a, "cancelled")
    refund(cancelled_paid, owner_a, 100_000)
    # 6. Forty days ago: outside the period.
    old = buy([(honey, 5)])[0]
    Order.objects.filter(pk=old.pk).update(date_placed=timezone.now() - datetime.timedelta(days=40))
    # 7. Another shop's own orders, paid: never A's.
    other = buy([(fish, 4)])[0]
    order_mark_paid(other, actor=owner_b, acting_as="owner")

    # Stock: honey 100 - 2 (delivered) with 1 + 5 allocated; tea 100 - 0 with 3 allocated.
    for title, stock, allocated, threshold in [
        ("Tôm khô Rạch Gốc", 0, 0, None),  # out of stock
        ("Cua Năm Căn", 6, 6, 3),  # allocated all: out of stock
        ("Bánh phồng tôm", 7, 3, None),  # 4 left <= default 5
        ("Mắm ba khía", 10, 0, 10),  # 10 <= own threshold 10
        ("Chuối khô", 4, 0, 2),  # 4 > own threshold 2: fine
        ('=HYPERLINK("http://x")', 1, 0, None),  # a formula: guarded in CSV
    ]:
        product = make_product(shop_a, title, stock=stock, allocated=allocated)
        StockRecord.objects.filter(product=product).update(low_stock_threshold=threshold)
    make_product(shop_a, "Du lịch sinh thái", stock=None)  # untracked: never an alert
    make_product(shop_b, "Hàng của B", stock=0)  # B's: never in A's alerts
    return {
        "owner_a": owner_a,
        "owner_b": owner_b,
        "shop_a": shop_a,
        "shop_b": shop_b,
        "honey": honey,
        "tea": tea,
        "fish": fish,
    }


def test_figures_match_the_hand_built_orders(world):
    shop, period = world["shop_a"], today()
    assert selectors.shop_figures_summary(shop=shop, period=period) == {
        "orders": 5,
        "cancelled": 2,
        "revenue": 330_000 + 280_000 + 80_000 - 50_000,
        "collected": 330_000 + 80_000 - 50_000,
        "to_collect": 280_000,
        "refunded": 50_000 + 100_000,
        "owed_on_cancelled": 80_000,
    }
    assert selectors.shop_orders_by_status(shop=shop, period=period) == [
        ("Chờ xác nhận", 1),
        ("Đã xác nhận", 1),
        ("Đã giao cho đơn vị vận chuyển", 0),
        ("Đã giao", 1),
        ("Giao không thành công", 0),
        ("Đã hoàn về cửa hàng", 0),
        ("Đã hủy", 2),
    ]
    assert selectors.shop_revenue_by_payment_method(shop=shop, period=period) == [
        (COD, 1, 280_000, 280_000, 0),
        (TRANSFER, 1, 280_000, 0, 280_000),
        (CARD, 1, 80_000, 80_000, 0),
    ]
    assert selectors.shop_top_products(shop=shop, period=period) == [
        ("Mật ong U Minh", 3, 450_000),  # 2 delivered + 1 waiting; the cancelled one left out
        ("Trà khổ qua", 3, 150_000),  # 2 waiting + 1 card; the 3 of the cancelled order left out
    ]
    b = selectors.shop_figures_summary(shop=world["shop_b"], period=period)
    assert (b["orders"], b["revenue"], b["collected"]) == (2, 1_040_000, 820_000)


def test_the_date_range_picks_the_orders(world):
    shop = world["shop_a"]
    old_day = timezone.localdate() - datetime.timedelta(days=40)
    old = Period(old_day, old_day)
    assert selectors.shop_figures_summary(shop=shop, period=old)["revenue"] == 780_000
    assert selectors.shop_top_products(shop=shop, period=old) == [("Mật ong U Minh", 5, 750_000)]
    both = Period(old_day, timezone.localdate())
    assert selectors.shop_figures_summary(shop=shop, period=both)["orders"] == 6
    empty = Period(old_day + datetime.timedelta(days=1), old_day + datetime.timedelta(days=2))
    assert selectors.shop_figures_summary(shop=shop, period=empty)["revenue"] == 0
    assert selectors.shop_top_products(shop=shop, period=empty) == []


def test_days_are_vietnamese_days(world):
    """23:30 in Cà Mau is still the 15th; 00:10 is the 16th (both 15th in UTC)."""
    honey, tz = world["honey"], timezone.get_current_timezone()
    late, early = buy([(honey, 1)])[0], buy([(honey, 1)])[0]
    Order.objects.filter(pk=late.pk).update(
        date_placed=datetime.datetime(2026, 1, 15, 23, 30, tzinfo=tz)
    )
    Order.objects.filter(pk=early.pk).update(
        date_placed=datetime.datetime(2026, 1, 16, 0, 10, tzinfo=tz)
    )
    assert str(tz) == "Asia/Ho_Chi_Minh"
    day = Period(datetime.date(2026, 1, 15), datetime.date(2026, 1, 15))
    assert selectors.shop_figures_summary(shop=world["shop_a"], period=day)["orders"] == 1
    assert selectors.shop_top_products(shop=world["shop_a"], period=day) == [
        ("Mật ong U Minh", 1, 150_000)
    ]


def test_stock_alerts_out_of_stock_first(world):
    def sku(title: str) -> str:
        return StockRecord.objects.get(product__title=title).partner_sku

    formula = '=HYPERLINK("http://x")'
    assert selectors.shop_stock_alerts(shop=world["shop_a"]) == [
        ("Cua Năm Căn", sku("Cua Năm Căn"), 6, 6, 0, 3, "Hết hàng"),
        ("Tôm khô Rạch Gốc", sku("Tôm khô Rạch Gốc"), 0, 0, 0, 5, "Hết hàng"),
        (formula, sku(formula), 1, 0, 1, 5, "Sắp hết"),
        ("Bánh phồng tôm", sku("Bánh phồng tôm"), 7, 3, 4, 5, "Sắp hết"),
        ("Mắm ba khía", sku("Mắm ba khía"), 10, 0, 10, 10, "Sắp hết"),
    ]


def test_the_page_shows_the_figures_with_charts(client, world):
    client.force_login(world["owner_a"])
    response = client.get(url(), query())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="bar-chart"') == 3  # orders by status, revenue by method, top products
    assert 'data-stat="revenue">640.000 ₫' in html
    assert 'data-stat="owed-on-cancelled"' in html and "80.000 ₫" in html
    assert "Doanh thu theo hình thức thanh toán" in html and "Cảnh báo tồn kho" in html
    assert "Cách tính các số liệu" in html  # the help text says what revenue means
    assert "Khô cá sặc" not in html  # shop B's product
    for table in ("orders_by_status", "revenue_by_payment_method", "top_products", "stock_alerts"):
        assert f"format=csv&amp;table={table}" in html
    assert f'href="{url()}" aria-current="page"' in html  # in the workspace navigation
    overview = client.get(reverse("seller:overview", kwargs={"shop_code": "shop-a"}))
    assert f'href="{url()}"' in overview.content.decode()


def test_default_period_is_this_month(client, world):
    client.force_login(world["owner_a"])
    response = client.get(url())
    assert response.status_code == 200
    month = this_month()
    assert response.context["period"] == month
    assert month.start.day == 1 and month.start <= timezone.localdate() <= month.end
    assert response.context["summary"]["orders"] == 5  # today's, not the one of 40 days ago


def test_csv_of_each_table(client, world):
    client.force_login(world["owner_a"])
    revenue = client.get(url(), query(format="csv", table="revenue_by_payment_method"))
    assert (
        f'filename="shop-a_revenue_by_payment_method_{timezone.localdate():%Y%m%d}-'
        in (revenue["Content-Disposition"])
    )
    assert csv_rows(revenue) == [
        ["Hình thức", "Đơn hàng", "Doanh thu", "Đã thu", "Chưa thu"],
        [COD, "1", "280000", "280000", "0"],
        [TRANSFER, "1", "280000", "0", "280000"],
        [CARD, "1", "80000", "80000", "0"],
    ]
    assert csv_rows(client.get(url(), query(format="csv", table="orders_by_status")))[1:] == [
        ["Chờ xác nhận", "1"],
        ["Đã xác nhận", "1"],
        ["Đã giao cho đơn vị vận chuyển", "0"],
        ["Đã giao", "1"],
        ["Giao không thành công", "0"],
        ["Đã hoàn về cửa hàng", "0"],
        ["Đã hủy", "2"],
    ]
    assert csv_rows(client.get(url(), query(format="csv", table="top_products"))) == [
        ["Sản phẩm", "Số lượng", "Doanh thu"],
        ["Mật ong U Minh", "3", "450000"],
        ["Trà khổ qua", "3", "150000"],
    ]
    alerts = csv_rows(client.get(url(), query(format="csv", table="stock_alerts")))
    assert [row[0] for row in alerts[1:]] == [
        "Cua Năm Căn",
        "Tôm khô Rạch Gốc",
        '\'=HYPERLINK("http://x")',
        "Bánh phồng tôm",
        "Mắm ba khía",
    ]
    assert alerts[1][2:] == ["6", "6", "0", "3", "Hết hàng"]
    assert client.get(url(), query(format="csv", table="nope")).status_code == 404


@pytest.mark.parametrize(
    "bad",
    [
        {"date_from": "2026-13-40"},
        {"date_from": "hôm qua", "date_to": "2026-01-01"},
        {"date_from": "2026-02-01", "date_to": "2026-01-01"},
        {"date_from": "1900-01-01", "date_to": "2026-01-01"},
        {"date_to": "9999-12-31", "format": "csv", "table": "top_products"},
    ],
)
def test_bad_dates_re_render_with_a_message(client, bad):
    owner = make_user("owner-c@example.vn")
    make_shop("shop-c", owner=owner)
    client.force_login(owner)
    response = client.get(url("shop-c"), bad)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors
    html = response.content.decode()
    assert 'role="alert"' in html and "bar-chart" not in html


def test_another_shops_member_gets_404_and_visitors_sign_in(client, world):
    response = client.get(url())
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(url(), query(format="csv", table="top_products")).status_code == 302
    client.force_login(world["owner_b"])
    assert client.get(url()).status_code == 404
    assert client.get(url(), query(format="csv", table="top_products")).status_code == 404
    mine = client.get(url("shop-b"), query())
    assert mine.status_code == 200
    assert "Mật ong U Minh" not in mine.content.decode()
    assert csv_rows(client.get(url("shop-b"), query(format="csv", table="top_products")))[1:] == [
        ["Khô cá sặc", "5", "1000000"],
    ]


def test_a_constant_number_of_queries(client):
    owner = make_user("owner-q@example.vn")
    shop = make_shop("shop-q", owner=owner)
    make_option(shop, fee=10_000)
    products = [make_product(shop, f"Sản phẩm {i}", price=10_000, stock=50) for i in range(2)]
    client.force_login(owner)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("shop-q"), query()).status_code == 200
            assert (
                client.get(url("shop-q"), query(format="csv", table="stock_alerts")).status_code
                == 200
            )
        return len(ctx.captured_queries)

    buy([(products[0], 1)])
    count()  # warms the per-process caches (site, content types)
    few = count()
    more = [make_product(shop, f"Thêm {i}", price=20_000, stock=i + 1) for i in range(6)]
    for i, product in enumerate(more):
        order = buy([(product, 1), (products[1], 1)], "bank_transfer" if i % 2 else "cod")[0]
        if i % 3 == 0:
            move(order, owner, "cancelled")
    assert len(selectors.shop_stock_alerts(shop=shop)) > 2
    assert count() == few
