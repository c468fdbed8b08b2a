"""`manage.py ocop_expiry_warnings`: holders are e-mailed 30 days before expiry, once per
expiry date, however often the job runs; "today" is the date in Asia/Ho_Chi_Minh."""

from __future__ import annotations

import datetime
import io
import smtplib

import pytest
from django.core import mail
from django.core.management import call_command
from freezegun import freeze_time

from catalogue.certificates import certificate_expiry_warnings_send
from catalogue.models import OcopCertificate
from marketplace.core import mail as core_mail
from shops.models import ShopMember
from tests.factories import make_certificate, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

Status = OcopCertificate.Status
ISSUED = datetime.date(2024, 2, 29)
EXPIRES = datetime.date(2027, 2, 28)  # issue + 36 months


@pytest.fixture
def owner():
    return make_user("chu.cuahang@example.vn", username="chu")


@pytest.fixture
def shop(owner):
    shop = make_shop("nam-can", name="Cơ sở Khô cá Năm Căn", owner=owner)
    # a revoked co-owner and a helper are not warned
    former = make_user("cu@example.vn", username="cu", password=None)
    ShopMember.objects.create(
        shop=shop,
        user=former,
        role=ShopMember.Role.OWNER,
        revoked_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    helper = make_user("hotro@example.vn", username="hotro", password=None)
    ShopMember.objects.create(shop=shop, user=helper, role=ShopMember.Role.HELPER)
    return shop


def run() -> str:
    out = io.StringIO()
    call_command("ocop_expiry_warnings", stdout=out)
    return out.getvalue()


def test_warned_once_30_days_before_expiry(shop, owner):
    cert = make_certificate(make_product(shop, "Khô cá bổi"), issued_on=ISSUED)
    assert cert.expires_on == EXPIRES
    with freeze_time("2027-01-28 05:00:00"):  # 31 days before
        assert "0 expiry warning(s) sent" in run()
    assert mail.outbox == []

    with freeze_time("2027-01-29 05:00:00"):  # 30 days before: warned
        assert "1 expiry warning(s) sent" in run()
        assert "0 expiry warning(s) sent" in run()  # twice the same day: nothing more
    [email] = mail.outbox
    assert email.to == [owner.email]
    assert "sắp hết hạn" in email.subject and "28/02/2027" in email.subject
    assert "Khô cá bổi" in email.body and "Còn 30 ngày" in email.body
    cert.refresh_from_db()
    assert cert.expiry_warning_sent_for == EXPIRES

    for day in ("2027-01-30", "2027-02-15", "2027-02-28"):  # the following days: none
        with freeze_time(f"{day} 05:00:00"):
            assert "0 expiry warning(s) sent" in run()
    assert len(mail.outbox) == 1


def test_the_local_date_counts(shop):
    make_certificate(make_product(shop, "Khô cá bổi"), issued_on=ISSUED)
    # 23:59 on 28 Jan in Vietnam: still 31 days before
    with freeze_time("2027-01-28 16:59:00"):
        assert certificate_expiry_warnings_send() == 0
    # 00:30 on 29 Jan in Vietnam, still 28 Jan in UTC: 30 days before
    with freeze_time("2027-01-28 17:30:00"):
        assert certificate_expiry_warnings_send() == 1


def test_expired_revoked_pending_and_rejected_are_not_warned(shop):
    make_certificate(make_product(shop, "Đã hết hạn"), issued_on=datetime.date(2024, 1, 10))  # ended 10/01/2027
    make_certificate(make_product(shop, "Thu hồi"), status=Status.REVOKED, issued_on=ISSUED)
    make_certificate(make_product(shop, "Chờ xác minh"), status=Status.PENDING, issued_on=ISSUED)
    make_certificate(make_product(shop, "Bị từ chối"), status=Status.REJECTED, issued_on=ISSUED)
    make_certificate(make_product(shop, "Còn lâu"), issued_on=datetime.date(2025, 6, 1))
    with freeze_time("2027-02-01 05:00:00"):
        assert certificate_expiry_warnings_send() == 0
    assert mail.outbox == []


def test_a_changed_expiry_date_is_warned_again(shop):
    cert = make_certificate(make_product(shop, "Khô cá bổi"), issued_on=ISSUED)
    with freeze_time("2027-02-01 05:00:00"):
        assert certificate_expiry_warnings_send() == 1
    # the programme corrects the expiry date (e.g. a renewal decision extends it)
    OcopCertificate.objects.filter(pk=cert.pk).update(expires_on=datetime.date(2027, 3, 10))
    with freeze_time("2027-02-10 05:00:00"):
        assert certificate_expiry_warnings_send() == 1  # 28 days before the new date
    assert len(mail.outbox) == 2 and "10/03/2027" in mail.outbox[1].subject
    with freeze_time("2027-02-11 05:00:00"):
        assert certificate_expiry_warnings_send() == 0


def test_the_next_expiry_date_is_warned_on_its_own_schedule(shop):
    cert = make_certificate(make_product(shop, "Khô cá bổi"), issued_on=ISSUED)
    with freeze_time("2027-02-01 05:00:00"):
        assert certificate_expiry_warnings_send() == 1
    OcopCertificate.objects.filter(pk=cert.pk).update(expires_on=datetime.date(2027, 6, 30))
    with freeze_time("2027-02-02 05:00:00"):  # far from the new date: nothing yet
        assert certificate_expiry_warnings_send() == 0
    with freeze_time("2027-05-31 05:00:00"):  # 30 days before the new date
        assert certificate_expiry_warnings_send() == 1
    assert len(mail.outbox) == 2


def test_a_certificate_without_owners_is_marked_but_not_counted(shop):
    ShopMember.objects.filter(shop=shop).delete()
    cert = make_certificate(make_product(shop, "Khô cá bổi"), issued_on=ISSUED)
    with freeze_time("2027-02-01 05:00:00"):
        assert certificate_expiry_warnings_send() == 0
    cert.refresh_from_db()
    assert cert.expiry_warning_sent_for == EXPIRES
    assert mail.outbox == []


def test_the_command_accepts_a_date():
    out = io.StringIO()
    call_command("ocop_expiry_warnings", "--today", "2027-02-01", stdout=out)
    assert "0 expiry warning(s) sent" in out.getvalue()


def test_a_warning_that_cannot_be_sent_is_tried_again_the_next_run(shop, owner, monkeypatch):
    cert = make_certificate(make_product(shop, "Khô cá bổi"), issued_on=ISSUED)

    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(core_mail, "send_mail", smtp_down)
    with freeze_time("2027-02-01 05:00:00"):
        assert certificate_expiry_warnings_send() == 0
    cert.refresh_from_db()
    assert cert.expiry_warning_sent_for is None
    monkeypatch.undo()
    with freeze_time("2027-02-02 05:00:00"):
        assert certificate_expiry_warnings_send() == 1
    [email] = mail.outbox
    assert email.to == [owner.email] and "Còn 26 ngày" in email.body
