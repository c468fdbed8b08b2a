"""/seller/<shop>/money/: the shop's balance, what is pending and until when, the month's
ledger, its statement as CSV and the payouts received (shops/seller/money)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.core.dates import VN
from marketplace.ledger.payouts import payout_mark_paid, payout_run_create
from marketplace.ledger.posting import post_refund
from shops.models import ShopMember
from tests.factories import make_user
from tests.factories.ledger import (
    DAY,
    NET_200K,
    money_rates,
    money_shop,
    paid_order,
    released_order,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates(db):
    return money_rates()


def money_url(shop) -> str:
    return reverse("seller:money", kwargs={"shop_code": shop.code})


def this_month() -> str:
    return timezone.now().astimezone(VN).strftime("%Y-%m")


@pytest.fixture
def shop(client):
    shop = money_shop("htx-tien")
    client.force_login(shop.owner)
    return shop


def test_balance_pending_orders_and_payouts(client, shop):
    released_order(shop)
    [payout] = payout_run_create(as_of=timezone.now(), actor=None).payouts
    payout_mark_paid(payout=payout, bank_reference="FT26341999", actor=None)
    released_order(shop, price=100_000)  # payable: 93.500
    waiting = paid_order(shop, paid_at=timezone.now() - 2 * DAY)  # payable in 5 days
    not_delivered = paid_order(shop, delivered=False)

    response = client.get(money_url(shop))

    assert response.status_code == 200
    balance = response.context["balance"]
    assert (balance.payable, balance.pending, balance.in_payout) == (93_500, 2 * NET_200K, 0)
    pending = {row.order: row for row in response.context["pending_orders"]}
    assert set(pending) == {waiting, not_delivered}
    assert pending[waiting].amount == NET_200K
    assert pending[waiting].payable_from == waiting.date_placed + 7 * DAY
    assert pending[not_delivered].payable_from is None
    html = response.content.decode()
    assert 'data-stat="payable">93.500 ₫' in html
    assert (waiting.date_placed + 7 * DAY).astimezone(VN).strftime("%d/%m/%Y") in html
    assert "FT26341999" in html and f"OCOP TT {payout.pk}" in html
    assert 'href="/seller/htx-tien/money/"' in html  # in the seller nav


def test_another_shops_member_gets_404_and_visitors_sign_in(client, shop):
    other = money_shop("htx-khac")
    assert client.get(money_url(other)).status_code == 404
    assert client.get(money_url(other), {"format": "csv"}).status_code == 404
    client.logout()
    assert client.get(money_url(shop)).status_code == 302


def test_a_helper_of_the_shop_sees_it(client, shop):
    helper = make_user("tro-giup@example.vn")
    ShopMember.objects.create(shop=shop, user=helper, role=ShopMember.Role.STAFF)
    client.force_login(helper)
    assert client.get(money_url(shop)).status_code == 200


@pytest.mark.parametrize("month", ["2026-13", "tháng 12", "12-2026", "2999-01", "<b>", "1999-12"])
def test_a_bad_month_shows_this_month_with_a_message(client, shop, month):
    response = client.get(money_url(shop), {"month": month})
    assert response.status_code == 200
    assert response.context["month"].strftime("%Y-%m") == this_month()
    assert "Tháng không hợp lệ" in response.content.decode()
    csv_response = client.get(money_url(shop), {"month": month, "format": "csv"})
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/html")


def test_the_monthly_statement_csv(client, shop):
    now = timezone.now()
    released_order(shop, paid_at=now - 40 * DAY)  # before the month: in the opening balance
    order = paid_order(shop, price=100_000, paid_at=now)
    last_month = (now - 40 * DAY).astimezone(VN)

    response = client.get(money_url(shop), {"month": this_month(), "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="htx-tien_sao-ke_{this_month()}.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-3:] == ["Số tiền (₫)", "Tăng/giảm số dư (₫)", "Số dư sau (₫)"]
    opening, *entries, closing = rows[1:]
    assert opening[1:2] == ["Số dư đầu kỳ"] and opening[-1] == str(NET_200K)
    # sale +100.000, fee −5.000, VAT −1.000, PIT −500
    assert [(e[1], e[2], e[-2], e[-1]) for e in entries] == [
        ("Tiền hàng chương trình thu hộ", order.number, "100000", "287000"),
        ("Phí chương trình", order.number, "-5000", "282000"),
        ("Khấu trừ thuế GTGT", order.number, "-1000", "281000"),
        ("Khấu trừ thuế TNCN", order.number, "-500", "280500"),
    ]
    assert closing[1] == "Số dư cuối kỳ" and closing[-1] == "280500"
    assert opening[0].startswith("01/") and closing[0][3:] == opening[0][3:]  # first and last day of the month
    assert last_month.strftime("%Y-%m") != this_month()
    previous = client.get(money_url(shop), {"month": last_month.strftime("%Y-%m"), "format": "csv"})
    prev_rows = list(csv.reader(io.StringIO(previous.content.decode("utf-8-sig"))))
    assert prev_rows[1][-1] == "0" and prev_rows[-1][-1] == str(NET_200K)


def test_statement_text_cells_are_formula_guarded(client, shop):
    order = released_order(shop)
    post_refund(order, amount=1_000, reference="=HYPERLINK(\"http://x\")")
    response = client.get(money_url(shop), {"format": "csv"})
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(cell.startswith("=") for cell in cells)


def _page_queries(client, shop) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(money_url(shop)).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_the_same_queries_for_2_and_20_orders(client, shop):
    for _ in range(2):
        released_order(shop)
        paid_order(shop)
    payout_run_create(as_of=timezone.now(), actor=None)
    _page_queries(client, shop)  # warm caches (site, content types, basket)
    few = _page_queries(client, shop)
    for _ in range(9):
        released_order(shop)
        paid_order(shop)
    payout_run_create(as_of=timezone.now(), actor=None)
    assert _page_queries(client, shop) == few
