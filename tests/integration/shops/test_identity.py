"""Seller identity (shops/identity/): the legal representative's validation, staff
verification, the approval that needs it, a change that voids it, the staff list's flag."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from freezegun import freeze_time

from marketplace.core.models import AuditEvent
from shops.identity.selectors import identity_counts, shop_identity_status
from shops.identity.services import (
    RepresentativeError,
    representative_clean,
    representative_save,
    representative_verify_by_staff,
)
from shops.models import LegalRepresentative, Partner
from shops.services import ShopDecisionError, shop_approve
from tests.factories import (
    REPRESENTATIVE,
    apply_for_shop,
    make_representative,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db

BORN = datetime.date(1980, 5, 17)


def clean(**overrides):
    return representative_clean(**{**REPRESENTATIVE, **overrides})


def errors_of(**overrides) -> dict:
    with pytest.raises(ValidationError) as caught:
        clean(**overrides)
    return caught.value.message_dict


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- validation ----------------------------------------------------------------------


def test_a_valid_personal_id_and_a_valid_tax_code():
    assert clean()["id_number"] == "096080123456"
    assert clean(full_name="  Nguyễn   Văn  Mười ")["full_name"] == "Nguyễn Văn Mười"
    tax = clean(id_kind="tax_code", id_number="0100109106001")
    assert tax["id_number"] == "0100109106-001"


@pytest.mark.parametrize("overrides, field, words", [
    ({"id_number": "09608012345"}, "id_number", "12 chữ số"),
    ({"id_number": "097080123456"}, "id_number", "mã tỉnh"),
    ({"id_number": "096280123456"}, "id_number", "thế kỷ"),           # 2: born in the 2000s
    ({"id_number": "096079123456"}, "id_number", "hai số cuối"),      # 79 ≠ 1980
    ({"id_kind": "tax_code", "id_number": "0100109107"}, "id_number", "chữ số kiểm tra"),
    ({"id_kind": "tax_code", "id_number": "010010910"}, "id_number", "10 chữ số"),
    ({"id_kind": "passport"}, "id_kind", "loại giấy tờ"),
    ({"full_name": " "}, "full_name", "họ và tên"),
    ({"birth_date": datetime.date(2020, 1, 1)}, "birth_date", "15 tuổi"),
    ({"birth_date": datetime.date(1890, 1, 1)}, "birth_date", "không hợp lệ"),
])
def test_refusals_name_the_field_and_say_why(overrides, field, words):
    errors = errors_of(**overrides)
    assert field in errors
    assert words in " ".join(errors[field])


def test_the_application_form_checks_the_birth_year_against_the_id(client, applicant):
    client.force_login(applicant)
    response = client.post(reverse("shops:apply"), {
        "representative_full_name": "Nguyễn Văn An",
        "representative_birth_date": "1985-03-02",
        "representative_id_kind": "personal_id",
        "representative_id_number": "096084001234",   # 84 ≠ 1985
    })
    assert response.status_code == 200
    assert "hai số cuối của năm sinh (85)" in response.content.decode()
    assert not LegalRepresentative.objects.exists()


# --- approval needs a verified representative ------------------------------------------


@pytest.mark.search
def test_approval_is_refused_without_a_verified_representative(staff_client, applicant, search_settings):
    declared = apply_for_shop(applicant, representative_verified=False)
    with pytest.raises(ShopDecisionError, match="chưa được xác thực"):
        shop_approve(shop=declared, actor=None)
    none = apply_for_shop(make_user("binh@example.vn"), name="Cơ sở Bánh phồng tôm", representative=None)
    assert not LegalRepresentative.objects.filter(shop=none).exists()
    url = reverse("shops-dashboard:decide", kwargs={"shop_code": none.code, "action": "approve"})
    response = staff_client.post(url)
    assert any("chưa được xác thực" in text for text in texts(response))
    assert Partner.objects.filter(status=Partner.Status.PENDING).count() == 2
    assert not AuditEvent.objects.filter(action="shop.approved").exists()


@pytest.mark.search
def test_staff_verify_from_the_review_page_then_approve(staff_client, staff, applicant, search_settings):
    shop = apply_for_shop(applicant, representative_verified=False)
    detail = reverse("shops-dashboard:detail", kwargs={"shop_code": shop.code})
    page = staff_client.get(detail).content.decode()
    # Staff see the whole record to compare it with the documents, and verify first.
    assert "096080123456" in page and "17/05/1980" in page
    assert "Cần xác thực người đại diện trước khi duyệt" in page
    assert page.index("Đã đối chiếu giấy tờ") < page.index("Duyệt cửa hàng")

    verify = reverse("shops-dashboard:representative-verify", kwargs={"shop_code": shop.code})
    response = staff_client.post(verify, {"revision": "1", "note": "CCCD bản gốc tại UBND xã"})
    assert response.status_code == 302
    representative = LegalRepresentative.objects.get(shop=shop)
    assert representative.verification_method == LegalRepresentative.Method.STAFF_DOCUMENTS
    assert representative.verified_by == staff and representative.verified_at is not None
    assert representative.verification_note == "CCCD bản gốc tại UBND xã"
    event = AuditEvent.objects.get(shop=shop, action="shop.representative_verified")
    assert (event.actor, event.acting_as) == (staff, AuditEvent.Capacity.PROGRAMME)
    assert event.data["id_number"] == "•••••••••456"

    approve = reverse("shops-dashboard:decide", kwargs={"shop_code": shop.code, "action": "approve"})
    staff_client.post(approve)
    shop.refresh_from_db()
    assert shop.status == Partner.Status.APPROVED


def test_staff_verify_only_the_revision_they_read(staff_client, staff, applicant):
    shop = apply_for_shop(applicant, representative_verified=False)
    owner = applicant
    representative_save(shop=shop, actor=owner, acting_as="owner", **{**REPRESENTATIVE, "full_name": "Nguyễn Văn Mườii"})
    verify = reverse("shops-dashboard:representative-verify", kwargs={"shop_code": shop.code})
    response = staff_client.post(verify, {"revision": "1"})  # the page showed revision 1
    assert any("vừa được sửa" in text for text in texts(response))
    assert not LegalRepresentative.objects.get(shop=shop).is_verified
    for bad in ("", "abc", "-1", "99999999999999999999"):
        response = staff_client.post(verify, {"revision": bad})
        assert response.status_code == 302
    assert not LegalRepresentative.objects.get(shop=shop).is_verified
    representative_verify_by_staff(shop=shop, actor=staff, revision=2)
    with pytest.raises(RepresentativeError, match="đã được xác thực"):
        representative_verify_by_staff(shop=shop, actor=staff, revision=2)
    with pytest.raises(RepresentativeError, match="Chỉ cán bộ"):
        representative_verify_by_staff(shop=shop, actor=owner, revision=2)


def test_a_shop_without_a_representative_cannot_be_verified(staff):
    shop = make_shop("khong-khai")
    with pytest.raises(RepresentativeError, match="chưa khai"):
        representative_verify_by_staff(shop=shop, actor=staff, revision=1)


# --- a change after verification voids it ---------------------------------------------


def test_changing_name_id_or_birth_date_after_verification_resets_it(staff):
    owner = make_user("chu@example.vn")
    shop = make_shop("htx-a", owner=owner)
    make_representative(shop, verified_by=staff)
    representative, changed = representative_save(shop=shop, actor=owner, acting_as="owner", **REPRESENTATIVE)
    assert (changed, representative.is_verified) == (False, True)  # the same values change nothing
    assert not AuditEvent.objects.filter(action="shop.representative_changed").exists()

    for number, (field, value) in enumerate([
        ("full_name", "Nguyễn Văn Mười Một"),
        ("birth_date", datetime.date(1980, 6, 1)),
        ("id_number", "096080654321"),
    ], start=2):
        LegalRepresentative.objects.filter(shop=shop).update(
            verification_method="staff_documents", verified_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
        current = LegalRepresentative.objects.get(shop=shop)
        values = {name: getattr(current, name) for name in LegalRepresentative.IDENTITY_FIELDS}
        representative, changed = representative_save(
            shop=shop, actor=owner, acting_as="owner", **{**values, field: value}
        )
        assert changed and getattr(representative, field) == value
        assert representative.revision == number
        assert (representative.is_verified, representative.verified_at, representative.verified_by) == (False, None, None)
    events = AuditEvent.objects.filter(shop=shop, action="shop.representative_changed").order_by("pk")
    assert [e.data["changed"] for e in events] == [["full_name"], ["birth_date"], ["id_number"]]
    assert all(e.data["verification_voided"] for e in events)
    # The audit log (shown to the shop's members) never holds the full number or the birth date.
    for event in AuditEvent.objects.filter(shop=shop):
        assert "096080654321" not in str(event.data) and "1980" not in str(event.data)


# --- the staff list flags unverified shops ---------------------------------------------


def test_the_staff_list_counts_and_filters_unverified_shops(staff_client, staff, settings):
    settings.SELLER_IDENTITY_DEADLINE = datetime.date(2027, 1, 1)
    verified = make_shop("da-xac-thuc", name="Cửa hàng Đã Xác Thực")
    make_representative(verified, verified_by=staff)
    declared = make_shop("chua-xac-thuc", name="Cửa hàng Chưa Xác Thực")
    make_representative(declared, verified=False)
    make_shop("chua-khai", name="Cửa hàng Chưa Khai")
    assert identity_counts() == {"approved_verified": 1, "approved_unverified": 2, "pending_unverified": 0}

    with freeze_time("2026-12-02T10:00:00Z"):
        page = staff_client.get(reverse("shops-dashboard:list")).content.decode()
    assert "còn 30 ngày" in page
    assert "Cửa hàng đang hoạt động chưa xác thực: <strong>2</strong>" in page
    unverified = staff_client.get(reverse("shops-dashboard:list") + "?identity=unverified").content.decode()
    assert "Cửa hàng Chưa Xác Thực" in unverified and "Cửa hàng Chưa Khai" in unverified
    assert "Cửa hàng Đã Xác Thực" not in unverified
    only_verified = staff_client.get(reverse("shops-dashboard:list") + "?identity=verified").content.decode()
    assert "Cửa hàng Đã Xác Thực" in only_verified and "Cửa hàng Chưa Khai" not in only_verified

    with freeze_time("2027-01-11T10:00:00Z"):
        staff_client.force_login(staff)  # the session of December has expired by then
        page = staff_client.get(reverse("shops-dashboard:list")).content.decode()
        status = shop_identity_status(shop=declared)
    assert "đã qua 10 ngày" in page and "không tự động tạm ngưng" in page
    assert (status.overdue, status.days_overdue) == (True, 10)
    # Overdue shops are flagged, never suspended by the platform on its own.
    assert Partner.objects.get(pk=declared.pk).status == Partner.Status.APPROVED
