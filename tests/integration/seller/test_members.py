"""Shop members: the owner invites by e-mail, the invitee accepts (only then a member), the
owner revokes; a helper's changes are logged on the shop's behalf (shops/invitations.py,
shops/membership.py). The concurrent accept is in test_members_concurrency.py (PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from shops.models import ShopInvitation, ShopMember
from tests.factories import make_invitation, make_order, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

Line = get_model("order", "Line")


@pytest.fixture(autouse=True)
def fresh_counters():
    """The invitation limits count in the cache, which outlives a test's database rows."""
    cache.clear()


@pytest.fixture
def world():
    owner = make_user("owner-a@example.vn", first_name="Lê Thị", last_name="Chủ")
    shop = make_shop("shop-a", owner=owner)
    helper = make_user("helper@example.vn", first_name="Trần Văn", last_name="Hỗ Trợ")
    staff = make_user("staff-a@example.vn", first_name="Phạm", last_name="Nhân Viên")
    ShopMember.objects.create(shop=shop, user=staff, role=ShopMember.Role.STAFF)
    honey = make_product(shop, "Mật ong U Minh")
    order = make_order([(honey, 1)], number="930001")
    return {"owner": owner, "shop": shop, "helper": helper, "staff": staff, "order": order}


def url(name, **kwargs):
    return reverse(f"seller:{name}", kwargs={"shop_code": "shop-a", **kwargs})


INVITE_PATH = re.compile(r"https?://[^/\s]+(/seller/invitation/[^/\s]+/)")


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the owner's invitation form; the mail goes out as the request commits."""

    def post(client, email, role="helper", note="Chủ đồng ý qua điện thoại 1/6", shop_code="shop-a"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("seller:member-add", kwargs={"shop_code": shop_code}),
                {"email": email, "role": role, "consent_note": note},
            )

    return post


def link_in_mail(email) -> str:
    sent = [m for m in mail.outbox if email in m.to]
    assert len(sent) == 1, [m.to for m in mail.outbox]
    return INVITE_PATH.search(sent[0].body).group(1)


