"""shops.selectors.shop_notice_recipients: who in a shop a mail about it goes to."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import translation

from shops.models import Partner, ShopMember
from shops.selectors import shop_notice_recipients
from shops.services import shop_reject
from tests.factories import apply_for_shop, make_user

pytestmark = pytest.mark.django_db

Role = ShopMember.Role


@pytest.fixture
def shop(applicant):
    return apply_for_shop(applicant)  # the applicant is its owner


def member(shop, email, role, **fields):
    user = make_user(email)
    for name, value in fields.pop("user", {}).items():
        setattr(user, name, value)
    user.save()
    return ShopMember.objects.create(shop=shop, user=user, role=role, **fields)


def emails(users) -> list[str]:
    return [user.email for user in users]


def test_active_members_of_the_roles_in_the_order_they_joined(shop, applicant):
    member(shop, "staff@example.vn", Role.STAFF)
    member(shop, "hotro@example.vn", Role.HELPER)
    member(shop, "dong.chu@example.vn", Role.OWNER)
    assert emails(shop_notice_recipients(shop)) == [
        applicant.email, "staff@example.vn", "hotro@example.vn", "dong.chu@example.vn",
    ]
    assert emails(shop_notice_recipients(shop, roles=(Role.OWNER,))) == [
        applicant.email, "dong.chu@example.vn",
    ]


def test_revoked_inactive_and_addressless_members_are_left_out(shop, applicant):
    member(shop, "cu@example.vn", Role.OWNER, revoked_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    member(shop, "khoa@example.vn", Role.OWNER, user={"is_active": False})
    member(shop, "khong-thu@example.vn", Role.STAFF, user={"email": ""})
    assert shop_notice_recipients(shop) == [applicant]


def test_each_address_once_whatever_its_case(shop, applicant):
    member(shop, "An.Nguyen@Example.VN", Role.STAFF, user={"username": "an2"})
    assert shop_notice_recipients(shop) == [applicant]


def test_the_applicant_first_even_when_no_longer_an_owner(shop, applicant):
    ShopMember.objects.filter(shop=shop, user=applicant).update(
        revoked_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    )
    owner = member(shop, "chu.moi@example.vn", Role.OWNER).user
    assert shop_notice_recipients(shop, roles=(Role.OWNER,)) == [owner]
    assert shop_notice_recipients(shop, roles=(Role.OWNER,), include_applicant=True) == [
        applicant, owner,
    ]


def test_no_shop_nobody():
    assert shop_notice_recipients(None) == []
    assert shop_notice_recipients(Partner.objects.create(name="Trống", code="trong")) == []


def test_a_decision_mail_is_in_vietnamese_whatever_the_staff_language(
    shop, applicant, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        shop_reject(shop=shop, actor=None, reason="Thiếu giấy tờ")
    [email] = mail.outbox
    assert email.to == [applicant.email]
    assert "chưa được duyệt" in email.subject
    assert "Thiếu giấy tờ" in email.body and "Trân trọng," in email.body
