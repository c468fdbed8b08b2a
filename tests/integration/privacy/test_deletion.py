"""marketplace/privacy/services.py:account_delete — kept records lose the identity, the rest
goes, the e-mail can register again, a failure half-way leaves everything as it was, and
the last owner of a shop is told to hand it over first."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.complaints.models import Complaint, ComplaintEvent
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.order.models import Order, Purchase
from marketplace.privacy import services
from marketplace.privacy.models import ConsentEvent, PrivacyRequest
from marketplace.tax import reports
from shops.invitations import invitation_create
from shops.models import ShopInvitation, ShopMember
from tests.factories import (
    login,
    make_shop,
    make_tax_profile,
    make_user,
    paid_sale,
    person_with_data,
)

CONFIRM = re.compile(r"https?://[^/\s]+(/accounts/confirm/\S+)")

pytestmark = pytest.mark.django_db
User = get_user_model()
UserAddress = get_model("address", "UserAddress")
ProductReview = get_model("reviews", "ProductReview")
Basket = get_model("basket", "Basket")
NAME = "Người mua đã xóa tài khoản"


@pytest.fixture
def an():
    return person_with_data("an@example.vn", shop_code="htx-an", name="Nguyễn Văn An", phone="+84911111111")


def test_orders_and_complaints_stay_without_the_identity(an):
    buyer = an["buyer"]
    pk = buyer.pk
    order = an["orders"][0]
    logged = services.account_delete(user=buyer)

    assert not User.objects.filter(pk=pk).exists()
    order = Order.objects.select_related("shipping_address").get(pk=order.pk)
    assert order.user is None and order.guest_email == f"deleted-{pk}@invalid"
    address = order.shipping_address
    assert (address.first_name, address.last_name, str(address.phone_number or ""), address.line1) == (NAME, "", "", "")
    assert (address.line2, address.line4) == ("Xã Lương Thế Trân", "Cà Mau")  # commune and province kept
    purchase = Purchase.objects.get(pk=order.purchase_id)
    assert purchase.user is None and purchase.email == f"deleted-{pk}@invalid"
    complaint = Complaint.objects.get(pk=an["complaint"].pk)
    assert (complaint.user, complaint.contact_email, complaint.contact_phone) == (None, f"deleted-{pk}@invalid", "")
    assert ComplaintEvent.objects.filter(complaint=complaint).exists()
    # Erased.
    assert not UserAddress.objects.filter(first_name="Nguyễn Văn An").exists()
    assert not ProductReview.objects.filter(body__contains="Nguyễn Văn An").exists()
    assert not AccessAttempt.objects.filter(username="an@example.vn").exists()
    assert not Basket.objects.filter(owner_id=pk).exists()
    # Kept as proof, pseudonymous.
    consents = ConsentEvent.objects.filter(subject_ref=f"user:{pk}")
    assert consents.exists() and not consents.filter(user__isnull=False).exists()
    assert not AuditEvent.objects.filter(actor_id=pk).exists()
    assert AuditEvent.objects.filter(action="purchase.placed", actor_label=f"Tài khoản đã xóa (user:{pk})").exists()
    assert (logged.kind, logged.state, logged.user, logged.subject_ref) == ("deletion", "done", None, f"user:{pk}")
    assert AuditEvent.objects.filter(action="privacy.account_deleted", object_id=str(logged.pk)).exists()


def test_the_email_can_register_again(an, client, mailoutbox):
    services.account_delete(user=an["buyer"])
    response = client.post("/accounts/login/", {
        "registration-email": "an@example.vn", "registration-password1": "mat-khau-moi-2026",
        "registration-password2": "mat-khau-moi-2026", "registration_submit": "Register",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    # a new account through the mailed link (registration by confirmation, ADR 0030)
    (link,) = [m for m in (CONFIRM.search(mail.body) for mail in mailoutbox
                           if mail.to == ["an@example.vn"]) if m]
    assert client.post(link.group(1)).status_code == 302
    assert User.objects.filter(email="an@example.vn").count() == 1


def test_a_failure_half_way_leaves_everything_as_it_was(an, monkeypatch):
    buyer = an["buyer"]
    order = an["orders"][0]
    email_before = order.guest_email

    def broken(person):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_erase_baskets", broken)  # after orders and reviews are done
    with pytest.raises(RuntimeError):
        services.account_delete(user=buyer)
    assert User.objects.filter(pk=buyer.pk).exists()
    order.refresh_from_db()
    assert order.user_id == buyer.pk and order.guest_email == email_before
    assert Purchase.objects.get(pk=order.purchase_id).email == "an@example.vn"
    assert order.shipping_address.first_name == "Nguyễn Văn An"
    assert ProductReview.objects.filter(user=buyer).count() == 1
    assert not PrivacyRequest.objects.filter(kind="deletion").exists()


def test_the_last_owner_of_a_shop_must_hand_it_over_first(an):
    owner = an["owner"]
    with pytest.raises(Refused) as refusal:
        services.account_delete(user=owner)
    assert "chủ duy nhất" in str(refusal.value) and an["shop"].name in str(refusal.value)
    assert User.objects.filter(pk=owner.pk).exists()
    # With a second owner, the first may go; their membership is revoked in the shop's history.
    second = make_user("chu2@htx-an.vn")
    ShopMember.objects.create(shop=an["shop"], user=second, role=ShopMember.Role.OWNER)
    services.account_delete(user=owner)
    assert not User.objects.filter(pk=owner.pk).exists()
    assert AuditEvent.objects.filter(shop=an["shop"], action="shop.member_revoked").exists()


def test_a_helper_leaves_with_the_membership_revoked():
    shop = make_shop("ho-ba", owner=make_user("chu@ho-ba.vn"))
    helper = make_user("hotro@congnghe.vn")
    ShopMember.objects.create(shop=shop, user=helper, role=ShopMember.Role.HELPER)
    AuditEvent.objects.create(actor=helper, acting_as="helper", shop=shop, action="product.changed",
                              object_repr="hotro@congnghe.vn sửa sản phẩm", data={"user": "hotro@congnghe.vn"})
    services.account_delete(user=helper)
    assert not ShopMember.objects.filter(user__email="hotro@congnghe.vn").exists()
    event = AuditEvent.objects.get(action="product.changed")
    assert event.actor is None and event.actor_label.startswith("Tài khoản đã xóa")
    assert "hotro@congnghe.vn" not in event.object_repr and event.data["user"] != "hotro@congnghe.vn"


def test_a_second_deletion_finds_nobody(an):
    buyer = an["buyer"]
    services.account_delete(user=buyer)
    with pytest.raises(services.AccountGone):
        services.account_delete(user=buyer)
    assert PrivacyRequest.objects.filter(kind="deletion").count() == 1


def test_delivered_orders_stay_in_the_shop_list_and_the_tax_report_without_the_buyer(client):
    # Like the demo: a household shop with a tax profile and a paid, delivered card sale.
    owner = make_user("chu@co-ba.vn")
    shop = make_shop("co-ba", name="Cô Ba", owner=owner)
    make_tax_profile(shop, seller_name="Nguyễn Thị Ba", tax_code="096300001234")
    buyer = make_user("mua-thue@example.vn")
    order = paid_sale(shop, 500_000)
    Order.objects.filter(pk=order.pk).update(user=buyer, guest_email=buyer.email)
    Order.objects.get(pk=order.pk).lines.update(status="delivered")
    month = timezone.localdate().replace(day=1)
    before = reports.withholding_month_rows(month=month)
    assert [(r.shop_slug, r.revenue, r.vat, r.pit) for r in before] == [("co-ba", 500_000, 5_000, 2_500)]

    services.account_delete(user=buyer)

    assert reports.withholding_month_rows(month=month) == before
    login(client, owner)
    page = client.get(f"/seller/{shop.code}/orders/?tab=all").content.decode()
    if order.number not in page:  # the default tab lists the delivered ones elsewhere
        page = client.get(f"/seller/{shop.code}/orders/?tab=delivered").content.decode()
    assert order.number in page
    assert "Nguyễn Văn Nhận" not in page and "mua-thue@example.vn" not in page


def test_the_email_goes_from_invitations_and_every_audit_mention_whatever_its_case():
    # Review finding 3: invitations, data["email"], data["helper"]["email"], a differently cased repr.
    owner = make_user("chu@ho-ba.vn")
    shop = make_shop("ho-ba", owner=owner)
    helper = make_user("hotro@congnghe.vn")
    pending = invitation_create(shop=shop, email="HoTro@CongNghe.vn", role=ShopMember.Role.STAFF,
                                consent_note="", actor=owner, acting_as="owner")
    accepted = invitation_create(shop=make_shop("ho-ca", owner=owner), email="hotro@congnghe.vn",
                                 role=ShopMember.Role.HELPER, consent_note="", actor=owner, acting_as="owner")
    ShopInvitation.objects.filter(pk=accepted.pk).update(status=ShopInvitation.Status.ACCEPTED)
    AuditEvent.objects.create(action="shop.application_submitted", object_repr="Đơn của HOTRO@congnghe.vn",
                              data={"helper": {"name": "Ba", "email": "HoTro@congnghe.vn"}, "notes": ["hotro@congnghe.vn"]})

    services.account_delete(user=helper)

    assert not ShopInvitation.objects.filter(pk=pending.pk).exists()  # no later account may accept it
    assert ShopInvitation.objects.get(pk=accepted.pk).email == f"deleted-{helper.pk}@invalid"
    for event in AuditEvent.objects.all():
        text = f"{event.object_repr} {event.data}".lower()
        assert "hotro@congnghe.vn" not in text, (event.action, text)
    assert "Tài khoản đã xóa" in AuditEvent.objects.get(action="shop.application_submitted").data["helper"]["email"]


@pytest.mark.parametrize("engine", ["django.contrib.sessions.backends.db",
                                    "django.contrib.sessions.backends.cached_db"])  # cached_db: production
def test_every_session_of_the_account_ends_on_every_device(settings, engine):
    # Review finding 9: a phone and a laptop stay signed in, with Oscar's checkout data in the session.
    settings.SESSION_ENGINE = engine
    store = import_module(engine).SessionStore
    buyer, other = make_user("an@example.vn"), make_user("binh@example.vn")
    phone, laptop, binh = Client(), Client(), Client()
    login(phone, buyer)
    login(laptop, buyer)
    login(binh, other)
    session = laptop.session
    session["checkout_data"] = {"shipping": {"new_address_fields": {"line1": "12 Lý Văn Lâm"}}}
    session.save()
    keys = [c.cookies[django_settings.SESSION_COOKIE_NAME].value for c in (phone, laptop, binh)]

    services.account_delete(user=buyer)

    assert [store().exists(key) for key in keys] == [False, False, True]
    assert list(Session.objects.values_list("session_key", flat=True)) == [keys[2]]


def test_sign_in_records_go_whatever_the_case_typed():
    # Review finding 9: axes keeps the username as typed.
    buyer = make_user("an@example.vn")
    for typed in ("An@Example.VN", "AN@EXAMPLE.VN", "an@example.vn"):
        AccessAttempt.objects.create(username=typed, ip_address="10.0.0.7", user_agent="Android",
                                     get_data="", post_data="", failures_since_start=1)
    AccessAttempt.objects.create(username="binh@example.vn", ip_address="10.0.0.7", user_agent="Android",
                                 get_data="", post_data="", failures_since_start=1)
    services.account_delete(user=buyer)
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["binh@example.vn"]
