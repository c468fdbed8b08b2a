"""marketplace/core/mail.py: the site's address, the mail locale, sending that never raises."""

from __future__ import annotations

import datetime
import smtplib

from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from marketplace.core import mail as core_mail


def test_site_url_joins_the_configured_base_and_the_path(settings):
    settings.SITE_URL = "https://cho.example.vn/"
    assert core_mail.site_url() == "https://cho.example.vn"
    assert core_mail.site_url("/shops/a/") == "https://cho.example.vn/shops/a/"
    del settings.SITE_URL
    settings.WAGTAILADMIN_BASE_URL = "https://camau.example.vn"
    assert core_mail.site_url("/x/") == "https://camau.example.vn/x/"


def test_the_mail_locale_is_vietnamese_and_vietnam_time():
    with translation.override("en"), timezone.override("UTC"):
        with core_mail.mail_locale():
            assert translation.get_language() == "vi"
            noon_utc = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC)
            assert timezone.localtime(noon_utc).hour == 19
        assert translation.get_language() == "en"


def test_one_mail_to_every_address_with_a_lazy_subject():
    with translation.override("en"):
        sent = core_mail.mail_send(
            recipients=["a@example.vn", "b@example.vn"],
            subject=gettext_lazy("Cửa hàng {name} đã được duyệt"),
            template="shops/emails/approved.txt",
            context={"shop": None, "site_url": "", "marketplace_name": "Chợ"},
        )
    assert sent is True
    [email] = mail.outbox
    assert email.to == ["a@example.vn", "b@example.vn"]
    assert email.subject == "Cửa hàng {name} đã được duyệt"  # rendered in Vietnamese
    assert "Trân trọng," in email.body


def test_nobody_to_send_to_sends_nothing():
    assert core_mail.mail_send(
        recipients=[], subject="x", template="shops/emails/approved.txt", context={}
    ) is False
    assert mail.outbox == []


def test_a_failure_is_logged_and_answered_false(monkeypatch, caplog):
    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(core_mail, "send_mail", smtp_down)
    assert core_mail.mail_send(
        recipients=["a@example.vn"], subject="x", template="shops/emails/approved.txt",
        context={"shop": None},
    ) is False
    assert "shops/emails/approved.txt" in caplog.text
    assert core_mail.mail_send(
        recipients=["a@example.vn"], subject="x", template="no/such/template.txt", context={}
    ) is False
