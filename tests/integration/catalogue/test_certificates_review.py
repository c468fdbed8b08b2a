"""Programme staff review OCOP certificates in /dashboard/ocop/: verify, reject, revoke;
the badge (cards, product page, search facets) follows at once; e-mails; audit; access."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from catalogue.certificates import (
    CertificateDecisionError,
    certificate_reject,
    certificate_revoke,
    certificate_verify,
)
from catalogue.models import OcopCertificate, Product, today_local
from catalogue.selectors import product_list_public
from marketplace.core.models import AuditEvent
from search.indexing import rebuild_index
from search.query import SearchParams, search_products
from tests.factories import make_certificate, make_product, make_shop, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.search]

Status = OcopCertificate.Status
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def owner():
    return make_user("chu.cuahang@example.vn")


@pytest.fixture
def staff():
    return make_user("canbo.ocop@example.vn", is_staff=True)


@pytest.fixture
def shop(owner):
    return make_shop("muoi-ngot", name="HTX Mật ong Mười Ngọt", owner=owner)


@pytest.fixture
def product(shop):
    return make_product(shop, "Mật ong U Minh", price=150_000, stock=9, sku="MO-1")


@pytest.fixture
def certificate(product):
    cert = make_certificate(
        product,
        stars=4,
        score=78,
        decision_number="245/QĐ-UBND",
        issued_on=today_local() - datetime.timedelta(days=100),
        status=Status.PENDING,
    )
    cert.scan.save("chung-nhan.pdf", ContentFile(PDF_BYTES), save=True)
    return cert


@pytest.fixture
def indexed(search_settings, certificate):
    rebuild_index()


@pytest.fixture
def staff_client(client, staff, search_settings):
    client.force_login(staff)
    return client


def decide(client, cert, action, reason=""):
    url = reverse("ocop-dashboard:decide", kwargs={"certificate_pk": cert.pk, "action": action})
    return client.post(url, {"reason": reason})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def decisions(cert) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="catalogue.ocopcertificate",
            object_id=str(cert.pk),
            acting_as=AuditEvent.Capacity.PROGRAMME,
        ).order_by("pk")
    )


def stars_in_search(product) -> bool:
    """Whether the real search server's 4★ filter finds the product."""
    result = search_products(SearchParams(stars=(4,)))
    return product.pk in result.ids


def stars_on_card(product):
    return product_list_public().get(pk=product.pk).ocop_stars


# --- the queue and the detail page ----------------------------------------------------


def test_list_pending_first_filters_and_detail(staff_client, certificate, product, shop, owner):
    other_product = Product.objects.create(
        title="Mắm tôm chà", product_class=product.product_class, shop=shop
    )
    old = make_certificate(
        other_product,
        stars=3,
        decision_number="9/QĐ-UBND",
        issued_on=today_local() - datetime.timedelta(days=1080),
    )  # expires within 30 days
    from catalogue.certificates import certificate_submit

    submitted = certificate_submit(
        shop=shop,
        product=product,
        stars=5,
        score=93,
        decision_number="1/QĐ-HĐTW",
        issuing_body="central",
        issued_on=today_local(),
        actor=owner,
        acting_as="owner",
    )

    body = staff_client.get("/dashboard/ocop/").content.decode()
    # pending ones (both) come before the verified one
    assert body.index("245/QĐ-UBND") < body.index("9/QĐ-UBND")
    assert body.index("1/QĐ-HĐTW") < body.index("9/QĐ-UBND")

    pending = staff_client.get("/dashboard/ocop/?status=pending").content.decode()
    assert "245/QĐ-UBND" in pending and "9/QĐ-UBND" not in pending
    expiring = staff_client.get("/dashboard/ocop/?expiring=1").content.decode()
    assert "9/QĐ-UBND" in expiring and "245/QĐ-UBND" not in expiring
    bad = staff_client.get("/dashboard/ocop/?status=nonsense")
    assert bad.status_code == 200 and "245/QĐ-UBND" in bad.content.decode()

    detail = staff_client.get(
        reverse("ocop-dashboard:detail", kwargs={"certificate_pk": submitted.pk})
    )
    assert detail.status_code == 200
    text = detail.content.decode()
    for value in (product.title, shop.name, "1/QĐ-HĐTW", "93", owner.email, "Gửi chứng nhận OCOP"):
        assert value in text
    assert (
        reverse(
            "ocop-dashboard:decide", kwargs={"certificate_pk": submitted.pk, "action": "verify"}
        )
        in text
    )

    scan_url = reverse("ocop-dashboard:scan", kwargs={"certificate_pk": certificate.pk})
    assert (
        scan_url
        in staff_client.get(
            reverse("ocop-dashboard:detail", kwargs={"certificate_pk": certificate.pk})
        ).content.decode()
    )
    scan = staff_client.get(scan_url)
    assert scan.status_code == 200 and scan["Content-Type"] == "application/pdf"
    assert b"".join(scan.streaming_content).startswith(b"%PDF-")
    assert "no-store" in scan["Cache-Control"]
    # no scan → 404
    assert (
        staff_client.get(
            reverse("ocop-dashboard:scan", kwargs={"certificate_pk": old.pk})
        ).status_code
        == 404
    )


