"""Nothing tells a visitor or a shop owner whether an e-mail address has an account.

- Registration (/accounts/register/ and the registration half of /accounts/login/) answers
  with the same redirect and the same page for a new and a registered address; only the mail
  to that address differs (a confirmation link, or "you already have an account").
- A shop owner's invitation answers the same for a registered and an unknown address and
  shows only what was typed.
- The profile's e-mail field answers the same for a taken and a free address.
marketplace/core/registration.py, shops/invitations.py, ADR 0030.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from shops.models import ShopInvitation, ShopMember
from tests.factories import make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-dai-2026"
CONFIRM = re.compile(r"https?://[^/\s]+(/accounts/confirm/\S+)")


def shape(body: bytes) -> str:
    """The page without what changes on every request (CSP nonce, CSRF token)."""
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', body.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "csrf", text)


def register(client, email, *, on_login_page=False, next_url=""):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, "redirect_url": next_url}
    if on_login_page:
        data = {f"registration-{k}": v for k, v in data.items()} | {"registration_submit": "1"}
        return client.post("/accounts/login/", data)
    return client.post("/accounts/register/", data)


@pytest.mark.parametrize("on_login_page", [False, True])
def test_registration_answers_the_same_for_a_new_and_a_registered_address(on_login_page, mailoutbox):
    known = make_user("da-co@example.vn", password="Mat-khau-cu-2025")
    answers = []
    for email in ("da-co@example.vn", "moi-toanh@example.vn"):
        client = Client()
        response = register(client, email, on_login_page=on_login_page)
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.status_code, shape(page.content)))
    assert answers[0] == answers[1]
    assert answers[0][1] == reverse("registration-sent")
    assert "Kiểm tra hộp thư để kích hoạt tài khoản" in answers[0][3]
    # the known account is untouched: no second account, the old password still works
    assert get_user_model().objects.filter(email__iexact="da-co@example.vn").count() == 1
    known.refresh_from_db()
    assert known.check_password("Mat-khau-cu-2025") and known.is_active
    # the mails differ, each to its own address
    by_address = {m.to[0]: m for m in mailoutbox}
    assert "đã có tài khoản" in by_address["da-co@example.vn"].body
    assert "/password-reset/" in by_address["da-co@example.vn"].body
    assert CONFIRM.search(by_address["moi-toanh@example.vn"].body)
    assert not CONFIRM.search(by_address["da-co@example.vn"].body)


def test_a_new_account_waits_for_its_link_which_signs_in_once_and_keeps_next(mailoutbox):
    client = Client()
    register(client, "Moi@Example.vn", next_url="/checkout/shipping-address/")
    # no account before confirmation: sign-in says wrong e-mail or password
    assert not get_user_model().objects.filter(email__iexact="moi@example.vn").exists()
    response = client.post("/accounts/login/", {
        "login-username": "moi@example.vn", "login-password": PASSWORD, "login_submit": "1",
    })
    assert response.status_code == 200
    link = CONFIRM.search(mailoutbox[0].body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Kích hoạt tài khoản" in page.content.decode()
    # a GET (a mail scanner) changes nothing
    assert not get_user_model().objects.filter(email__iexact="moi@example.vn").exists()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/checkout/shipping-address/"
    assert client.get("/accounts/profile/").status_code == 200
    user = get_user_model().objects.get(email__iexact="moi@example.vn")
    assert user.is_active and user.check_password(PASSWORD)
    # one use only
    other = Client()
    assert other.get(link).status_code == 400
    assert other.post(link).status_code == 400
    assert other.get("/accounts/profile/").status_code == 302


def test_the_link_ignores_a_next_on_another_site(mailoutbox):
    client = Client()
    register(client, "moi2@example.vn", next_url="https://evil.example/")
    link = CONFIRM.search(mailoutbox[0].body).group(1)
    response = client.post(link.split("?")[0] + "?next=https://evil.example/")
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")


def test_a_made_up_or_tampered_link_is_refused():
    user = get_user_model().objects.create_user(
        username="u1", email="cho@example.vn", password=PASSWORD, is_active=False
    )
    client = Client()
    assert client.post("/accounts/confirm/MQ/abc-def/").status_code == 400
    assert client.post("/accounts/confirm/!!/abc-def/").status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_registering_again_before_confirming_sends_another_link(mailoutbox):
    register(Client(), "lan2@example.vn")
    register(Client(), "lan2@example.vn")
    assert not get_user_model().objects.filter(email="lan2@example.vn").exists()
    links = {CONFIRM.search(m.body).group(1) for m in mailoutbox}
    assert len(links) == 2


def test_a_deactivated_account_that_had_signed_in_is_not_reactivated_by_registering(mailoutbox):
    user = make_user("khoa@example.vn")
    user.last_login = user.date_joined
    user.is_active = False
    user.save()
    register(Client(), "khoa@example.vn")
    assert not CONFIRM.search(mailoutbox[0].body)
    user.refresh_from_db()
    assert not user.is_active


@override_settings(REGISTRATION_MAILS_PER_ADDRESS="2/day")
def test_registration_mails_are_limited_per_address_with_the_same_page(mailoutbox):
    pages = []
    for _n in range(3):
        response = register(Client(REMOTE_ADDR="10.0.0.1"), "nan-nhan@example.vn")
        pages.append((response.status_code, response["Location"]))
    assert len(set(pages)) == 1
    assert len(mailoutbox) == 2
    register(Client(REMOTE_ADDR="10.0.0.1"), "nguoi-khac@example.vn")
    assert len(mailoutbox) == 3


def test_the_profile_form_answers_the_same_for_a_taken_and_a_free_address(
    mailoutbox, django_capture_on_commit_callbacks
):
    make_user("da-dung@example.vn")
    me = make_user("toi@example.vn")
    answers = []
    for email in ("da-dung@example.vn", "chua-dung@example.vn"):
        client = Client()
        client.force_login(me)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/profile/edit/", {
                "first_name": "An", "last_name": "Lê", "email": email,
            })
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        answers.append((response["Location"], shape(page.replace(email, "EMAIL").encode())))
    assert answers[0] == answers[1]
    me.refresh_from_db()
    assert me.email == "toi@example.vn"  # nothing changes before the new address confirms
    assert sorted(m.to[0] for m in mailoutbox) == ["chua-dung@example.vn", "da-dung@example.vn"]


def test_an_invitation_answers_the_same_for_a_registered_and_an_unknown_address(
    client, django_capture_on_commit_callbacks
):
    owner = make_user("chu@example.vn")
    make_shop("shop-e", owner=owner)
    make_user("co-tai-khoan@example.vn", first_name="Tên", last_name="Thật")
    client.force_login(owner)
    answers = []
    for email in ("co-tai-khoan@example.vn", "khong-co@example.vn"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("seller:member-add", kwargs={"shop_code": "shop-e"}),
                {"email": email, "role": "staff", "consent_note": ""},
            )
        page = client.get(response["Location"]).content.decode()
        answers.append((response.status_code, response["Location"], page.replace(email, "EMAIL")))
    assert answers[0][:2] == answers[1][:2]
    assert "Tên Thật" not in answers[0][2]
    assert ShopInvitation.objects.count() == 2
    assert ShopMember.objects.filter(user__email="co-tai-khoan@example.vn").count() == 0


@pytest.mark.parametrize("option", ["anonymous", "new"])
def test_the_checkout_gateway_answers_the_same_for_a_registered_address(option):
    make_user("da-mua@example.vn")
    owner = make_user("chu-g@example.vn")
    product = make_product(make_shop("shop-g", owner=owner), "Mắm ba khía", price=80_000, stock=10)
    answers = []
    for email in ("da-mua@example.vn", "chua-mua@example.vn"):
        client = Client()
        client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
        response = client.post(reverse("checkout:index"), {"username": email, "options": option, "phone": "0912345678"})
        answers.append((response.status_code, response["Location"].replace(quote(email), "EMAIL")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
