"""Personal-data pages (marketplace/privacy/): another person's request is a 404, the data
download, correction requests, consent changes and the delete form's password tries are
rate-limited per person with a clear message, the staff log is for programme
staff only, and the actions are POST only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from marketplace.privacy import services
from marketplace.privacy.models import ConsentEvent, PrivacyRequest
from tests.factories import PASSWORD, login, make_staff, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_buyers():
    an, binh = make_user("an@example.vn"), make_user("binh@example.vn")
    return an, binh, services.correction_request_submit(user=binh, details="Sai số điện thoại.")


def test_another_persons_request_is_a_404(client, two_buyers):
    an, binh, request = two_buyers
    login(client, an)
    assert client.get(f"/accounts/privacy/requests/{request.pk}/").status_code == 404
    assert client.get("/accounts/privacy/requests/999999/").status_code == 404
    login(client, binh)
    page = client.get(f"/accounts/privacy/requests/{request.pk}/")
    assert page.status_code == 200 and "Sai số điện thoại." in page.content.decode()


def test_the_download_is_rate_limited_per_person(client, settings):
    settings.PRIVACY_EXPORT_RATE_LIMIT = "2/hour"
    an = make_user("an@example.vn")
    login(client, an)
    for _ in range(2):
        assert client.post("/accounts/privacy/export/").status_code == 200
    refused = client.post("/accounts/privacy/export/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "Bạn vừa tải dữ liệu nhiều lần" in html and "application/json" not in refused["Content-Type"]
    assert PrivacyRequest.objects.filter(user=an, kind="export").count() == 2
    # Another person is not held back by An's downloads.
    login(client, make_user("binh@example.vn"))
    assert client.post("/accounts/privacy/export/").status_code == 200


@pytest.mark.parametrize("url", ["/dashboard/privacy/", "/dashboard/privacy/{pk}/"])
def test_the_staff_log_needs_programme_staff(client, two_buyers, url):
    an, _, request = two_buyers
    url = url.format(pk=request.pk)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    login(client, an)
    assert client.get(url).status_code == 403
    login(client, make_staff())
    assert client.get(url).status_code == 200


def test_a_buyer_cannot_decide_a_request(client, two_buyers):
    an, _, request = two_buyers
    login(client, an)
    response = client.post(f"/dashboard/privacy/{request.pk}/done/", {"reason": "Tự duyệt."})
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.state == "received"


@pytest.mark.parametrize("path", ["export/", "delete/", "consent/", "correction/"])
def test_the_actions_are_post_only_and_need_sign_in(client, path):
    response = client.post(f"/accounts/privacy/{path}")
    assert response.status_code == 302 and "login" in response["Location"]
    login(client, make_user("an@example.vn"))
    assert client.get(f"/accounts/privacy/{path}").status_code == 405


def test_correction_requests_are_limited_per_person(client, settings):
    # Review finding 5: each request lands in staff's queue with a deadline.
    settings.PRIVACY_CORRECTION_RATE_LIMIT = "2/day"
    an = make_user("an@example.vn")
    login(client, an)
    for _ in range(2):
        assert client.post("/accounts/privacy/correction/", {"details": "Sai tên."}).status_code == 302
    refused = client.post("/accounts/privacy/correction/", {"details": "Sai tên."})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Bạn đã gửi nhiều yêu cầu sửa dữ liệu" in refused.content.decode()
    assert PrivacyRequest.objects.filter(user=an, kind="correction").count() == 2


def test_consent_changes_are_limited_per_person(client, settings):
    settings.PRIVACY_CONSENT_RATE_LIMIT = "3/hour"
    an = make_user("an@example.vn")
    login(client, an)
    for ticked in (True, False, True):
        assert client.post("/accounts/privacy/consent/", {"marketing_email": "on"} if ticked else {}).status_code == 302
    refused = client.post("/accounts/privacy/consent/", {})
    assert refused.status_code == 429 and "Bạn vừa thay đổi lựa chọn nhiều lần" in refused.content.decode()
    assert ConsentEvent.objects.filter(user=an).count() == 3
    login(client, make_user("binh@example.vn"))  # another person is not held back
    assert client.post("/accounts/privacy/consent/", {"marketing_email": "on"}).status_code == 302


def test_the_delete_forms_password_cannot_be_guessed_without_limit(client, settings):
    settings.PRIVACY_DELETE_PASSWORD_RATE_LIMIT = "3/hour"
    an = make_user("an@example.vn")
    login(client, an)
    for guess in ("123456", "matkhau", "an2026"):
        assert client.post("/accounts/privacy/delete/", {"password": guess}).status_code == 400
    # Over the limit even the right password is not checked: the form says when to try again.
    refused = client.post("/accounts/privacy/delete/", {"password": PASSWORD})
    html = refused.content.decode()
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Bạn đã thử mật khẩu quá nhiều lần" in html and 'name="password"' in html
    assert User.objects.filter(pk=an.pk).exists()
