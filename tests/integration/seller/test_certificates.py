"""Seller OCOP certificates: list with display status, submit for the shop's own products only."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import OcopCertificate
from marketplace.core.models import AuditEvent
from tests.factories import make_certificate, make_product, make_shop, make_user, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    owner = make_user("owner-a@example.vn")
    shop = make_shop("shop-a", owner=owner)
    other = make_shop("shop-b", owner=make_user("owner-b@example.vn"))
    client.force_login(owner)
    return {
        "owner": owner, "shop": shop,
        "honey": make_product(shop, "Mật ong U Minh"),
        "foreign": make_product(other, "Khô cá của B"),
    }


def url(name, **kwargs):
    return reverse(f"seller:{name}", kwargs={"shop_code": "shop-a", **kwargs})


def form_data(product, **overrides):
    data = {
        "product": str(product.pk), "stars": "4", "score": "75", "decision_number": "1234/QĐ-UBND",
        "issuing_body": "province", "issued_on": "2025-03-01",
    }
    data.update(overrides)
    return data


def test_submit_creates_a_pending_certificate_with_scan(client, world):
    data = form_data(world["honey"])
    data["scan"] = SimpleUploadedFile("chung-nhan.png", png_bytes(size=(40, 30), color=(200, 180, 20)), content_type="image/png")
    response = client.post(url("certificate-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate = OcopCertificate.objects.get(product=world["honey"])
    assert certificate.status == "pending"
    assert certificate.expires_on == datetime.date(2028, 3, 1)
    assert certificate.scan.name.endswith(".jpg")
    event = AuditEvent.objects.get(action="certificate.submitted")
    assert (event.shop, event.acting_as, event.actor) == (world["shop"], "owner", world["owner"])
    detail = client.get(response["Location"])
    assert "1234/QĐ-UBND" in detail.content.decode() and "Chờ xác minh" in detail.content.decode()


def test_score_outside_the_star_range_is_a_form_error(client, world):
    response = client.post(url("certificate-create"), form_data(world["honey"], stars="3", score="75"))
    assert response.status_code == 200
    assert "Hạng 3 sao cần điểm từ 50 đến 69." in response.content.decode()
    assert not OcopCertificate.objects.exists()


def test_five_stars_are_national(client, world):
    response = client.post(url("certificate-create"), form_data(world["honey"], stars="5", score="92"))
    assert response.status_code == 200
    assert "Hạng 5 sao do Hội đồng Trung ương công nhận" in response.content.decode()
    assert not OcopCertificate.objects.exists()


def test_another_shops_product_is_refused(client, world):
    response = client.post(url("certificate-create"), form_data(world["foreign"]))
    assert response.status_code == 200
    assert response.context["form"].errors["product"]
    assert not OcopCertificate.objects.exists()
    # The product choice offers only the shop's own products.
    html = client.get(url("certificate-create")).content.decode()
    assert "Mật ong U Minh" in html and "Khô cá của B" not in html


def test_a_fake_scan_is_refused(client, world):
    data = form_data(world["honey"])
    data["scan"] = SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    response = client.post(url("certificate-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["scan"]
    assert not OcopCertificate.objects.exists()


def test_list_shows_display_status_and_expiry(client, world):
    honey = world["honey"]
    today = datetime.date.today()
    make_certificate(honey, status="verified", issued_on=today - datetime.timedelta(days=30), decision_number="QD-VALID")
    make_certificate(honey, status="verified", issued_on=datetime.date(2020, 1, 1), decision_number="QD-OLD")
    make_certificate(honey, status="revoked", decision_number="QD-REVOKED")
    make_certificate(honey, status="rejected", decision_number="QD-REJECTED")
    make_certificate(honey, status="pending", decision_number="QD-PENDING")
    make_certificate(world["foreign"], decision_number="QD-OF-B")
    html = client.get(url("certificates")).content.decode()
    for label in ("Còn hiệu lực", "Hết hạn", "Đã thu hồi", "Bị từ chối", "Chờ xác minh"):
        assert label in html
    assert "01/01/2023" in html  # expiry of the 2020 certificate: 36 months later
    assert "QD-OF-B" not in html


def test_another_shops_certificate_is_404(client, world):
    foreign = make_certificate(world["foreign"])
    assert client.get(url("certificate-detail", certificate_pk=foreign.pk)).status_code == 404
