"""Sign-in lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords for one e-mail from one
address lock that pair for the cool-off, on every sign-in form we serve."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import make_user
from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


@pytest.fixture
def buyer():
    return make_user("mua@example.vn", username="mua", password=PASSWORD)


def sign_in(client, email, password, **extra):
    return client.post(
        "/accounts/login/",
        {
            "login-username": email,
            "login-password": password,
            "login_submit": "1",
        },
        **extra,
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" not in response["Location"]


def test_wrong_passwords_lock_the_account_from_that_address(buyer):
    client = Client()
    for _ in range(LIMIT - 1):
        response = sign_in(client, "mua@example.vn", "sai-mat-khau")
        assert response.status_code == 200  # the form again, with its error
    locked = sign_in(client, "MUA@example.vn", "sai-mat-khau")  # case does not matter
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Tạm khóa đăng nhập" in body and "15 phút" in body
    assert int(locked["Retry-After"]) == 15 * 60
    # the right password does not get through while locked
    assert sign_in(client, "mua@example.vn", PASSWORD).status_code == 429
    # from another address, and for another account from this one, sign-in still works
    assert signed_in(sign_in(Client(), "mua@example.vn", PASSWORD, REMOTE_ADDR="10.0.0.7"))
    other = make_user("khac@example.vn", username="khac", password=PASSWORD)
    assert signed_in(sign_in(Client(), other.email, PASSWORD))


def test_the_lock_ends_after_the_cool_off(buyer):
    client = Client()
    for _ in range(LIMIT):
        sign_in(client, "mua@example.vn", "sai")
    assert sign_in(client, "mua@example.vn", PASSWORD).status_code == 429
    with freeze_time(timezone.now() + datetime.timedelta(minutes=16)):
        assert signed_in(sign_in(Client(), "mua@example.vn", PASSWORD))


def test_a_successful_sign_in_clears_the_count(buyer):
    client = Client()
    for _ in range(LIMIT - 1):
        sign_in(client, "mua@example.vn", "sai")
    assert signed_in(sign_in(client, "mua@example.vn", PASSWORD))
    client = Client()
    for _ in range(LIMIT - 1):
        assert sign_in(client, "mua@example.vn", "sai").status_code == 200


def test_unknown_accounts_lock_the_same_way():
    """The lockout page does not tell whether the e-mail has an account."""
    client = Client()
    for _ in range(LIMIT):
        response = sign_in(client, "khong-ai@example.vn", "sai")
    assert response.status_code == 429


@pytest.mark.parametrize(
    "path", ["/cms/login/", "/django-admin/login/", "/dashboard/login/", "/_util/login/"]
)
def test_staff_sign_in_pages_lock_too(path):
    get_user_model().objects.create_superuser("root", "root@example.vn", PASSWORD)
    client = Client()
    for _ in range(LIMIT):
        response = client.post(path, {"username": "root", "password": "sai"})
    assert response.status_code == 429
    assert client.post(path, {"username": "root", "password": PASSWORD}).status_code == 429


def test_the_registration_link_signs_the_new_buyer_in_and_the_password_works(mailoutbox):
    """Registration confirms by e-mail (marketplace/core/registration.py); the link signs in,
    and afterwards the chosen password passes the lockout backend like any other."""
    client = Client()
    response = client.post(
        "/accounts/register/",
        {
            "email": "moi@example.vn",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 302  # not signed in yet
    link = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", mailoutbox[0].body).group(1)
    assert client.post(link).status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    client.logout()
    assert sign_in(client, "moi@example.vn", PASSWORD).status_code == 302