def test_image_scans_are_shown_inline(staff_client, certificate):
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 120, 30)).save(out, format="JPEG")
    certificate.scan.save("scan.jpg", ContentFile(out.getvalue()), save=True)
    detail = staff_client.get(
        reverse("ocop-dashboard:detail", kwargs={"certificate_pk": certificate.pk})
    )
    scan_url = reverse("ocop-dashboard:scan", kwargs={"certificate_pk": certificate.pk})
    assert f'<img src="{scan_url}"' in detail.content.decode()
    assert staff_client.get(scan_url)["Content-Type"] == "image/jpeg"


def test_dashboard_navigation_has_the_ocop_entry(staff_client):
    body = staff_client.get("/dashboard/").content.decode()
    assert reverse("ocop-dashboard:list") in body


# --- decisions -----------------------------------------------------------------------


def test_verify_shows_the_badge_everywhere(
    staff_client, staff, certificate, product, owner, indexed, django_capture_on_commit_callbacks
):
    assert stars_on_card(product) is None and not stars_in_search(product)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(staff_client, certificate, "verify")
    assert response.status_code == 302
    assert any("Đã xác minh" in m for m in texts(response))
    certificate.refresh_from_db()
    assert certificate.status == Status.VERIFIED
    assert certificate.decided_by == staff and certificate.decided_at is not None
    assert certificate.display_status == "valid"

    assert stars_on_card(product) == 4
    assert stars_in_search(product)
    page = staff_client.get(product.get_absolute_url()).content.decode()
    assert "OCOP 4 sao" in page
    facets = staff_client.get("/search/?stars=4")
    assert facets.status_code == 200 and product.get_absolute_url() in facets.content.decode()

    [event] = decisions(certificate)
    assert (event.action, event.actor, event.shop_id) == (
        "certificate.verified",
        staff,
        product.shop_id,
    )
    [email] = mail.outbox
    assert email.to == [owner.email]
    assert "đã được xác minh" in email.subject and product.title in email.body


