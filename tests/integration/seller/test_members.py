"""Shop members: the owner grants and revokes helpers; a helper's changes are logged on the shop's behalf."""

from __future__ import annotations

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from shops.models import ShopMember
from tests.factories import make_order, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

Line = get_model("order", "Line")


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


def test_owner_grants_a_helper_who_acts_on_behalf_and_loses_access_when_revoked(client, world):
    helper = world["helper"]
    client.force_login(world["owner"])
    response = client.post(url("member-add"), {
        "email": "HELPER@example.vn", "role": "helper", "consent_note": "Chủ đồng ý qua điện thoại 1/6",
    })
    assert response.status_code == 302
    member = ShopMember.objects.active().get(shop=world["shop"], user=helper)
    assert (member.role, member.granted_by, member.consent_note) == (
        "helper", world["owner"], "Chủ đồng ý qua điện thoại 1/6",
    )
    assert "Trần Văn Hỗ Trợ" in client.get(url("members")).content.decode()

    client.force_login(helper)
    assert client.get(url("overview")).status_code == 200
    response = client.post(
        url("order-status", order_number="930001"), {"from_status": "pending", "to_status": "confirmed"}
    )
    assert response.status_code == 302
    assert Line.objects.get(order=world["order"]).status == "confirmed"

    client.force_login(world["owner"])
    history = client.get(url("history")).content.decode()
    assert "Trần Văn Hỗ Trợ" in history and "Người hỗ trợ" in history and "thay mặt cửa hàng" in history
    events = client.get(url("history")).context["events"]
    status_event = next(e for e in events if e.action == "order.lines_status_changed")
    assert (status_event.actor, status_event.acting_as) == (helper, "helper")

    response = client.post(url("member-revoke", member_pk=member.pk), {"reason": "Hết hợp đồng hỗ trợ"})
    assert response.status_code == 302
    client.force_login(helper)
    assert client.get(url("overview")).status_code == 404
    assert client.get(url("orders")).status_code == 404
    client.force_login(world["owner"])
    assert "Hết hợp đồng hỗ trợ" in client.get(url("history")).content.decode()


def test_unknown_email_is_a_clear_error(client, world):
    client.force_login(world["owner"])
    response = client.post(url("member-add"), {"email": "nobody@example.vn", "role": "helper", "consent_note": "ok"})
    assert response.status_code == 200
    assert "Không có tài khoản nào với e-mail này" in response.content.decode()


def test_a_helper_needs_a_consent_note(client, world):
    client.force_login(world["owner"])
    response = client.post(url("member-add"), {"email": "helper@example.vn", "role": "helper", "consent_note": ""})
    assert response.status_code == 200
    assert not ShopMember.objects.filter(user=world["helper"]).exists()


def test_an_existing_member_is_not_added_twice(client, world):
    client.force_login(world["owner"])
    response = client.post(url("member-add"), {"email": "staff-a@example.vn", "role": "helper", "consent_note": "x"})
    assert response.status_code == 200
    assert "đã là thành viên" in response.content.decode()


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
