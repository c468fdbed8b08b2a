"""Applying to open a shop at /shops/apply/: the form, the service, the e-mail, the audit."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.core.models import AuditEvent
from shops.identity.services import representative_verify_by_staff
from shops.invitations import invitation_accept
from shops.models import Partner, ShopInvitation, ShopMember
from shops.services import ShopApplicationError, shop_approve
from tests.factories import PDF_BYTES, apply_for_shop, commune_code, make_user, png_bytes

pytestmark = pytest.mark.django_db

APPLY_URL = "/shops/apply/"


def form_data(**overrides) -> dict:
    data = {
        "name": "Cơ sở Khô cá Đầm Dơi",
        "producer_type": Partner.ProducerType.HOUSEHOLD,
        "legal_name": "Hộ kinh doanh Nguyễn Văn An",
        "registration_number": "61A8001234",
        "phone": "0912 345 678",
        "zalo_phone": "",
        "commune_code": str(commune_code(3)),
        "street_address": "Ấp Tân Lợi",
        "description": "<p>Khô cá <strong>nhà làm</strong></p><script>alert(1)</script>",
        "application_document_kind": Partner.DocumentKind.HOUSEHOLD_REGISTRATION,
        "application_document": SimpleUploadedFile("giay-phep.png", png_bytes(), "image/png"),
        # The legal representative (shops/identity/): a Cà Mau personal ID of a man born in 1985.
        "representative_full_name": "Nguyễn Văn An",
        "representative_birth_date": "1985-03-02",
        "representative_id_kind": "personal_id",
        "representative_id_number": "096085001234",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_apply_needs_a_signed_in_user(client):
    assert reverse("shops:apply") == APPLY_URL
    response = client.get(APPLY_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_apply_page_renders(client, applicant):
    client.force_login(applicant)
    response = client.get(APPLY_URL)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_the_document_is_a_registration_or_ocop_certificate_never_an_id_card(client, applicant):
    client.force_login(applicant)
    page = client.get(APPLY_URL).content.decode()
    assert "Không tải ảnh CCCD/CMND" in page and "Nghị định 356/2025" in page
    form = client.get(APPLY_URL).context["form"]
    kinds = [value for value, _label in form.fields["application_document_kind"].choices if value]
    assert kinds == ["household_registration", "enterprise_registration", "cooperative_registration",
                     "ocop_certificate"]
    # Nothing on the page asks for an ID-card image.
    assert "ảnh CCCD" not in page.replace("Không tải ảnh CCCD", "")
    response = client.post(APPLY_URL, form_data(application_document_kind=None))
    assert response.status_code == 200
    assert "Vui lòng chọn loại giấy tờ bạn tải lên." in response.content.decode()
    response = client.post(APPLY_URL, form_data(application_document_kind="id_card"))
    assert response.status_code == 200 and not Partner.objects.filter(applicant=applicant).exists()


def test_apply_happy_path(client, applicant, django_capture_on_commit_callbacks):
    client.force_login(applicant)
    logo = SimpleUploadedFile("logo.png", png_bytes(size=(40, 40)), "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, form_data(logo=logo))
    assert response.status_code == 302
    assert response["Location"] == reverse("shops:apply-done")

    shop = Partner.objects.get(applicant=applicant)
    assert shop.status == Partner.Status.PENDING
    assert shop.code == "co-so-kho-ca-dam-doi"
    assert shop.phone == "+84912345678"
    assert shop.commune_code == commune_code(3)
    assert shop.legal_name == "Hộ kinh doanh Nguyễn Văn An"
    assert shop.application_document_kind == Partner.DocumentKind.HOUSEHOLD_REGISTRATION
    assert "<script>" not in shop.description and "<strong>nhà làm</strong>" in shop.description
    # the scan was re-encoded (a JPEG with a random name), the logo too
    assert shop.application_document.name.endswith(".jpg")
    assert shop.application_document.read(3) == b"\xff\xd8\xff"
    assert shop.logo.name.endswith(".jpg")
    owner = ShopMember.objects.active().get(shop=shop)
    assert owner.user == applicant and owner.role == ShopMember.Role.OWNER
    event = AuditEvent.objects.get(shop=shop, action="shop.applied")
    assert event.actor == applicant
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]
    assert "Cơ sở Khô cá Đầm Dơi" in mail.outbox[0].body

    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Cơ sở Khô cá Đầm Dơi" in done.content.decode()
    # the pending shop is not public yet
    assert client.get(shop.get_absolute_url()).status_code == 404


def test_apply_with_a_pdf(client, applicant):
    client.force_login(applicant)
    document = SimpleUploadedFile("giay-phep.pdf", PDF_BYTES, "application/pdf")
    response = client.post(
        APPLY_URL, form_data(application_document=document, zalo_phone="84 987 654 321")
    )
    assert response.status_code == 302
    shop = Partner.objects.get(applicant=applicant)
    assert shop.application_document.name.endswith(".pdf")
    assert shop.zalo_phone == "+84987654321"


def test_bad_phone_re_renders_with_messages_and_keeps_the_input(client, applicant):
    client.force_login(applicant)
    response = client.post(APPLY_URL, form_data(phone="0123"))
    assert response.status_code == 200
    assert not Partner.objects.exists()
    body = response.content.decode()
    assert "Số điện thoại di động không hợp lệ" in body
    assert 'value="Cơ sở Khô cá Đầm Dơi"' in body  # what the user typed is kept
    messages = texts(response)
    assert any("Đơn chưa gửi được" in m for m in messages)
    assert any("chọn lại tệp" in m for m in messages)


def test_missing_document_re_renders(client, applicant):
    client.force_login(applicant)
    response = client.post(APPLY_URL, form_data(application_document=None))
    assert response.status_code == 200
    assert not Partner.objects.exists()
    assert "Vui lòng chọn ảnh hoặc tệp PDF giấy chứng nhận." in response.content.decode()


def test_a_file_that_is_not_a_document_is_refused(client, applicant):
    client.force_login(applicant)
    fake = SimpleUploadedFile("giay-phep.png", b"MZ\x90\x00 not an image", "image/png")
    response = client.post(APPLY_URL, form_data(application_document=fake))
    assert response.status_code == 200
    assert not Partner.objects.exists()


def test_bad_commune_re_renders(client, applicant):
    client.force_login(applicant)
    response = client.post(APPLY_URL, form_data(commune_code="99999999"))
    assert response.status_code == 200
    assert not Partner.objects.exists()


def test_a_second_pending_application_is_refused(client, applicant):
    apply_for_shop(applicant)
    client.force_login(applicant)
    page = client.get(APPLY_URL)
    assert "đang chờ cán bộ chương trình duyệt" in page.content.decode()
    response = client.post(APPLY_URL, form_data())
    assert response.status_code == 200
    assert Partner.objects.filter(applicant=applicant).count() == 1
    assert any("đã có một đơn đăng ký đang chờ duyệt" in m for m in texts(response))
    with pytest.raises(ShopApplicationError):
        apply_for_shop(applicant, name="Cửa hàng khác")


def test_codes_are_unique_and_never_shadow_the_apply_page(db):
    first = apply_for_shop(make_user("a@example.vn"), name="Mật ong U Minh")
    second = apply_for_shop(make_user("b@example.vn"), name="Mật ong U Minh")
    third = apply_for_shop(make_user("c@example.vn"), name="Mật ong U Minh")
    assert [first.code, second.code, third.code] == [
        "mat-ong-u-minh",
        "mat-ong-u-minh-2",
        "mat-ong-u-minh-3",
    ]
    assert apply_for_shop(make_user("d@example.vn"), name="Apply").code == "apply-2"


def test_a_helper_needs_the_owners_consent_and_the_form_does_not_say_who_is_registered(
    client, applicant
):
    client.force_login(applicant)
    make_user("tocongngheso@example.vn")
    pages = []
    for email in ("khong-co@example.vn", "tocongngheso@example.vn"):
        response = client.post(APPLY_URL, form_data(helper_email=email))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Cần có sự đồng ý của chủ cửa hàng" in body
        assert "Không tìm thấy tài khoản" not in body
        pages.append(sorted(str(e) for e in response.context["form"].errors.values()))
    assert pages[0] == pages[1]
    assert not Partner.objects.exists()


def test_a_helper_without_an_account_is_invited_when_the_shop_is_approved(
    client, applicant, staff, search_settings, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    response = client.post(APPLY_URL, form_data(
        helper_email="chua-dang-ky@example.vn", helper_consent="on",
        helper_consent_note="Đồng ý trực tiếp ngày 3/11",
    ))
    assert response.status_code == 302
    shop = Partner.objects.get(applicant=applicant)
    representative_verify_by_staff(shop=shop, actor=staff, revision=1)  # approval needs it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shop_approve(shop=shop, actor=staff)
    invitation = ShopInvitation.objects.get(shop=shop)
    assert (invitation.email, invitation.role, invitation.status, invitation.consent_note) == (
        "chua-dang-ky@example.vn", "helper", "pending", "Đồng ý trực tiếp ngày 3/11",
    )
    assert any("chua-dang-ky@example.vn" in m.to and "/seller/invitation/" in m.body for m in mail.outbox)
    assert not ShopMember.objects.filter(shop=shop, role="helper").exists()


def test_a_helper_with_an_account_is_invited_at_approval_and_joins_only_by_accepting(
    client, applicant, staff, search_settings, django_capture_on_commit_callbacks
):
    """Review finding 6: the owner's consent is not the helper's; an account is never joined."""
    helper = make_user("tocongngheso@example.vn")
    client.force_login(applicant)
    response = client.post(
        APPLY_URL,
        form_data(
            helper_email="TOCONGNGHESO@example.vn",
            helper_consent="on",
            helper_consent_note="Đồng ý tại buổi hướng dẫn ở UBND xã ngày 3/11",
        ),
    )
    assert response.status_code == 302
    shop = Partner.objects.get(applicant=applicant)
    # not a member while the application waits
    assert not ShopMember.objects.filter(shop=shop, user=helper).exists()
    event = AuditEvent.objects.get(shop=shop, action="shop.applied")
    assert event.data["helper"]["email"].lower() == helper.email  # as typed; no lookup while applying

    representative_verify_by_staff(shop=shop, actor=staff, revision=1)  # approval needs it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shop_approve(shop=shop, actor=staff)
    # approved, but the helper has not agreed yet: no membership, an invitation waits
    assert not ShopMember.objects.filter(shop=shop, user=helper).exists()
    assert not AuditEvent.objects.filter(shop=shop, action="shop.member_added", data__role="helper").exists()
    invitation = ShopInvitation.objects.get(shop=shop)
    assert (invitation.email.lower(), invitation.role, invitation.status) == (helper.email, "helper", "pending")
    assert any(helper.email in [a.lower() for a in m.to] and "/seller/invitation/" in m.body
               for m in mail.outbox)

    member = invitation_accept(invitation=invitation, user=helper)
    assert (member.shop, member.user, member.role) == (shop, helper, ShopMember.Role.HELPER)
    assert member.consent_note == "Đồng ý tại buổi hướng dẫn ở UBND xã ngày 3/11"
    assert AuditEvent.objects.filter(
        shop=shop, action="shop.member_added", data__role="helper"
    ).exists()


def test_a_helper_named_as_an_account_is_invited_not_joined(applicant, staff, search_settings):
    helper = make_user("tro-giup@example.vn")
    shop = apply_for_shop(applicant, helper=helper, helper_consent_note="Đồng ý bằng văn bản")
    shop_approve(shop=shop, actor=staff)
    assert not ShopMember.objects.filter(shop=shop, user=helper).exists()
    invitation = ShopInvitation.objects.get(shop=shop)
    assert (invitation.email, invitation.status, invitation.consent_note) == (
        "tro-giup@example.vn", "pending", "Đồng ý bằng văn bản",
    )
    assert Partner.objects.get(pk=shop.pk).status == Partner.Status.APPROVED


@pytest.mark.parametrize("name", ["Nguyễn Văn\nAn", "Nguyễn Văn An\u202e", "Nguyễn\u200bVăn An"])
def test_the_representatives_name_is_one_line_without_hidden_marks(client, applicant, name):
    """Review finding 10: the name goes into staff screens and mails as one line."""
    client.force_login(applicant)
    response = client.post(APPLY_URL, form_data(representative_full_name=name))
    assert response.status_code == 200
    assert "Tên không được chứa xuống dòng, tab hoặc ký tự điều khiển ẩn." in response.content.decode()
    assert not Partner.objects.filter(applicant=applicant).exists()
