"""The legal representative's birth date and ID number never leave the people who need them
(the owner, programme staff): not on the storefront, the directory, the public API or the open
data; and only programme staff can verify a representative."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shops.models import LegalRepresentative, ShopMember
from tests.factories import make_representative, make_shop, make_user

pytestmark = pytest.mark.django_db

SECRET_ID = "096080777913"   # a man born in 1980 (make_representative's birth date)
BIRTH = ("17/05/1980", "1980-05-17", "17-05-1980", "17.05.1980")


@pytest.fixture
def shop():
    owner = make_user("chu@example.vn")
    shop = make_shop("htx-bi-mat", cooperative=True, owner=owner)
    make_representative(shop, verified=False, id_number=SECRET_ID)
    return shop


def test_public_pages_and_the_api_never_show_the_id_number_or_birth_date(client, shop):
    pages = [
        shop.get_absolute_url(),
        reverse("shops:list"),
        "/api/v1/shops",
        f"/api/v1/shops/{shop.code}",
        "/api/v1/opendata/ocop-products.json",
        "/api/v1/opendata/ocop-products.csv",
        "/api/v1/openapi.json",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert SECRET_ID not in body, path
        assert SECRET_ID[-6:] not in body, path
        for written in BIRTH:
            assert written not in body, (path, written)
    # The storefront still discloses what the law asks of a shop page.
    storefront = client.get(shop.get_absolute_url()).content.decode()
    assert shop.legal_name in storefront and shop.registration_number in storefront


@pytest.mark.parametrize("who", ["owner", "helper", "buyer"])
def test_only_programme_staff_verify_a_representative(client, shop, who):
    users = {
        "owner": ShopMember.objects.get(shop=shop, role="owner").user,
        "buyer": make_user("mua@example.vn"),
    }
    if who == "helper":
        users["helper"] = make_user("hotro@example.vn")
        ShopMember.objects.create(shop=shop, user=users["helper"], role=ShopMember.Role.HELPER)
    url = reverse("shops-dashboard:representative-verify", kwargs={"shop_code": shop.code})
    response = client.post(url, {"revision": "1"})
    assert response.status_code == 302 and "login" in response["Location"]   # anonymous
    client.force_login(users[who])
    assert client.post(url, {"revision": "1"}).status_code == 403
    assert client.get(reverse("shops-dashboard:detail", kwargs={"shop_code": shop.code})).status_code == 403
    assert not LegalRepresentative.objects.get(shop=shop).is_verified
