"""/seller/<shop>/representative/ (shops/seller/identity/): the owner declares the legal
representative, every page shows the banner until it is verified, another shop's page is
404, members who are not the owner see neither the number nor the birth date."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from marketplace.core.models import AuditEvent
from shops.models import LegalRepresentative, ShopMember
from tests.factories import make_representative, make_shop, make_user

pytestmark = pytest.mark.django_db

FORM = {
    "representative_full_name": "Trần Thị Bảy",
    "representative_birth_date": "1975-07-20",
    "representative_id_kind": "personal_id",
    "representative_id_number": "096175000777",   # Cà Mau, a woman born in 1975
}


def url(shop, name="representative"):
    return reverse(f"seller:{name}", kwargs={"shop_code": shop.code})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def owner(client):
    user = make_user("chu@example.vn")
    client.force_login(user)
    return user


@pytest.fixture
def shop(owner):
    return make_shop("co-so-bay", owner=owner)


def test_the_owner_declares_the_representative_and_the_banner_leads_there(client, shop, owner):
    overview = client.get(url(shop, "overview")).content.decode()
    assert "Cửa hàng chưa khai người đại diện theo pháp luật." in overview
    assert url(shop) in overview                         # the banner's link and the nav entry
    page = client.get(url(shop))
    assert page.status_code == 200
    response = client.post(url(shop), FORM)
    assert response.status_code == 302
    representative = LegalRepresentative.objects.get(shop=shop)
    assert (representative.full_name, representative.id_number) == ("Trần Thị Bảy", "096175000777")
    assert not representative.is_verified
    assert AuditEvent.objects.filter(shop=shop, action="shop.representative_added", actor=owner).exists()
    banner = client.get(url(shop, "orders")).content.decode()
    assert "Người đại diện của cửa hàng chưa được xác thực." in banner

    LegalRepresentative.objects.filter(shop=shop).update(verification_method="staff_documents", verified_at="2026-12-01T00:00Z")
    assert 'class="identity-banner' not in client.get(url(shop, "orders")).content.decode()


def test_bad_values_rerender_with_the_reasons(client, shop):
    response = client.post(url(shop), {**FORM, "representative_id_number": "096176000777"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "hai số cuối của năm sinh (75)" in body
    assert 'value="Trần Thị Bảy"' in body                 # what was typed stays
    response = client.post(url(shop), {**FORM, "representative_id_kind": "tax_code", "representative_id_number": "0100109107"})
    assert "chữ số kiểm tra" in response.content.decode()
    assert client.post(url(shop), {"representative_birth_date": "31/02/1975"}).status_code == 400
    assert not LegalRepresentative.objects.exists()


def test_editing_after_verification_says_it_must_be_verified_again(client, shop):
    make_representative(shop, full_name="Trần Thị Bảy", birth_date="1975-07-20", id_number="096175000777")
    response = client.post(url(shop), {**FORM, "representative_full_name": "Trần Thị Bảy Em"})
    assert any("cần được xác thực lại" in text for text in texts(response))
    assert not LegalRepresentative.objects.get(shop=shop).is_verified
    response = client.post(url(shop), {**FORM, "representative_full_name": "Trần Thị Bảy Em"})
    assert any("Không có thay đổi" in text for text in texts(response))


def test_another_shops_page_is_404(client, shop):
    other = make_shop("co-so-khac", owner=make_user("khac@example.vn"))
    make_representative(other)
    assert client.get(url(other)).status_code == 404
    assert client.post(url(other), FORM).status_code == 404
    assert client.post(url(other, "representative-verify")).status_code == 404
    assert LegalRepresentative.objects.get(shop=other).full_name != "Trần Thị Bảy"


def test_a_helper_sees_the_status_but_not_the_number_or_birth_date(client, shop):
    make_representative(shop)
    helper = make_user("ho.tro@example.vn")
    ShopMember.objects.create(shop=shop, user=helper, role=ShopMember.Role.HELPER)
    client.force_login(helper)
    body = client.get(url(shop)).content.decode()
    assert "Nguyễn Văn Mười" in body and "•••••••••456" in body
    assert "096080123456" not in body and "17/05/1980" not in body and "1980-05-17" not in body
    assert client.post(url(shop), FORM).status_code == 404


def test_anonymous_visitors_go_to_sign_in(client, shop):
    client.logout()
    response = client.get(url(shop))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