def test_verifying_twice_is_refused(
    staff_client, certificate, django_capture_on_commit_callbacks, indexed
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(staff_client, certificate, "verify")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(staff_client, certificate, "verify")
    assert any("Chỉ xác minh được chứng nhận đang chờ xác minh" in m for m in texts(response))
    assert len(decisions(certificate)) == 1 and mail.outbox == []
    with pytest.raises(CertificateDecisionError):
        certificate_verify(certificate=certificate, actor=None)
    with pytest.raises(CertificateDecisionError):
        certificate_reject(certificate=certificate, actor=None, reason="x")


def test_an_inconsistent_certificate_is_refused_with_a_clear_message(staff_client, certificate):
    OcopCertificate.objects.filter(pk=certificate.pk).update(score=95)  # 4★ needs 70–89
    response = decide(staff_client, certificate, "verify")
    assert any("không đúng quy định OCOP" in m and "70 đến 89" in m for m in texts(response))
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING and not decisions(certificate)


def test_reject_needs_a_reason(
    staff_client, staff, certificate, product, owner, django_capture_on_commit_callbacks, indexed
):
    response = decide(staff_client, certificate, "reject", reason="   ")
    assert any("Vui lòng ghi lý do" in m for m in texts(response))
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING
    with pytest.raises(CertificateDecisionError):
        certificate_reject(certificate=certificate, actor=staff, reason="")

    with django_capture_on_commit_callbacks(execute=True):
        decide(staff_client, certificate, "reject", reason="Bản scan không đọc được")
    certificate.refresh_from_db()
    assert (certificate.status, certificate.decision_reason) == (
        Status.REJECTED,
        "Bản scan không đọc được",
    )
    assert certificate.display_status == "rejected"
    [event] = decisions(certificate)
    assert event.action == "certificate.rejected" and event.reason == "Bản scan không đọc được"
    [email] = mail.outbox
    assert email.to == [owner.email] and "Bản scan không đọc được" in email.body
    assert stars_on_card(product) is None and not stars_in_search(product)
    # a rejected certificate is neither verified nor revoked later
    with pytest.raises(CertificateDecisionError):
        certificate_verify(certificate=certificate, actor=staff)
    with pytest.raises(CertificateDecisionError):
        certificate_revoke(certificate=certificate, actor=staff, reason="x")


def test_revoke_removes_the_badge_at_once(
    staff_client, staff, certificate, product, owner, django_capture_on_commit_callbacks, indexed
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(staff_client, certificate, "verify")
    assert stars_in_search(product) and stars_on_card(product) == 4
    mail.outbox.clear()

    response = decide(staff_client, certificate, "revoke")
    assert any("Vui lòng ghi lý do" in m for m in texts(response))
    certificate.refresh_from_db()
    assert certificate.status == Status.VERIFIED

    with django_capture_on_commit_callbacks(execute=True):
        decide(staff_client, certificate, "revoke", reason="Cơ sở ngừng sản xuất")
    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED and certificate.display_status == "revoked"
    assert stars_on_card(product) is None
    assert not stars_in_search(product)
    assert product.get_absolute_url() not in staff_client.get("/search/?stars=4").content.decode()
    assert "OCOP 4 sao" not in staff_client.get(product.get_absolute_url()).content.decode()

    assert [e.action for e in decisions(certificate)] == [
        "certificate.verified",
        "certificate.revoked",
    ]
    assert decisions(certificate)[-1].reason == "Cơ sở ngừng sản xuất"
    [email] = mail.outbox
    assert "thu hồi" in email.subject and "Cơ sở ngừng sản xuất" in email.body
    # the history shows the labels
    detail = staff_client.get(
        reverse("ocop-dashboard:detail", kwargs={"certificate_pk": certificate.pk})
    )
    assert "Thu hồi chứng nhận OCOP" in detail.content.decode()
    # revoked is final: neither verified again nor revoked twice
    with pytest.raises(CertificateDecisionError):
        certificate_verify(certificate=certificate, actor=staff)
    with pytest.raises(CertificateDecisionError):
        certificate_revoke(certificate=certificate, actor=staff, reason="x")


def test_only_a_verified_certificate_can_be_revoked(staff_client, certificate):
    response = decide(staff_client, certificate, "revoke", reason="Sai")
    assert any("Chỉ thu hồi được chứng nhận đã xác minh" in m for m in texts(response))
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING


def test_decisions_are_post_only_and_need_csrf(staff_client, staff, certificate):
    url = reverse(
        "ocop-dashboard:decide", kwargs={"certificate_pk": certificate.pk, "action": "verify"}
    )
    assert staff_client.get(url).status_code == 405
    bogus = reverse(
        "ocop-dashboard:decide", kwargs={"certificate_pk": certificate.pk, "action": "delete"}
    )
    assert staff_client.post(bogus).status_code == 404
    missing = reverse(
        "ocop-dashboard:decide", kwargs={"certificate_pk": 999999, "action": "verify"}
    )
    assert staff_client.post(missing).status_code == 404

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    assert decide(strict, certificate, "verify").status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING


def test_sellers_never_get_in(client, certificate, owner):
    urls = [
        reverse("ocop-dashboard:list"),
        reverse("ocop-dashboard:list") + "?status=pending",
        reverse("ocop-dashboard:detail", kwargs={"certificate_pk": certificate.pk}),
        reverse("ocop-dashboard:scan", kwargs={"certificate_pk": certificate.pk}),
    ]
    for url in urls:  # anonymous: to the login page
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    for action in ("verify", "reject", "revoke"):
        assert decide(client, certificate, action, reason="x").status_code == 302
    client.force_login(owner)  # the shop's own owner: forbidden
    for url in urls:
        assert client.get(url).status_code == 403
    for action in ("verify", "reject", "revoke"):
        assert decide(client, certificate, action, reason="x").status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Status.PENDING
    assert not decisions(certificate)
    assert mail.outbox == []
