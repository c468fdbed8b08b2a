"""The profile's e-mail changes only through a link mailed to the new address (review
finding 2): until then the account keeps its address; the link is for the signed-in account
only, once; an address taken by then is refused with the same words; the old address is told.
marketplace/core/accounts.py (ProfileUpdateView), marketplace/core/registration.py, ADR 0030.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from marketplace.core.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/accounts/profile/email/confirm/\S+/)")


@pytest.fixture
def me():
    return make_user("cu@example.vn")


def ask_change(client, new_email, capture):
    with capture(execute=True):
        response = client.post("/accounts/profile/edit/", {
            "first_name": "Bình", "last_name": "Trần", "email": new_email,
        })
    assert response.status_code == 302
    return response


def test_the_new_address_takes_effect_only_through_its_link(
    me, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(me)
    ask_change(client, "Moi@Example.vn", django_capture_on_commit_callbacks)
    me.refresh_from_db()
    assert me.email == "cu@example.vn" and me.first_name == "Bình"  # the name is saved at once
    (mail,) = mailoutbox
    assert mail.to == ["Moi@example.vn"]
    link = LINK.search(mail.body).group(1)

    assert client.get(link).status_code == 200
    me.refresh_from_db()
    assert me.email == "cu@example.vn"  # a GET (a mail scanner) changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.email == "Moi@example.vn"
    told = mailoutbox[-1]
    assert told.to == ["cu@example.vn"] and "Moi@example.vn" in told.body
    assert AuditEvent.objects.filter(action="account.email_changed").count() == 1
    # one use only
    assert client.post(link).status_code == 400


def test_an_address_taken_by_then_is_refused_with_the_same_words(
    me, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(me)
    ask_change(client, "sau-nay@example.vn", django_capture_on_commit_callbacks)
    link = LINK.search(mailoutbox[0].body).group(1)
    make_user("Sau-Nay@example.vn")
    refused = client.post(link)
    made_up = client.post("/accounts/profile/email/confirm/khong-co-that/")
    assert refused.status_code == made_up.status_code == 400
    me.refresh_from_db()
    assert me.email == "cu@example.vn"
    assert len(mailoutbox) == 1  # the old address is told only of a change


def test_the_link_is_only_for_the_account_that_asked(me, mailoutbox, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(me)
    ask_change(client, "cua-toi@example.vn", django_capture_on_commit_callbacks)
    link = LINK.search(mailoutbox[0].body).group(1)
    other = make_user("nguoi-khac@example.vn")
    someone = Client()
    someone.force_login(other)
    assert someone.post(link).status_code == 400
    other.refresh_from_db()
    assert other.email == "nguoi-khac@example.vn"
    anonymous = Client().post(link)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_an_account_cannot_mail_links_to_any_address_without_limit(
    me, mailoutbox, settings, django_capture_on_commit_callbacks
):
    """A signed-in account is not a way to mail strangers: EMAIL_CHANGE_MAILS_PER_ACCOUNT."""
    cache.clear()  # the limit counts in the cache, by account id
    settings.EMAIL_CHANGE_MAILS_PER_ACCOUNT = "2/day"
    client = Client()
    client.force_login(me)
    for n in range(4):
        response = ask_change(client, f"la{n}@example.vn", django_capture_on_commit_callbacks)
    assert [m.to for m in mailoutbox] == [["la0@example.vn"], ["la1@example.vn"]]
    page = client.get(response.url).content.decode()
    assert "quá nhiều lần" in page
    me.refresh_from_db()
    assert me.email == "cu@example.vn"
