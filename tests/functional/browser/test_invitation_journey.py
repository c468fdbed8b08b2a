"""Issue 20, part 1: a shop owner invites a new helper by e-mail on a 390 px phone; the
invitee, with no account yet, follows the mail's link, registers, confirms by e-mail and
accepts — only then a member (shops/invitations.py, marketplace/core/registration.py)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from marketplace.demo.invitations import INVITED_EMAIL
from shops.models import ShopInvitation, ShopMember
from tests.functional.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]

INVITEE = "ban-moi@example.vn"
PASSWORD = "Mat-khau-dai-2026"


def path_in_last_mail(to: str, pattern: str) -> str:
    body = [m for m in mail.outbox if to in m.to][-1].body
    return re.search(r"https?://[^/\s]+(" + pattern + r")", body).group(1)


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_owner_invites_and_a_new_person_registers_and_accepts_on_a_phone(browsing):
    shop = ShopInvitation.objects.get(email=INVITED_EMAIL).shop
    page = browsing.page
    sign_in(page, f"seller-{shop.code}@demo.ocop.vn")

    page.goto(f"/seller/{shop.code}/members/add/")
    page.fill("#id_email", INVITEE)
    page.select_option("#id_role", "helper")
    page.fill("#id_consent_note", "Chủ hộ đồng ý tại buổi tập huấn ngày 5/12 (minh họa)")
    page.click("form.sops-form button[type=submit]")
    page.wait_for_load_state()
    assert f"Đã gửi lời mời tới {INVITEE}" in page.content()
    assert page.locator("text=Lời mời đang chờ").is_visible()
    fits(page)
    browsing.shot("owner members page with pending invitations")

    link = path_in_last_mail(INVITEE, r"/seller/invitation/[^/\s]+/")
    browsing.open()  # the invitee's own phone
    page = browsing.page
    page.goto(link)
    assert "/accounts/login/" in page.url
    page.fill("#id_registration-email", INVITEE)
    page.fill("#id_registration-password1", PASSWORD)
    page.fill("#id_registration-password2", PASSWORD)
    page.click("button[name=registration_submit]")
    page.wait_for_load_state()
    assert "Kiểm tra hộp thư" in page.content()
    fits(page)
    browsing.shot("registration check your inbox")

    page.goto(path_in_last_mail(INVITEE, r"/accounts/confirm/\S+"))
    fits(page)
    browsing.shot("confirm the account")
    page.click('button:has-text("Kích hoạt tài khoản")')
    page.wait_for_load_state()
    assert link in page.url
    assert shop.name in page.content()
    fits(page)
    browsing.shot("invitation to accept")
    page.click("button[value=accept]")
    page.wait_for_load_state()
    assert f"/seller/{shop.code}/" in page.url
    member = ShopMember.objects.active().get(shop=shop, user__email=INVITEE)
    assert member.role == "helper"
    browsing.shot("seller overview as the new helper")
