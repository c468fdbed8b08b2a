"""`manage.py identity_reminders` (shops/identity/reminders.py): owners of approved shops whose
representative is not verified are reminded at 30, 7 and 1 days before the deadline and 1,
7 and 30 days after, each stage once, however often the command runs."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from shops.identity.reminders import identity_reminders_send, reminder_stage_due
from shops.models import IdentityReminder, Partner
from tests.factories import make_representative, make_shop, make_user

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2027, 1, 1)


@pytest.fixture(autouse=True)
def deadline(settings):
    settings.SELLER_IDENTITY_DEADLINE = DEADLINE


def day(offset: int) -> datetime.date:
    return DEADLINE + datetime.timedelta(days=offset)


def run(offset: int) -> int:
    before = len(mail.outbox)
    call_command("identity_reminders", today=day(offset).isoformat(), stdout=open("/dev/null", "w"))
    return len(mail.outbox) - before


@pytest.fixture
def shops():
    owner = make_user("chu.ho@example.vn")
    unverified = make_shop("chua-xac-thuc", name="Cơ sở Chưa Xác Thực", owner=owner)
    make_representative(unverified, verified=False)
    make_shop("chua-khai", name="Cơ sở Chưa Khai", owner=make_user("chu.khai@example.vn"))
    verified = make_shop("da-xac-thuc", owner=make_user("chu.da@example.vn"))
    make_representative(verified)
    pending = make_shop("cho-duyet", status=Partner.Status.PENDING, owner=make_user("cho@example.vn"))
    make_representative(pending, verified=False)
    return {"unverified": unverified, "owner": owner}


@pytest.mark.parametrize("offset, stage", [
    (-31, None), (-30, 30), (-8, 30), (-7, 7), (-1, 1), (0, 1), (1, -1), (6, -1), (7, -7), (30, -30), (400, -30),
])
def test_the_stage_due_is_the_latest_whose_day_has_come(offset, stage):
    assert reminder_stage_due(today=day(offset), deadline=DEADLINE) == stage


def test_each_stage_is_sent_once_however_often_the_command_runs(shops):
    assert run(-40) == 0
    assert run(-30) == 2          # the unverified and the undeclared approved shops
    assert run(-30) == 0          # twice the same day
    assert run(-29) == 0          # the next days: the same stage
    assert run(-7) == 2
    assert run(-3) == 0
    assert run(-1) == 2
    assert run(5) == 2            # a missed day: only the latest stage due, once
    assert run(6) == 0
    assert run(30) == 2
    assert run(90) == 0
    stages = IdentityReminder.objects.filter(shop=shops["unverified"]).values_list("days_before", flat=True)
    assert sorted(stages) == [-30, -1, 1, 7, 30]
    assert not IdentityReminder.objects.filter(shop__code__in=["da-xac-thuc", "cho-duyet"]).exists()


def test_the_mail_says_what_to_do_and_links_the_representative_page(shops):
    run(-7)
    [message] = [m for m in mail.outbox if m.to == [shops["owner"].email]]
    assert "Cơ sở Chưa Xác Thực" in message.subject
    assert "01/01/2027 (còn 7 ngày)" in message.body
    assert "/seller/chua-xac-thuc/representative/" in message.body
    assert "096080123456" not in message.body  # no number in a mail
    mail.outbox.clear()
    run(7)
    overdue = [m for m in mail.outbox if m.to == [shops["owner"].email]][0]
    assert "đã qua 7 ngày" in overdue.body


def test_a_mail_that_did_not_go_out_is_tried_again(shops, monkeypatch):
    monkeypatch.setattr("shops.tasks.mail_send", lambda **kwargs: False)
    identity_reminders_send(today=day(-30))
    assert not IdentityReminder.objects.exists()
    monkeypatch.undo()
    assert run(-30) == 2


def test_a_moved_deadline_starts_the_stages_again(shops, settings):
    assert run(-30) == 2
    settings.SELLER_IDENTITY_DEADLINE = DEADLINE + datetime.timedelta(days=90)
    assert run(60) == 2           # 30 days before the new date
    assert IdentityReminder.objects.filter(deadline=settings.SELLER_IDENTITY_DEADLINE).count() == 2
