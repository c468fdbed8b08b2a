"""/dashboard/bank-credits/: staff reconcile the credits that paid nothing by themselves."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order, Purchase
from marketplace.payment import bank
from marketplace.payment.models import BankCredit
from tests.factories import make_user, sepay_payload, transfer_purchase

pytestmark = pytest.mark.django_db

LIST = "/dashboard/bank-credits/"


def receive(content, amount, **kwargs):
    bank.credit_receive(bank.sepay_credit(sepay_payload(content, amount, **kwargs)))
    return BankCredit.objects.order_by("-pk").first()


@pytest.fixture
def staff():
    user = make_user("canbo@example.vn")
    user.is_staff = True
    user.save()
    return user


def test_only_programme_staff_get_in(client, staff):
    credit = receive("chuyen tien", 100_000)
    urls = [LIST, f"{LIST}import/", f"{LIST}{credit.pk}/match/", f"{LIST}{credit.pk}/close/"]
    for url in urls:
        response = client.post(url, {"number": "x", "reason": "x"})
        assert response.status_code == 302 and "/login/" in response["Location"], url
    client.force_login(make_user("mua@example.vn"))
    for url in urls:
        assert client.post(url, {"number": "x", "reason": "x"}).status_code == 403, url
    credit.refresh_from_db()
    assert credit.status == "review"


def test_the_queue_lists_what_waits_with_the_bank_reference(client, staff):
    purchase = transfer_purchase()
    under = receive(f"OCOP {purchase.number}", 300_000)
    stray = receive("NGUYEN VAN A chuyen tien", 50_000)
    paid_purchase = transfer_purchase("da-tra")
    receive(f"OCOP {paid_purchase.number}", 360_000)
    client.force_login(staff)
    html = client.get(LIST).content.decode()
    assert under.reference_code in html and stray.reference_code in html
    assert "Chuyển thiếu" in html and "Nội dung không có mã đơn" in html
    assert "360.000 ₫" in html  # what was due, beside the 300.000 ₫ received
    assert f"OCOP {paid_purchase.number}" not in html  # paid by itself: not in the queue
    html = client.get(LIST, {"status": "paid"}).content.decode()
    assert f"OCOP {paid_purchase.number}" in html and stray.reference_code not in html
    html = client.get(LIST, {"status": "all", "q": "NGUYEN"}).content.decode()
    assert stray.reference_code in html and under.reference_code not in html
    assert client.get(LIST, {"status": "nonsense", "page": "x"}).status_code == 200


def test_the_list_takes_the_same_number_of_queries_for_more_credits(client, staff):
    client.force_login(staff)
    purchase = transfer_purchase()
    receive(f"OCOP {purchase.number}", 1_000)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, {"status": "all"}).status_code == 200
    for i in range(15):
        p = transfer_purchase(f"q{i}")
        receive(f"OCOP {p.number}", 1_000 + i)
        receive(f"la {i}", 2_000 + i)
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST, {"status": "all"}).status_code == 200
    assert len(many) == len(few)


def test_staff_match_an_underpayment_only_with_a_reason_and_it_pays_once(client, staff):
    purchase = transfer_purchase()
    credit = receive(f"OCOP {purchase.number}", 300_000)
    client.force_login(staff)
    url = f"{LIST}{credit.pk}/match/"
    response = client.post(url, {"number": purchase.number}, follow=True)
    assert "Nếu vẫn muốn ghi nhận" in response.content.decode()
    credit.refresh_from_db()
    assert credit.status == "review"
    client.post(url, {"number": purchase.number,
                      "reason": "Người mua chuyển bù 60.000 ₫ tiền mặt tại văn phòng"})
    credit.refresh_from_db()
    purchase.refresh_from_db()
    assert (credit.status, credit.resolved_by, credit.purchase) == ("matched", staff, purchase)
    assert purchase.status == Purchase.Status.PAID
    assert set(Order.objects.filter(purchase=purchase).values_list("payment_status", flat=True)) == {"paid"}
    event = AuditEvent.objects.get(action="purchase.transfer_paid")
    assert event.actor == staff and event.acting_as == "programme"
    # Twice: refused, nothing moves again.
    response = client.post(url, {"number": purchase.number, "reason": "lại"}, follow=True)
    assert "đã được xử lý" in response.content.decode()
    assert AuditEvent.objects.filter(action="purchase.transfer_paid").count() == 1


def test_staff_match_an_unreadable_memo_of_the_exact_amount(client, staff):
    purchase = transfer_purchase()
    credit = receive("CK mua hang ba Tu", 360_000)
    client.force_login(staff)
    client.post(f"{LIST}{credit.pk}/match/", {"number": purchase.number})
    credit.refresh_from_db()
    assert credit.status == "matched"
    response = client.post(f"{LIST}{receive('x', 5).pk}/match/", {"number": "424242"}, follow=True)
    assert "Không tìm thấy" in response.content.decode()


def test_staff_close_a_credit_with_a_reason(client, staff):
    credit = receive("chuyen nham", 77_000)
    client.force_login(staff)
    url = f"{LIST}{credit.pk}/close/"
    client.post(url, {"reason": ""})
    credit.refresh_from_db()
    assert credit.status == "review"
    client.post(url, {"reason": "Đã hoàn lại cho người chuyển ngoài hệ thống"})
    credit.refresh_from_db()
    assert (credit.status, credit.resolution_note) == ("closed", "Đã hoàn lại cho người chuyển ngoài hệ thống")
    assert AuditEvent.objects.filter(action="bank_credit.closed", actor=staff).exists()


def test_the_csv_download_guards_formulas(client, staff):
    receive("=HYPERLINK(\"http://x\")", 10_000)
    client.force_login(staff)
    response = client.get(LIST, {"format": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and "'=HYPERLINK" in text
