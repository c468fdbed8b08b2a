"""/accounts/privacy/ and /dashboard/privacy/ through the real views; the checkout's review
step and the privacy policy page show the notice in force."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from marketplace.cms.models import InfoPage
from marketplace.core.models import AuditEvent
from marketplace.privacy import services
from marketplace.privacy.models import ConsentEvent, PrivacyNotice, PrivacyRequest
from tests.factories import (
    PASSWORD,
    login,
    make_home_page,
    make_option,
    make_product,
    make_shop,
    make_staff,
    make_user,
    person_with_data,
    raw,
)

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def policy_page():
    home = make_home_page()
    page = InfoPage(title="Chính sách bảo vệ dữ liệu cá nhân", slug="chinh-sach-bao-ve-du-lieu-ca-nhan",
                    body=raw([]))
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_the_page_is_in_the_account_area_and_nothing_is_ticked(client):
    buyer = make_user("an@example.vn")
    assert "login" in client.get("/accounts/privacy/")["Location"]
    login(client, buyer)
    html = client.get("/accounts/privacy/").content.decode()
    assert 'href="/accounts/privacy/"' in html  # the account nav link
    assert 'name="marketing_email" id="id_marketing_email">' in html  # not checked
    assert "Tải dữ liệu (JSON)" in html and "Xóa vĩnh viễn tài khoản" in html
    assert 'href="/accounts/privacy/"' in client.get("/accounts/orders/").content.decode()


def test_consent_is_given_and_withdrawn_from_the_page(client):
    buyer = make_user("an@example.vn")
    login(client, buyer)
    client.post("/accounts/privacy/consent/", {"marketing_email": "on"})
    html = client.get("/accounts/privacy/").content.decode()
    assert 'id="id_marketing_email" checked' in html
    client.post("/accounts/privacy/consent/", {})
    assert list(ConsentEvent.objects.filter(user=buyer, purpose="marketing_email")
                .order_by("created_at", "pk").values_list("action", flat=True)) == ["given", "withdrawn"]


def test_the_download_is_a_json_file_of_the_person(client):
    buyer = make_user("an@example.vn")
    login(client, buyer)
    response = client.post("/accounts/privacy/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    assert json.loads(response.content)["profile"]["email"] == "an@example.vn"
    logged = PrivacyRequest.objects.get(user=buyer)
    assert (logged.kind, logged.state) == ("export", "done")


def test_a_correction_request_goes_to_staff_with_a_deadline(client):
    buyer = make_user("an@example.vn")
    login(client, buyer)
    empty = client.post("/accounts/privacy/correction/", {"details": "  "})
    assert empty.status_code == 400 and "Vui lòng cho biết" in empty.content.decode()
    response = client.post("/accounts/privacy/correction/", {"details": "Tên trên đơn 100001 bị sai."})
    assert response.status_code == 302
    request = PrivacyRequest.objects.get(user=buyer, kind="correction")
    assert request.state == "received" and request.due_at > request.received_at


def test_deleting_asks_the_password_then_signs_out(client):
    buyer = make_user("an@example.vn")
    login(client, buyer)
    wrong = client.post("/accounts/privacy/delete/", {"password": "sai-mat-khau"})
    assert wrong.status_code == 400 and "Mật khẩu không đúng." in wrong.content.decode()
    assert User.objects.filter(pk=buyer.pk).exists()
    done = client.post("/accounts/privacy/delete/", {"password": PASSWORD})
    assert done.status_code == 302
    assert not User.objects.filter(pk=buyer.pk).exists()
    assert "login" in client.get("/accounts/privacy/")["Location"]


def test_an_account_without_password_types_the_phrase(client):
    buyer = make_user("khong-mat-khau@example.vn", password=None)
    login(client, buyer)
    assert client.post("/accounts/privacy/delete/", {"confirm": "xóa"}).status_code == 400
    assert client.post("/accounts/privacy/delete/", {"confirm": "xóa tài khoản"}).status_code == 302
    assert not User.objects.filter(pk=buyer.pk).exists()


def test_the_last_owner_is_told_on_the_page(client):
    world = person_with_data("an@example.vn", shop_code="htx-an", name="An", phone="+84911111111")
    login(client, world["owner"])
    page = client.get("/accounts/privacy/").content.decode()
    assert world["shop"].name in page
    response = client.post("/accounts/privacy/delete/", {"password": PASSWORD})
    assert response.status_code == 409 and "chủ duy nhất" in response.content.decode()
    assert User.objects.filter(pk=world["owner"].pk).exists()


def test_staff_see_the_deadline_flag_overdue_and_decide_once(client):
    buyer = make_user("an@example.vn")
    late = services.correction_request_submit(user=buyer, details="Sai địa chỉ.")
    PrivacyRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    services.correction_request_submit(user=buyer, details="Sai tên.")
    staff = make_staff()
    login(client, staff)
    html = client.get("/dashboard/privacy/").content.decode()
    assert html.count("Quá hạn") == 1 and "an@example.vn" in html
    no_reason = client.post(f"/dashboard/privacy/{late.pk}/done/", {"reason": ""})
    assert no_reason.status_code == 302
    late.refresh_from_db()
    assert late.state == "received"
    client.post(f"/dashboard/privacy/{late.pk}/start/")
    client.post(f"/dashboard/privacy/{late.pk}/done/", {"reason": "Đã sửa địa chỉ trên đơn."})
    late.refresh_from_db()
    assert (late.state, late.handled_by, late.note) == ("done", staff, "Đã sửa địa chỉ trên đơn.")
    again = client.post(f"/dashboard/privacy/{late.pk}/refuse/", {"reason": "Nhầm."}, follow=True)
    assert "đã được xử lý" in again.content.decode()
    late.refresh_from_db()
    assert late.state == "done"
    assert list(AuditEvent.objects.filter(object_id=str(late.pk), object_type="privacy.privacyrequest")
                .order_by("pk").values_list("action", flat=True)) == [
        "privacy.request_received", "privacy.request_in_progress", "privacy.request_done"]


def test_the_policy_page_shows_the_version_in_force_and_the_next(client, policy_page):
    PrivacyNotice.objects.create(version="v2", effective_on=timezone.localdate() + datetime.timedelta(days=30),
                                 summary="Thêm đơn vị vận chuyển.")
    html = client.get(policy_page.url).content.decode()
    assert "Phiên bản v1, có hiệu lực từ ngày 01/01/2026." in html
    assert "Bản v2 sẽ có hiệu lực" in html and "Thêm đơn vị vận chuyển." in html


def test_the_review_step_says_placing_shares_the_address_with_a_policy_link(client, policy_page):
    from tests.integration.checkout.test_journey import add_to_basket, checkout

    shop = make_shop("htx-xem-lai")
    option = make_option(shop, fee=30_000)
    add_to_basket(client, make_product(shop, "Mật ong", price=100_000, stock=5))
    review, _ = checkout(client, choices={f"shop_{shop.pk}": str(option.pk)})
    html = review.content.decode()
    assert "Khi bấm “Đặt hàng”, bạn đồng ý để cửa hàng bán đơn này nhận tên" in html
    assert f'href="{policy_page.url}"' in html and "bản v1" in html
