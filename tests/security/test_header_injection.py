"""Names with line breaks or control characters: mail headers cannot be broken with them.

A shop name "Gian\\r\\nhàng" made every mail about that shop fail (Django refuses a header with
a newline) and the applicant's submit and a staff rejection answered 500. The forms refuse
control characters (marketplace.core.text.validate_single_line); a name stored before that
still gets its mail, the subject flattened to one line (marketplace.core.mail.mail_send)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shops.models import Partner
from tests.factories import (
    apply_for_shop,
    commune_code,
    ensure_country,
    login,
    make_shop,
    make_staff,
    make_user,
    png_bytes,
)

pytestmark = pytest.mark.django_db

BAD_NAMES = ["Gian\r\nhàng", "Gian\nBcc: ke-xau@example.com", "Gian\thàng", "Gian\u202ehàng"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def application(**overrides) -> dict:
    data = {
        "name": "Cơ sở Khô cá Đầm Dơi",
        "producer_type": Partner.ProducerType.HOUSEHOLD,
        "legal_name": "Hộ kinh doanh Nguyễn Văn An",
        "registration_number": "61A8001234",
        "phone": "0912 345 678",
        "commune_code": str(commune_code(3)),
        "street_address": "Ấp Tân Lợi",
        "application_document": SimpleUploadedFile("giay-phep.png", png_bytes(), "image/png"),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("field", ["name", "legal_name"])
@pytest.mark.parametrize("bad", BAD_NAMES)
def test_an_application_with_a_control_character_in_a_name_is_refused(field, bad):
    client = Client()
    login(client, make_user("nguoi-dang-ky@example.vn"))

    response = client.post("/shops/apply/", application(**{field: bad}))

    assert response.status_code == 200  # the form again, with the message
    assert "ký tự điều khiển" in response.content.decode()
    assert not Partner.objects.exists()
    assert mail.outbox == []


def test_staff_cannot_rename_a_shop_with_a_line_break_in_the_dashboard(search_settings):
    """Oscar's partner page edits the name through the address form: given the validator too."""
    ensure_country()
    shop = make_shop("dat-mui", name="Cơ sở Đất Mũi")
    client = Client()
    login(client, make_user("quan-tri@example.vn", is_staff=True, is_superuser=True))
    url = reverse("dashboard:partner-manage", kwargs={"pk": shop.pk})
    address = {"line1": "Ấp Mũi", "line4": "Cà Mau", "country": "VN"}

    refused = client.post(url, {"name": "Đất\r\nMũi", **address})
    assert refused.status_code == 200 and "ký tự điều khiển" in refused.content.decode()
    shop.refresh_from_db()
    assert shop.name == "Cơ sở Đất Mũi"

    renamed = client.post(url, {"name": "Cơ sở Đất Mũi Cà Mau", **address})
    assert renamed.status_code == 302
    shop.refresh_from_db()
    assert shop.name == "Cơ sở Đất Mũi Cà Mau"


def test_a_stored_name_with_crlf_does_not_stop_a_staff_rejection_nor_its_mail(
    django_capture_on_commit_callbacks, search_settings,
):
    applicant = make_user("chu-cu@example.vn")
    shop = apply_for_shop(applicant, name="Cửa hàng cũ")
    Partner.objects.filter(pk=shop.pk).update(name="Gian\r\nhàng cũ")  # stored before the validator
    mail.outbox.clear()
    client = Client()
    login(client, make_staff())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("shops-dashboard:decide", kwargs={"shop_code": shop.code, "action": "reject"}),
            {"reason": "Giấy tờ không đọc được"},
        )

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.status == Partner.Status.REJECTED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]
    assert mail.outbox[0].subject == "Đơn đăng ký cửa hàng Gian hàng cũ chưa được duyệt"
