"""Registering an address does not let anyone choose its owner's password or revive a closed
account, and the per-address mail limit cannot be used up by someone else.

- Each attempt is kept with its own password; the link confirms THAT attempt and drops the
  others (review finding 1).
- An account that exists (active, or deactivated by staff before its first sign-in) is never
  changed by registering or by a link; if the address gets an account while an attempt is
  pending, its link creates nothing (finding 7).
- Registration mails are limited per client and per (address, client) (finding 7).
marketplace/core/registration.py, ADR 0030.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from tests.factories import make_user

pytestmark = pytest.mark.django_db

CONFIRM = re.compile(r"https?://[^/\s]+(/accounts/confirm/\S+)")
ATTACKER_PASSWORD = "Ke-gian-chon-truoc-2026"
OWNER_PASSWORD = "Chu-that-su-2026"


def register(email, password, *, ip="10.0.0.9"):
    client = Client(REMOTE_ADDR=ip)
    client.post("/accounts/register/", {"email": email, "password1": password, "password2": password})
    return client


def links(mailoutbox, to):
    return [CONFIRM.search(m.body).group(1) for m in mailoutbox if m.to == [to] and CONFIRM.search(m.body)]


def test_whoever_registered_first_does_not_choose_the_owners_password(mailoutbox):
    register("nan-nhan@example.vn", ATTACKER_PASSWORD, ip="10.6.6.6")
    owner = register("nan-nhan@example.vn", OWNER_PASSWORD, ip="10.1.1.1")
    attacker_link, owner_link = links(mailoutbox, "nan-nhan@example.vn")

    assert owner.post(owner_link).status_code == 302
    account = get_user_model().objects.get(email__iexact="nan-nhan@example.vn")
    assert account.is_active
    assert account.check_password(OWNER_PASSWORD)
    assert not account.check_password(ATTACKER_PASSWORD)
    # the other attempt is gone: its link creates nothing and changes nothing
    assert Client().post(attacker_link).status_code == 400
    account.refresh_from_db()
    assert account.check_password(OWNER_PASSWORD)
    assert get_user_model().objects.filter(email__iexact="nan-nhan@example.vn").count() == 1
    signing_in = Client()
    assert not signing_in.login(username="nan-nhan@example.vn", password=ATTACKER_PASSWORD)


def test_an_account_deactivated_before_its_first_sign_in_is_not_revived(mailoutbox):
    closed = make_user("bi-khoa@example.vn", is_active=False)
    register("bi-khoa@example.vn", OWNER_PASSWORD)
    assert mailoutbox and not links(mailoutbox, "bi-khoa@example.vn")
    assert "đã có tài khoản" in mailoutbox[0].body
    closed.refresh_from_db()
    assert not closed.is_active and not closed.check_password(OWNER_PASSWORD)


def test_a_link_creates_nothing_once_the_address_has_an_account(mailoutbox):
    client = register("cham@example.vn", OWNER_PASSWORD)
    (link,) = links(mailoutbox, "cham@example.vn")
    existing = make_user("Cham@Example.vn", is_active=False)  # e.g. made by staff meanwhile
    assert client.post(link).status_code == 400
    existing.refresh_from_db()
    assert not existing.is_active and not existing.check_password(OWNER_PASSWORD)
    assert get_user_model().objects.filter(email__iexact="cham@example.vn").count() == 1
    assert client.get("/accounts/profile/").status_code == 302


@override_settings(REGISTRATION_MAILS_PER_ADDRESS="2/day")
def test_someone_elses_requests_do_not_use_up_the_owners_mails(mailoutbox):
    for _n in range(5):
        register("bi-spam@example.vn", ATTACKER_PASSWORD, ip="10.6.6.6")
    assert len(mailoutbox) == 2
    register("bi-spam@example.vn", OWNER_PASSWORD, ip="10.1.1.1")
    assert len(mailoutbox) == 3
    assert Client().post(links(mailoutbox, "bi-spam@example.vn")[-1]).status_code == 302
    account = get_user_model().objects.get(email="bi-spam@example.vn")
    assert account.check_password(OWNER_PASSWORD)


@override_settings(REGISTRATION_MAILS_PER_CLIENT="3/day")
def test_one_client_sends_a_limited_number_of_registration_mails_with_the_same_page(mailoutbox):
    answers = set()
    for n in range(5):
        client = Client(REMOTE_ADDR="10.7.7.7")
        response = client.post("/accounts/register/", {
            "email": f"dia-chi-{n}@example.vn", "password1": OWNER_PASSWORD, "password2": OWNER_PASSWORD,
        })
        answers.add((response.status_code, response["Location"]))
    assert len(answers) == 1
    assert len(mailoutbox) == 3
    register("dia-chi-khac@example.vn", OWNER_PASSWORD, ip="10.8.8.8")
    assert len(mailoutbox) == 4
