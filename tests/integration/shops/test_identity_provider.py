"""The identity-provider seam (shops/identity/providers.py): none connected by default (the
page says so and the verify URLs are 404); a provider named by SELLER_IDENTITY_PROVIDER is
started and completed, and verifies only the person declared. The provider here is an
explicit fake: no VNeID is reachable from tests (or connected at all yet)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from shops.identity.providers import IdentityProvider, Started, Verified, identity_provider
from shops.models import LegalRepresentative
from tests.factories import make_representative, make_shop, make_user

pytestmark = pytest.mark.django_db

ANSWER = {"full_name": "NGUYỄN VĂN MƯỜI", "birth_date": datetime.date(1980, 5, 17), "personal_id": "096080123456"}


class FakeProvider(IdentityProvider):
    label = "VNeID (thử nghiệm)"

    def start(self, *, representative, callback_url):
        return Started(redirect_url=f"https://vneid.example/authorize?cb={callback_url}", transaction_id="tx-1")

    def complete(self, *, representative, params):
        return Verified(transaction_id=params.get("tx", ""), **ANSWER)


@pytest.fixture
def owner(client):
    user = make_user("chu@example.vn")
    client.force_login(user)
    return user


@pytest.fixture
def shop(owner):
    shop = make_shop("co-so-muoi", owner=owner)
    make_representative(shop, verified=False)
    return shop


def url(name, shop):
    return reverse(f"seller:{name}", kwargs={"shop_code": shop.code})


def test_without_a_provider_the_page_says_staff_will_check_documents(client, shop):
    assert identity_provider() is None
    page = client.get(url("representative", shop)).content.decode()
    assert "Xác thực qua VNeID chưa được kết nối; cán bộ chương trình sẽ đối chiếu giấy tờ" in page
    assert client.post(url("representative-verify", shop)).status_code == 404
    assert client.get(url("representative-verify-done", shop)).status_code == 404


def test_a_misnamed_provider_is_a_configuration_error(settings):
    settings.SELLER_IDENTITY_PROVIDER = "shops.identity.providers.Nothing"
    with pytest.raises(ImproperlyConfigured):
        identity_provider()
    settings.SELLER_IDENTITY_PROVIDER = "shops.identity.providers.Started"
    with pytest.raises(ImproperlyConfigured):
        identity_provider()


def test_a_connected_provider_verifies_the_declared_person(client, shop, settings):
    settings.SELLER_IDENTITY_PROVIDER = f"{__name__}.FakeProvider"
    page = client.get(url("representative", shop)).content.decode()
    assert "Xác thực qua VNeID (thử nghiệm)" in page
    response = client.post(url("representative-verify", shop))
    assert response.status_code == 302 and response["Location"].startswith("https://vneid.example/")
    # A callback of another transaction (replayed, forged) verifies nothing.
    client.get(url("representative-verify-done", shop) + "?tx=tx-other")
    assert not LegalRepresentative.objects.get(shop=shop).is_verified
    client.post(url("representative-verify", shop))
    client.get(url("representative-verify-done", shop) + "?tx=tx-1")
    representative = LegalRepresentative.objects.get(shop=shop)
    assert representative.verification_method == LegalRepresentative.Method.VNEID
    assert representative.provider_reference == "tx-1"
    assert representative.verified_by is None and representative.verified_at is not None


def test_a_provider_naming_someone_else_verifies_nothing(client, shop, settings):
    settings.SELLER_IDENTITY_PROVIDER = f"{__name__}.FakeProvider"
    ANSWER_BEFORE = dict(ANSWER)
    ANSWER["personal_id"] = "096080999999"
    try:
        client.post(url("representative-verify", shop))
        response = client.get(url("representative-verify-done", shop) + "?tx=tx-1", follow=True)
    finally:
        ANSWER.update(ANSWER_BEFORE)
    assert "không khớp" in response.content.decode()
    assert not LegalRepresentative.objects.get(shop=shop).is_verified
