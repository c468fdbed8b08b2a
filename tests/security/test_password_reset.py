"""Password reset tells nobody whether an address has an account.

From outside, a known and an unknown address get the same answer (status, redirect, page,
cookies) and the request does the same thing for both: it enqueues one task with the
address. The task sends the reset e-mail to a known account and nothing otherwise — only the
mailbox's owner sees the difference.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django_tasks import default_task_backend

from marketplace.core.password_reset import send_password_reset
from tests.factories import make_user
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def known():
    return make_user("mua@example.vn", username="mua", password=PASSWORD)


def ask(email: str):
    client = Client()
    response = client.post("/password-reset/", {"email": email})
    page = client.get(response["Location"]) if response.status_code == 302 else None
    return response, page


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|nonce=)"[^"]*"', "", html)


def test_known_and_unknown_addresses_get_the_same_answer(known):
    mail.outbox = []
    known_response, known_page = ask("mua@example.vn")
    unknown_response, unknown_page = ask("khong-co@example.vn")
    assert known_response.status_code == unknown_response.status_code == 302
    assert known_response["Location"] == unknown_response["Location"] == "/password-reset/done/"
    assert sorted(known_response.cookies) == sorted(unknown_response.cookies)
    assert _without_tokens(known_page.content.decode()) == _without_tokens(
        unknown_page.content.decode()
    )
    # only the account's own mailbox hears of it
    assert [message.to for message in mail.outbox] == [["mua@example.vn"]]
    assert "/password-reset/confirm/" in mail.outbox[0].body


@override_settings(TASKS=DUMMY_TASKS)
def test_the_request_only_enqueues_the_same_task_for_both(known):
    default_task_backend.clear()
    mail.outbox = []
    ask("mua@example.vn")
    ask("khong-co@example.vn")
    results = default_task_backend.results
    assert [r.task.name for r in results] == [send_password_reset.name] * 2
    assert [r.args for r in results] == [["mua@example.vn"], ["khong-co@example.vn"]]
    assert mail.outbox == []  # nothing sent while answering


def test_the_task_mails_known_active_accounts_only(known):
    mail.outbox = []
    send_password_reset.call("khong-co@example.vn")
    assert mail.outbox == []
    send_password_reset.call("MUA@example.vn")
    assert [message.to for message in mail.outbox] == [["mua@example.vn"]]
    known.is_active = False
    known.save()
    mail.outbox = []
    send_password_reset.call("mua@example.vn")
    assert mail.outbox == []


def test_the_reset_link_works(known):
    mail.outbox = []
    ask("mua@example.vn")
    link = re.search(r"(/password-reset/confirm/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.check_password("Mat-khau-moi-2026")
