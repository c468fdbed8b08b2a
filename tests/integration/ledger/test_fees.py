"""Announcing a fee change (marketplace/ledger/fees.py, fee_notices.py) and the staff page
/dashboard/settlement/fees/: at least FEE_CHANGE_NOTICE_DAYS ahead, who and when recorded,
every open shop e-mailed once; sales keep the rate in force on the day they were paid."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from marketplace.core.dates import today_vn
from marketplace.core.models import AuditEvent
from marketplace.ledger.fee_notices import fee_change_notices_send
from marketplace.ledger.fees import FeeRateRefused, fee_rate_announce
from marketplace.ledger.models import Entry, FeeChangeNotice, FeeRate
from marketplace.ledger.selectors import fee_schedule
from shops.models import Partner
from tests.factories import category_path, make_product, make_shop, make_staff, make_user
from tests.factories.ledger import DAY, money_shop, paid_order

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)
FEES = reverse("settlement-dashboard:fees")


@pytest.fixture
def shops():
    """Two open shops (one with a second owner), one suspended, one still pending."""
    open_a = make_shop("htx-mo-a", owner=make_user("chu@mo-a.vn"))
    open_b = make_shop("htx-mo-b", owner=make_user("chu@mo-b.vn"))
    make_shop("htx-ngung", owner=make_user("chu@ngung.vn"), status=Partner.Status.SUSPENDED)
    make_shop("htx-cho", owner=make_user("chu@cho.vn"), status=Partner.Status.PENDING)
    return open_a, open_b


def test_a_start_sooner_than_the_notice_period_is_refused(settings):
    settings.FEE_CHANGE_NOTICE_DAYS = 20
    with pytest.raises(FeeRateRefused) as refused:
        fee_rate_announce(valid_from=TODAY + 19 * DAY, basis_points=300, actor=make_staff(), today=TODAY)
    assert "ít nhất 20 ngày" in str(refused.value) and "27/12/2026" in str(refused.value)
    assert not FeeRate.objects.filter(basis_points=300).exists()


def test_exactly_the_notice_period_is_accepted_and_who_and_when_are_recorded(settings):
    settings.FEE_CHANGE_NOTICE_DAYS = 20
    staff = make_staff()
    rate = fee_rate_announce(valid_from=TODAY + 20 * DAY, basis_points=250, actor=staff, today=TODAY,
                             note="Phí mới")
    assert (rate.valid_from, rate.basis_points, rate.announced_by, rate.percent) == (
        datetime.date(2026, 12, 27), 250, staff, "2,5 %")
    assert timezone.now() - rate.announced_at < datetime.timedelta(minutes=1)
    event = AuditEvent.objects.get(action="fee_rate.announced")
    assert event.actor == staff and event.data["basis_points"] == 250


def test_a_longer_notice_period_from_the_setting(settings):
    settings.FEE_CHANGE_NOTICE_DAYS = 30
    with pytest.raises(FeeRateRefused):
        fee_rate_announce(valid_from=TODAY + 29 * DAY, basis_points=100, actor=None, today=TODAY)


def test_the_same_category_and_date_twice_is_refused_with_a_message():
    honey = category_path("Mật ong")
    fee_rate_announce(valid_from=TODAY + 30 * DAY, basis_points=100, category=honey, actor=None, today=TODAY)
    with pytest.raises(FeeRateRefused) as refused:
        fee_rate_announce(valid_from=TODAY + 30 * DAY, basis_points=200, category=honey, actor=None, today=TODAY)
    assert "Mật ong" in str(refused.value)


def test_every_open_shop_is_mailed_once_even_when_the_notices_run_again(
        shops, mailoutbox, django_capture_on_commit_callbacks):
    open_a, open_b = shops
    with django_capture_on_commit_callbacks(execute=True):
        rate = fee_rate_announce(valid_from=today_vn() + 25 * DAY, basis_points=200, actor=make_staff())
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["chu@mo-a.vn", "chu@mo-b.vn"]  # not the suspended or pending shop
    mail = mailoutbox[0]
    assert "2 %" in mail.body and rate.valid_from.strftime("%d/%m/%Y") in mail.subject
    assert "/chuong-trinh/bieu-phi/" in mail.body
    assert set(FeeChangeNotice.objects.values_list("shop__code", flat=True)) == {"htx-mo-a", "htx-mo-b"}

    assert fee_change_notices_send(rate=rate) == 0
    call_command("fee_change_notices")
    assert len(mailoutbox) == 2

    late = make_shop("htx-moi-duyet", owner=make_user("chu@moi.vn"))  # approved after the announcement
    call_command("fee_change_notices")
    assert [m.to for m in mailoutbox[2:]] == [["chu@moi.vn"]]
    assert FeeChangeNotice.objects.filter(rate=rate, shop=late).exists()


def test_a_mail_that_fails_is_tried_again_by_the_next_run(shops, mailoutbox, monkeypatch):
    rate = fee_rate_announce(valid_from=today_vn() + 25 * DAY, basis_points=200, actor=None)
    monkeypatch.setattr("marketplace.core.mail.send_mail", lambda *a, **k: (_ for _ in ()).throw(OSError("smtp")))
    assert fee_change_notices_send(rate=rate) == 0
    assert not FeeChangeNotice.objects.exists()  # the claims were given back
    monkeypatch.undo()
    assert fee_change_notices_send(rate=rate) == 2 and len(mailoutbox) == 2


def test_no_notice_once_the_rate_applies(shops, mailoutbox):
    rate = fee_rate_announce(valid_from=TODAY + 20 * DAY, basis_points=200, actor=None, today=TODAY)
    assert fee_change_notices_send(rate=rate, today=rate.valid_from) == 0
    assert mailoutbox == []


def test_the_schedule_shows_current_and_upcoming_rates():
    honey = category_path("Mật ong")
    FeeRate.objects.create(valid_from=datetime.date(2026, 1, 1), basis_points=300)  # replaced below
    FeeRate.objects.create(valid_from=datetime.date(2026, 7, 1), basis_points=150, category=honey)
    fee_rate_announce(valid_from=datetime.date(2027, 2, 1), basis_points=200, actor=None, today=TODAY)
    schedule = fee_schedule(today=TODAY)
    # every product: the 2020 5 % of the ledger tests' fixture is replaced by the 2026 3 %
    assert [(line.category, line.percent, line.valid_from) for line in schedule.current] == [
        ("", "3 %", datetime.date(2026, 1, 1)), ("Mật ong", "1,5 %", datetime.date(2026, 7, 1))]
    assert [(line.category, line.percent, line.valid_from) for line in schedule.upcoming] == [
        ("", "2 %", datetime.date(2027, 2, 1))]
    later = fee_schedule(today=datetime.date(2027, 2, 1))
    assert later.current[0].percent == "2 %" and later.upcoming == []


def test_a_sale_is_charged_the_rate_in_force_on_the_day_it_was_paid():
    """The 5 % of the fixture until the announced 2 % starts; then 2 %."""
    starts = today_vn() + 20 * DAY
    fee_rate_announce(valid_from=starts, basis_points=200, actor=None)
    shop = money_shop("htx-phi")
    before = paid_order(shop, paid_at=timezone.now())
    after = paid_order(shop, paid_at=timezone.now() + 21 * DAY)
    fees = dict(Entry.objects.filter(kind="fee").values_list("order_id", "amount"))
    assert (fees[before.pk], fees[after.pk]) == (10_000, 4_000)


# --- the staff page -----------------------------------------------------------------------


def test_staff_announce_from_the_page_and_a_date_too_soon_re_renders_with_the_reason(
        client, shops, mailoutbox, django_capture_on_commit_callbacks):
    staff = make_staff()
    client.force_login(staff)
    page = client.get(FEES).content.decode()
    assert "5 %" in page and "Thông báo mức phí mới" in page

    too_soon = (today_vn() + 5 * DAY).isoformat()
    response = client.post(FEES, {"percent": "2,5", "valid_from": too_soon})
    assert response.status_code == 400
    assert "phải được báo trước ít nhất 20 ngày" in response.content.decode()
    assert not FeeRate.objects.filter(basis_points=250).exists()

    start = today_vn() + 20 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FEES, {"percent": "2,5", "valid_from": start.isoformat(), "note": "Phí mới"})
    assert response.status_code == 302
    rate = FeeRate.objects.get(basis_points=250)
    assert rate.announced_by == staff and rate.valid_from == start
    assert len(mailoutbox) == 2
    page = client.get(FEES).content.decode()
    assert "sắp áp dụng" in page and "2,5 %" in page


def test_a_rate_on_a_group_reaches_its_sub_groups_and_the_deepest_rate_wins():
    """The fee page lists rates per category; a sale is charged the rate of the product's
    deepest category that has one, through its ancestors (a rate on "Thực phẩm" reaches
    honey filed under "Thực phẩm > Mật ong"), else the rate for every product (5 %)."""
    food = category_path("Thực phẩm")
    honey = category_path("Thực phẩm > Mật ong")
    dried = category_path("Thực phẩm > Khô")
    drinks = category_path("Đồ uống")
    FeeRate.objects.create(valid_from=datetime.date(2026, 1, 1), basis_points=100, category=food)
    FeeRate.objects.create(valid_from=datetime.date(2026, 1, 1), basis_points=300, category=honey)
    shop = money_shop("htx-nhom")
    orders = {
        name: paid_order(shop, product=make_product(shop, f"SP {name}", price=200_000, category=category))
        for name, category in (("honey", honey), ("dried", dried), ("drinks", drinks))
    }
    fees = dict(Entry.objects.filter(kind="fee").values_list("order_id", "amount"))
    assert {name: fees[order.pk] for name, order in orders.items()} == {
        "honey": 6_000, "dried": 2_000, "drinks": 10_000}
