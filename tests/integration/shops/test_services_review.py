"""Programme staff review shops in /dashboard/shops/: decisions, e-mails, audit, access."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from marketplace.core.models import AuditEvent
from shops.models import Partner
from shops.services import ShopDecisionError, shop_approve, shop_reject, shop_suspend
from tests.factories import apply_for_shop, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.search]


@pytest.fixture
def shop(applicant):
    return apply_for_shop(applicant)


@pytest.fixture
def staff_client(client, staff, search_settings):
    client.force_login(staff)
    return client


def decide(client, shop, action, reason=""):
    url = reverse("shops-dashboard:decide", kwargs={"shop_code": shop.code, "action": action})
    return client.post(url, {"reason": reason})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def decisions(shop) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(shop=shop, acting_as=AuditEvent.Capacity.PROGRAMME).order_by("pk")
    )


def test_staff_list_and_detail(staff_client, shop, applicant):
    other = apply_for_shop(make_user("binh@example.vn"), name="Cơ sở Bánh phồng tôm")
    shop_reject(shop=other, actor=None, reason="Thiếu giấy tờ")
    response = staff_client.get("/dashboard/shops/")
    assert response.status_code == 200
    body = response.content.decode()
    assert shop.name in body and other.name in body

    pending = staff_client.get("/dashboard/shops/?status=pending")
    assert shop.name in pending.content.decode()
    assert other.name not in pending.content.decode()

    bad = staff_client.get("/dashboard/shops/?status=nonsense")
    assert bad.status_code == 200
    assert shop.name in bad.content.decode()

    detail = staff_client.get(reverse("shops-dashboard:detail", kwargs={"shop_code": shop.code}))
    assert detail.status_code == 200
    body = detail.content.decode()
    for value in (
        shop.legal_name,
        shop.registration_number,
        shop.phone,
        applicant.email,
        "Gửi đơn mở cửa hàng",  # the history shows the action label, not its code
    ):
        assert value in body
    document_url = reverse("shops-dashboard:document", kwargs={"shop_code": shop.code})
    assert document_url in body
    document = staff_client.get(document_url)
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content).startswith(b"%PDF-")


def test_dashboard_navigation_has_the_shops_entry(staff_client):
    response = staff_client.get("/dashboard/")
    assert response.status_code == 200
    assert reverse("shops-dashboard:list") in response.content.decode()


def test_approve_emails_and_audits(
    staff_client, staff, shop, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(staff_client, shop, "approve")
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.status == Partner.Status.APPROVED
    assert shop.status_changed_at is not None
    [event] = decisions(shop)
    assert (event.action, event.actor, event.acting_as) == ("shop.approved", staff, "programme")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]
    assert "đã được duyệt" in mail.outbox[0].subject
    assert shop.get_absolute_url() in mail.outbox[0].body
    # the storefront is public now
    assert staff_client.get(shop.get_absolute_url()).status_code == 200


def test_approving_twice_is_refused(staff_client, shop, django_capture_on_commit_callbacks):
    decide(staff_client, shop, "approve")
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(staff_client, shop, "approve")
    assert any("Chỉ duyệt được cửa hàng đang chờ duyệt" in m for m in texts(response))
    assert len(decisions(shop)) == 1
    assert mail.outbox == []
    with pytest.raises(ShopDecisionError):
        shop_approve(shop=shop, actor=None)


def test_reject_needs_a_reason(staff_client, shop, applicant, django_capture_on_commit_callbacks):
    response = decide(staff_client, shop, "reject", reason="   ")
    assert any("Vui lòng ghi lý do" in m for m in texts(response))
    shop.refresh_from_db()
    assert shop.status == Partner.Status.PENDING
    with pytest.raises(ShopDecisionError):
        shop_reject(shop=shop, actor=None, reason="")

    with django_capture_on_commit_callbacks(execute=True):
        decide(staff_client, shop, "reject", reason="Giấy đăng ký không đọc được")
    shop.refresh_from_db()
    assert shop.status == Partner.Status.REJECTED
    assert shop.status_reason == "Giấy đăng ký không đọc được"
    [event] = decisions(shop)
    assert event.action == "shop.rejected" and event.reason == "Giấy đăng ký không đọc được"
    [email] = mail.outbox
    assert email.to == [applicant.email]
    assert "Giấy đăng ký không đọc được" in email.body
    # the applicant may apply again after a rejection
    apply_for_shop(applicant, name="HTX Mật ong Mười Ngọt (bổ sung)")


def test_suspend_and_reinstate(staff_client, shop, applicant, django_capture_on_commit_callbacks):
    co_owner = make_user("chi.nguyen@example.vn")
    from shops.membership import member_add
    from shops.models import ShopMember

    member_add(shop=shop, user=co_owner, role=ShopMember.Role.OWNER, granted_by=applicant)
    decide(staff_client, shop, "approve")

    response = decide(staff_client, shop, "suspend")
    assert any("Vui lòng ghi lý do" in m for m in texts(response))
    shop.refresh_from_db()
    assert shop.status == Partner.Status.APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        decide(staff_client, shop, "suspend", reason="Khiếu nại về chất lượng")
    shop.refresh_from_db()
    assert (shop.status, shop.status_reason) == (
        Partner.Status.SUSPENDED,
        "Khiếu nại về chất lượng",
    )
    [email] = mail.outbox
    assert sorted(email.to) == sorted([applicant.email, co_owner.email])
    assert "Khiếu nại về chất lượng" in email.body
    assert staff_client.get(shop.get_absolute_url()).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        decide(staff_client, shop, "reinstate", reason="Đã khắc phục")
    shop.refresh_from_db()
    assert shop.status == Partner.Status.APPROVED
    assert len(mail.outbox) == 2 and "khôi phục" in mail.outbox[1].subject
    assert [e.action for e in decisions(shop)] == [
        "shop.approved",
        "shop.suspended",
        "shop.reinstated",
    ]
    with pytest.raises(ShopDecisionError):
        shop_suspend(shop=shop, actor=None, reason="")


def test_decisions_are_post_only(staff_client, shop):
    url = reverse("shops-dashboard:decide", kwargs={"shop_code": shop.code, "action": "approve"})
    assert staff_client.get(url).status_code == 405
    bogus = reverse("shops-dashboard:decide", kwargs={"shop_code": shop.code, "action": "delete"})
    assert staff_client.post(bogus).status_code == 404
    shop.refresh_from_db()
    assert shop.status == Partner.Status.PENDING


def test_decisions_need_the_csrf_token(staff, shop, search_settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = decide(client, shop, "approve")
    assert response.status_code == 403
    shop.refresh_from_db()
    assert shop.status == Partner.Status.PENDING


def test_sellers_never_get_in(client, shop, applicant):
    urls = [
        "/dashboard/shops/",
        reverse("shops-dashboard:detail", kwargs={"shop_code": shop.code}),
        reverse("shops-dashboard:document", kwargs={"shop_code": shop.code}),
    ]
    # anonymous: to the login page
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    assert decide(client, shop, "approve").status_code == 302
    # the shop's own owner (a seller, not staff): forbidden
    client.force_login(applicant)
    for url in urls:
        assert client.get(url).status_code == 403
    assert decide(client, shop, "approve").status_code == 403
    shop.refresh_from_db()
    assert shop.status == Partner.Status.PENDING
    assert not decisions(shop)


def test_programme_staff_revoke_a_helper(staff_client, shop, applicant):
    """A helper loses access the moment programme staff revoke it; the reason is kept."""
    from shops.membership import member_add
    from shops.models import ShopMember

    Partner.objects.filter(pk=shop.pk).update(status=Partner.Status.APPROVED)
    helper = make_user("tocongnghe@example.vn", password="pw-123456")
    member = member_add(shop=shop, user=helper, role=ShopMember.Role.HELPER, granted_by=applicant)
    url = reverse("shops-dashboard:member-revoke", kwargs={"shop_code": shop.code, "member_pk": member.pk})

    assert staff_client.post(url, {"reason": ""}).status_code == 302  # reason required
    assert ShopMember.objects.active().filter(pk=member.pk).exists()

    response = staff_client.post(url, {"reason": "Hộ dân tự quản lý"})
    assert response.status_code == 302
    assert not ShopMember.objects.active().filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(shop=shop, action="shop.member_revoked")
    assert event.acting_as == AuditEvent.Capacity.PROGRAMME and event.reason == "Hộ dân tự quản lý"

    from django.test import Client

    helper_client = Client()
    helper_client.force_login(helper)
    assert helper_client.get(f"/seller/{shop.code}/").status_code == 404


def test_a_seller_cannot_revoke_through_the_dashboard(client, shop, applicant):
    from shops.models import ShopMember

    owner = ShopMember.objects.get(shop=shop, role=ShopMember.Role.OWNER)
    client.force_login(applicant)
    url = reverse("shops-dashboard:member-revoke", kwargs={"shop_code": shop.code, "member_pk": owner.pk})
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert ShopMember.objects.active().filter(pk=owner.pk).exists()