def test_owner_invites_a_helper_who_accepts_acts_on_behalf_and_loses_access_when_revoked(client, world, invite):
    helper = world["helper"]
    client.force_login(world["owner"])
    response = invite(client, "HELPER@example.vn")
    assert response.status_code == 302
    page = client.get(url("members")).content.decode()
    assert "Đã gửi lời mời tới HELPER@example.vn; người được mời cần chấp nhận." in page
    # pending: only what the owner typed; the account's name shows nowhere yet
    assert "HELPER@example.vn" in page and "Trần Văn Hỗ Trợ" not in page
    assert not ShopMember.objects.filter(user=helper).exists()
    path = link_in_mail("HELPER@example.vn")
    assert "Cửa hàng shop-a" in mail.outbox[0].subject
    invitation = ShopInvitation.objects.get()
    assert invitation.token_hash != path.split("/")[-2]  # the token itself is not stored
    assert path.split("/")[-2] not in str(ShopInvitation.objects.values().get())

    client.force_login(helper)
    page = client.get(path).content.decode()
    assert "Cửa hàng shop-a" in page and "Người hỗ trợ" in page
    response = client.post(path, {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == url("overview")
    member = ShopMember.objects.active().get(shop=world["shop"], user=helper)
    assert (member.role, member.granted_by, member.consent_note) == (
        "helper", world["owner"], "Chủ đồng ý qua điện thoại 1/6",
    )
    invitation.refresh_from_db()
    assert (invitation.status, invitation.decided_by, invitation.member) == ("accepted", helper, member)
    # accepted once: a second answer is refused and adds nobody
    response = client.post(path, {"answer": "accept"}, follow=True)
    assert "đã được chấp nhận" in response.content.decode()
    assert ShopMember.objects.filter(user=helper).count() == 1
    assert client.post(path, {"answer": "decline"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "accepted"

    assert client.get(url("overview")).status_code == 200
    response = client.post(
        url("order-status", order_number="930001"), {"from_status": "pending", "to_status": "confirmed"}
    )
    assert response.status_code == 302
    assert Line.objects.get(order=world["order"]).status == "confirmed"

    client.force_login(world["owner"])
    assert "Trần Văn Hỗ Trợ" in client.get(url("members")).content.decode()
    history = client.get(url("history")).content.decode()
    assert "Trần Văn Hỗ Trợ" in history and "Người hỗ trợ" in history and "thay mặt cửa hàng" in history
    events = client.get(url("history")).context["events"]
    status_event = next(e for e in events if e.action == "order.lines_status_changed")
    assert (status_event.actor, status_event.acting_as) == (helper, "helper")
    assert {"shop.member_invited", "shop.invitation_accepted", "shop.member_added"} <= set(
        AuditEvent.objects.filter(shop=world["shop"]).values_list("action", flat=True)
    )

    response = client.post(url("member-revoke", member_pk=member.pk), {"reason": "Hết hợp đồng hỗ trợ"})
    assert response.status_code == 302
    client.force_login(helper)
    assert client.get(url("overview")).status_code == 404
    assert client.get(url("orders")).status_code == 404
    client.force_login(world["owner"])
    assert "Hết hợp đồng hỗ trợ" in client.get(url("history")).content.decode()


def test_the_owner_sees_the_same_answer_for_unknown_and_registered_addresses(client, world, invite):
    client.force_login(world["owner"])
    answers = []
    for email in ("helper@example.vn", "nobody@example.vn"):
        response = invite(client, email, role="staff", note="")
        page = client.get(url("members")).content.decode()
        answers.append((response.status_code, response["Location"]))
        assert f"Đã gửi lời mời tới {email}; người được mời cần chấp nhận." in page
    assert answers[0] == answers[1]
    assert sorted(m.to[0] for m in mail.outbox) == ["helper@example.vn", "nobody@example.vn"]
    assert ShopInvitation.objects.filter(status="pending").count() == 2
    assert not ShopMember.objects.filter(user=world["helper"]).exists()


def test_an_unregistered_invitee_signs_up_and_comes_back_to_the_invitation(client, world, invite):
    client.force_login(world["owner"])
    invite(client, "Moi.Den@example.vn", role="staff", note="")
    path = link_in_mail("Moi.Den@example.vn")
    client.logout()
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    # registration keeps `next` through the confirmation mail (marketplace/core/registration.py)
    mail.outbox.clear()
    password = "Mat-khau-dai-2026"
    response = client.post(f"/accounts/register/?next={path}", {
        "email": "moi.den@example.vn", "password1": password, "password2": password, "redirect_url": path,
    })
    assert response.status_code == 302
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", mail.outbox[0].body).group(1)
    assert client.get(confirm).status_code == 200  # one button: a mail scanner's GET changes nothing
    response = client.post(confirm)
    assert response.status_code == 302 and response["Location"] == path
    assert "Cửa hàng shop-a" in client.get(path).content.decode()
    client.post(path, {"answer": "accept"})
    member = ShopMember.objects.active().get(shop=world["shop"], user__email="moi.den@example.vn")
    assert member.role == "staff"


def test_a_token_for_someone_else_and_a_made_up_token_are_404(client, world):
    invitation, token = make_invitation(world["shop"], "helper@example.vn", invited_by=world["owner"])
    client.force_login(world["staff"])
    path = reverse("seller:invitation", kwargs={"token": token})
    assert client.get(path).status_code == 404
    assert client.post(path, {"answer": "accept"}).status_code == 404
    client.force_login(world["helper"])
    bogus = reverse("seller:invitation", kwargs={"token": "0" * 64})
    assert client.get(bogus).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not ShopMember.objects.filter(user=world["helper"]).exists()


def test_the_invitee_declines(client, world):
    invitation, token = make_invitation(world["shop"], "helper@example.vn", invited_by=world["owner"])
    client.force_login(world["helper"])
    path = reverse("seller:invitation", kwargs={"token": token})
    assert client.post(path, {"answer": "decline"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "declined"
    response = client.post(path, {"answer": "accept"}, follow=True)
    assert "đã bị từ chối" in response.content.decode()
    assert not ShopMember.objects.filter(user=world["helper"]).exists()


def test_the_owner_revokes_a_pending_invitation_and_the_link_stops_working(client, world, invite):
    client.force_login(world["owner"])
    invite(client, "helper@example.vn")
    path = link_in_mail("helper@example.vn")
    invitation = ShopInvitation.objects.get()
    response = client.post(url("invitation-revoke", invitation_pk=invitation.pk))
    assert response.status_code == 302
    assert "Đã thu hồi lời mời gửi helper@example.vn" in client.get(url("members")).content.decode()
    assert "helper@example.vn" not in client.get(url("members")).content.decode()  # not pending
    assert client.post(url("invitation-revoke", invitation_pk=invitation.pk)).status_code == 404
    client.force_login(world["helper"])
    assert "không còn hiệu lực" in client.get(path).content.decode()
    response = client.post(path, {"answer": "accept"}, follow=True)
    assert "đã thu hồi" in response.content.decode()
    assert not ShopMember.objects.filter(user=world["helper"]).exists()
    assert AuditEvent.objects.filter(action="shop.invitation_revoked", shop=world["shop"]).exists()


def test_another_shops_invitation_cannot_be_revoked(client, world):
    other_owner = make_user("owner-b@example.vn")
    other = make_shop("shop-b", owner=other_owner)
    invitation, _ = make_invitation(other, "x@example.vn", invited_by=other_owner)
    client.force_login(world["owner"])
    assert client.post(url("invitation-revoke", invitation_pk=invitation.pk)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_an_expired_invitation_cannot_be_accepted(client, world):
    invitation, token = make_invitation(world["shop"], "helper@example.vn", days=-1)
    client.force_login(world["helper"])
    path = reverse("seller:invitation", kwargs={"token": token})
    assert "Đã hết hạn" in client.get(path).content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "expired"
    response = client.post(path, {"answer": "accept"}, follow=True)
    assert "hết hạn" in response.content.decode()
    assert not ShopMember.objects.filter(user=world["helper"]).exists()


@override_settings(SHOP_INVITATION_DAYS=2)
def test_the_expiry_follows_the_setting(client, world, invite):
    client.force_login(world["owner"])
    invite(client, "helper@example.vn")
    expires = ShopInvitation.objects.get().expires_at - timezone.now()
    assert timedelta(days=1, hours=23) < expires <= timedelta(days=2)


@override_settings(SHOP_INVITATION_LIMITS={"shop": "2/day", "owner": "100/day"})
def test_invitations_are_limited_per_shop_per_day(client, world, invite):
    client.force_login(world["owner"])
    for n in range(2):
        assert invite(client, f"a{n}@example.vn").status_code == 302
    response = invite(client, "a9@example.vn")
    assert response.status_code == 200
    assert "Đã gửi quá nhiều lời mời trong hôm nay" in response.content.decode()
    assert not ShopInvitation.objects.filter(email="a9@example.vn").exists()


@override_settings(SHOP_INVITATION_LIMITS={"shop": "100/day", "owner": "2/day"})
def test_invitations_are_limited_per_owner_across_their_shops(client, world, invite):
    second = make_shop("shop-c", owner=world["owner"])
    client.force_login(world["owner"])
    assert invite(client, "a1@example.vn").status_code == 302
    assert invite(client, "a2@example.vn", shop_code=second.code).status_code == 302
    response = invite(client, "a3@example.vn")
    assert "Đã gửi quá nhiều lời mời trong hôm nay" in response.content.decode()


def test_a_second_pending_invitation_to_one_address_is_refused(client, world, invite):
    client.force_login(world["owner"])
    invite(client, "helper@example.vn")
    response = invite(client, "Helper@Example.vn")
    assert response.status_code == 200
    assert "đã có một lời mời đang chờ" in response.content.decode()


def test_a_helper_needs_a_consent_note(client, world):
    client.force_login(world["owner"])
    response = client.post(url("member-add"), {"email": "helper@example.vn", "role": "helper", "consent_note": ""})
    assert response.status_code == 200
    assert not ShopMember.objects.filter(user=world["helper"]).exists()


def test_owner_role_cannot_be_granted_from_the_form(client, world):
    client.force_login(world["owner"])
    response = client.post(url("member-add"), {"email": "helper@example.vn", "role": "owner", "consent_note": "x"})
    assert response.status_code == 200
    assert not ShopMember.objects.filter(user=world["helper"]).exists()


def test_non_owners_cannot_add_or_revoke(client, world):
    helper_member = ShopMember.objects.create(shop=world["shop"], user=world["helper"], role="helper")
    owner_member = ShopMember.objects.get(user=world["owner"])
    client.force_login(world["staff"])
    page = client.get(url("members"))
    assert page.status_code == 200
    assert reverse("seller:member-add", kwargs={"shop_code": "shop-a"}) not in page.content.decode()
    assert client.get(url("member-add")).status_code == 404
    assert client.post(url("member-add"), {"email": "x@example.vn", "role": "staff"}).status_code == 404
    assert client.post(url("member-revoke", member_pk=helper_member.pk)).status_code == 404
    client.force_login(world["helper"])
    assert client.post(url("member-revoke", member_pk=owner_member.pk)).status_code == 404
    assert ShopMember.objects.active().filter(shop=world["shop"]).count() == 3


def test_the_last_owner_cannot_be_revoked(client, world):
    owner_member = ShopMember.objects.get(user=world["owner"])
    client.force_login(world["owner"])
    response = client.post(url("member-revoke", member_pk=owner_member.pk), follow=True)
    assert "ít nhất một chủ cửa hàng" in response.content.decode()
    owner_member.refresh_from_db()
    assert owner_member.revoked_at is None


def test_staff_reads_the_history(client, world):
    client.force_login(world["staff"])
    assert client.get(url("history")).status_code == 200


def test_an_invitee_who_already_works_in_the_shop_is_refused_and_keeps_their_role(client, world):
    """Review finding 12: accepting used to say "welcome" and leave the role silently unchanged."""
    invitation, token = make_invitation(
        world["shop"], "staff-a@example.vn", role=ShopMember.Role.HELPER, invited_by=world["owner"]
    )
    client.force_login(world["staff"])
    path = reverse("seller:invitation", kwargs={"token": token})
    response = client.post(path, {"answer": "accept"}, follow=True)
    body = response.content.decode()
    assert "Bạn đã là thành viên của cửa hàng này" in body
    assert "vai trò của bạn không thay đổi" in body
    members = ShopMember.objects.active().filter(shop=world["shop"], user=world["staff"])
    assert [m.role for m in members] == [ShopMember.Role.STAFF]
    invitation.refresh_from_db()
    assert (invitation.status, invitation.member) == ("pending", None)
    assert not AuditEvent.objects.filter(action="shop.invitation_accepted").exists()
    # the person can still say no, which the owner then sees
    client.post(path, {"answer": "decline"})
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_an_invitation_past_its_expiry_does_not_block_a_new_one(client, world, invite):
    old, _token = make_invitation(world["shop"], "helper@example.vn", days=-1)
    client.force_login(world["owner"])
    assert invite(client, "HELPER@example.vn").status_code == 302
    old.refresh_from_db()
    assert old.status == "expired"
    assert ShopInvitation.objects.filter(shop=world["shop"], status="pending").count() == 1


def test_the_database_keeps_one_pending_invitation_per_address(world):
    """Review finding 11: the partial unique index behind the check, whatever the letter case."""
    make_invitation(world["shop"], "helper@example.vn")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_invitation(world["shop"], "Helper@Example.VN")
    make_invitation(world["shop"], "helper@example.vn", status="revoked")  # not pending: allowed
    other = make_shop("shop-z", owner=world["owner"])
    make_invitation(other, "helper@example.vn")  # another shop: allowed
