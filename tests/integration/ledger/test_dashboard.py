"""/dashboard/settlement/: what is owed to each shop, payout runs, the bank batch file,
a payout paid by VietQR and marked paid, or cancelled (marketplace/ledger/dashboard)."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.ledger.models import Payout, PayoutRun
from marketplace.ledger.payouts import payout_run_create
from marketplace.payment import vietqr
from tests.factories import make_staff
from tests.factories.ledger import DAY, NET_200K, money_shop, paid_order, released_order

pytestmark = pytest.mark.django_db

SUMMARY = reverse("settlement-dashboard:summary")


@pytest.fixture
def staff(client):
    user = make_staff()
    client.force_login(user)
    return user


def run_for(*shops):
    for shop in shops:
        released_order(shop)
    return payout_run_create(as_of=timezone.now(), actor=None)


def test_only_programme_staff_see_the_pages(client):
    shop = money_shop("htx-rieng")
    payout = run_for(shop).payouts[0]
    urls = [SUMMARY, reverse("settlement-dashboard:run", kwargs={"pk": payout.run_id}),
            reverse("settlement-dashboard:run-batch", kwargs={"pk": payout.run_id}),
            reverse("settlement-dashboard:payout", kwargs={"pk": payout.pk})]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in
    client.force_login(shop.owner)  # a seller, even of the shop paid
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.post(reverse("settlement-dashboard:run-create"), {"as_of": "2026-01-01"}).status_code == 403
    assert client.post(reverse("settlement-dashboard:payout-paid", kwargs={"pk": payout.pk}),
                       {"bank_reference": "FT1"}).status_code == 403
    assert Payout.objects.get(pk=payout.pk).status == "pending"


def test_the_summary_shows_what_is_owed_as_of_a_day(client, staff):
    shop = money_shop("htx-tom")
    now = timezone.now()
    released_order(shop, paid_at=now - 30 * DAY)  # payable 23 days ago
    released_order(shop, paid_at=now - 9 * DAY)  # payable 2 days ago
    paid_order(shop)  # still in its window
    money_shop("htx-chua-ban")  # no entries: not listed

    old = (now - 5 * DAY).astimezone(timezone.get_default_timezone()).date().isoformat()
    response = client.get(SUMMARY, {"as_of": old})

    assert response.status_code == 200
    [row] = response.context["rows"]
    assert (row.shop, row.payable_as_of, row.balance.pending) == (shop, NET_200K, NET_200K)
    assert response.context["totals"].payable_as_of == NET_200K
    assert client.get(SUMMARY).context["rows"][0].payable_as_of == 2 * NET_200K
    assert "187.000 ₫" in response.content.decode()


@pytest.mark.parametrize("as_of", ["2026-13-01", "hôm qua", "9999-01-01", "<script>", "2026-02-30"])
def test_a_bad_date_shows_today_with_a_message(client, staff, as_of):
    released_order(money_shop("htx-ngay"))
    response = client.get(SUMMARY, {"as_of": as_of})
    assert response.status_code == 200
    assert response.context["rows"][0].payable_as_of == NET_200K
    assert "Ngày tính đến không hợp lệ" in response.content.decode()


def _summary_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(SUMMARY).status_code == 200
    return len(ctx.captured_queries)


def test_the_summary_runs_the_same_queries_for_2_and_20_shops(client, staff):
    for i in range(2):
        run_for(money_shop(f"htx-it-{i}"))
    _summary_queries(client)  # warm caches (site, content types)
    few = _summary_queries(client)
    for i in range(18):
        shop = money_shop(f"htx-nhieu-{i}", bank=bool(i % 2))
        released_order(shop)
        paid_order(shop)
    payout_run_create(as_of=timezone.now(), actor=None)
    assert _summary_queries(client) == few


def test_creating_a_run_from_the_page_reports_skipped_shops(client, staff):
    released_order(money_shop("htx-co-tk"))
    released_order(money_shop("htx-khong-tk", bank=False))
    today = timezone.localdate().isoformat()

    response = client.post(reverse("settlement-dashboard:run-create"), {"as_of": today}, follow=True)

    run = PayoutRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("settlement-dashboard:run", kwargs={"pk": run.pk})
    html = response.content.decode()
    assert "chưa khai báo tài khoản ngân hàng" in html and "Cửa hàng htx-khong-tk" in html
    assert [p.shop.code for p in run.payouts.all()] == ["htx-co-tk"]
    assert run.created_by == staff


@pytest.mark.parametrize("as_of", ["", "31/02/2026", "2999-01-01"])
def test_a_run_with_a_bad_date_is_refused_with_a_message(client, staff, as_of):
    released_order(money_shop("htx-sai-ngay"))
    response = client.post(reverse("settlement-dashboard:run-create"), {"as_of": as_of}, follow=True)
    assert response.status_code == 200
    assert not PayoutRun.objects.exists()
    assert list(response.context["messages"])


def test_the_bank_batch_file(client, staff):
    tricky = money_shop("htx-cong-thuc")
    tricky.bank_account_name = "=HYPERLINK(\"http://x\")"
    tricky.bank_account_number = "0071000123456"
    tricky.save()
    plain = money_shop("htx-muoi-ngot")
    plain.bank_account_name = "Hợp tác xã Mười Ngọt Đất Mũi"
    plain.bank_bin = "970418"
    plain.save()
    result = run_for(tricky, plain)

    response = client.get(reverse("settlement-dashboard:run-batch", kwargs={"pk": result.run.pk}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["STT", "Số tài khoản", "Tên người hưởng", "Mã ngân hàng (BIN NAPAS)", "Ngân hàng",
                       "Số tiền", "Nội dung"]
    by_account = {row[1]: row for row in rows[1:]}
    first = by_account["0071000123456"]  # leading zeros kept: the account is text
    assert first[2].startswith("'=")  # a seller's text never runs as a formula
    assert first[5] == "187000"
    second = by_account["0011001234567"]
    payout = Payout.objects.get(shop=plain)
    assert second[2:] == ["HOP TAC XA MUOI NGOT DAT MUI", "970418", "BIDV", "187000", f"OCOP TT {payout.pk}"]
    assert all(cell.isascii() for cell in second[2:])


def test_the_payout_page_shows_a_vietqr_of_the_transfer(client, staff):
    payout = run_for(money_shop("htx-qr")).payouts[0]
    response = client.get(reverse("settlement-dashboard:payout", kwargs={"pk": payout.pk}))
    assert response.status_code == 200
    payload = response.context["qr_payload"]
    fields = vietqr.parse_tlv(payload, vietqr.VIETQR_TEMPLATES)
    assert fields["54"] == "187000" and fields["62"]["08"] == f"OCOP TT {payout.pk}"
    assert fields["38"]["01"] == {"00": "970436", "01": "0011001234567"}
    assert "<svg" in response.content.decode()


@pytest.mark.parametrize("reference", ["", "    ", "x" * 65])
def test_marking_paid_without_a_good_reference_re_renders_the_form(client, staff, reference):
    payout = run_for(money_shop("htx-thieu-ma")).payouts[0]
    response = client.post(reverse("settlement-dashboard:payout-paid", kwargs={"pk": payout.pk}),
                           {"bank_reference": reference})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert Payout.objects.get(pk=payout.pk).status == "pending"


def test_marking_paid_then_again(client, staff):
    payout = run_for(money_shop("htx-da-tra")).payouts[0]
    url = reverse("settlement-dashboard:payout-paid", kwargs={"pk": payout.pk})
    response = client.post(url, {"bank_reference": "FT26341"})
    assert response.status_code == 302
    assert Payout.objects.get(pk=payout.pk).bank_reference == "FT26341"
    again = client.post(url, {"bank_reference": "FT-KHAC"})
    assert again.status_code == 200
    assert "đã được xác nhận hoặc đã hủy" in again.content.decode()
    assert Payout.objects.get(pk=payout.pk).bank_reference == "FT26341"
    assert client.get(url).status_code == 405


def test_cancelling_needs_a_reason(client, staff):
    payout = run_for(money_shop("htx-huy-trang")).payouts[0]
    url = reverse("settlement-dashboard:payout-decide", kwargs={"pk": payout.pk, "action": "cancel"})
    client.post(url, {"reason": ""})
    assert Payout.objects.get(pk=payout.pk).status == "pending"
    client.post(url, {"reason": "Tài khoản bị khóa"})
    assert Payout.objects.get(pk=payout.pk).status == "cancelled"
    unknown = reverse("settlement-dashboard:payout-decide", kwargs={"pk": payout.pk, "action": "xoa"})
    assert client.post(unknown, {"reason": "x"}).status_code == 404


def test_unknown_run_or_payout_is_404(client, staff):
    assert client.get(reverse("settlement-dashboard:run", kwargs={"pk": 999})).status_code == 404
    assert client.get(reverse("settlement-dashboard:payout", kwargs={"pk": 999})).status_code == 404
    assert client.get(reverse("settlement-dashboard:run-batch", kwargs={"pk": 999})).status_code == 404


def test_the_dashboard_menu_lists_the_page_for_staff_only(client, staff):
    html = client.get(reverse("dashboard:index")).content.decode()
    assert SUMMARY in html
