"""OCOP display: the badge with its validity and the certificate details appear only for a
verified certificate valid today (Asia/Ho_Chi_Minh), and vanish the day after expiry with
no job having run, on the product page, the storefront and the home page alike."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone
from freezegun import freeze_time

from catalogue.models import OcopCertificate
from shops.models import ShopMember
from tests.factories import (
    commune_code,
    make_certificate,
    make_home_page,
    make_product,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
BADGE = 'class="ocop"'


@pytest.fixture
def home_page():
    return make_home_page(slug="home-ocop", published=False)


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_product_page_shows_badge_validity_certificate_origin_and_qr(client):
    shop = make_shop("htx-mat-ong", cooperative=True, commune_code=commune_code())
    product = make_product(shop, traceability_url="https://truyxuat.example.vn/sp/42")
    cert = make_certificate(product, stars=4, score=78)

    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["ocop_certificate"] == cert
    # Badge with stars (accessible label) and its validity.
    assert BADGE in html and "OCOP 4 sao" in html and "★★★★" in html
    assert f"hiệu lực đến {dmy(cert.expires_on)}" in html
    # Certificate details.
    assert "Chứng nhận OCOP" in html
    assert cert.decision_number in html
    assert "78/100 điểm" in html
    assert "UBND tỉnh" in html
    assert dmy(cert.issued_on) in html
    # Origin: producing shop, commune, traceability link that passes no ranking or opener.
    assert f'href="{shop.get_absolute_url()}"' in html
    assert shop.commune_name in html
    link = re.search(r'<a href="https://truyxuat\.example\.vn/sp/42"[^>]*>', html).group(0)
    assert "nofollow" in link and "noopener" in link
    # The QR code (for printing on packaging): shown to the shop's people only, a lazy image
    # of the SVG and both downloads.
    base = product.get_absolute_url()
    assert f"{base}qr.svg" not in html
    owner = make_user("chu@htx-mat-ong.vn")
    ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    client.force_login(owner)
    html = client.get(base).content.decode()
    assert re.search(rf'<img src="{base}qr\.svg"[^>]*loading="lazy"', html)
    assert f'href="{base}qr.png" download' in html
    assert f'href="{base}qr.svg" download' in html


def test_best_certificate_is_shown(client):
    product = make_product(make_shop("htx-mat-ong", cooperative=True, commune_code=commune_code()))
    make_certificate(product, stars=3, decision_number="3-SAO")
    best = make_certificate(product, stars=5, decision_number="5-SAO")
    response = client.get(product.get_absolute_url())
    assert response.context["ocop_certificate"] == best
    html = response.content.decode()
    assert "OCOP 5 sao" in html and "Hội đồng OCOP Trung ương" in html
    assert "5-SAO" in html and "3-SAO" not in html


def test_no_traceability_link_when_unset(client):
    product = make_product(make_shop("htx-mat-ong", cooperative=True, commune_code=commune_code()))
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Truy xuất nguồn gốc" not in html
    assert "Nguồn gốc" in html  # the shop and commune still are


@pytest.mark.parametrize(
    "status",
    [
        OcopCertificate.Status.PENDING,
        OcopCertificate.Status.REJECTED,
        OcopCertificate.Status.REVOKED,
    ],
)
def test_no_ocop_for_unverified_certificates(client, status):
    shop = make_shop("htx-mat-ong", cooperative=True, commune_code=commune_code())
    product = make_product(shop)
    cert = make_certificate(product, status=status)

    response = client.get(product.get_absolute_url())
    html = response.content.decode()
    assert response.context["ocop_certificate"] is None
    assert BADGE not in html and "OCOP 4 sao" not in html
    assert cert.decision_number not in html and "Chứng nhận OCOP" not in html
    # The QR code does not depend on OCOP: every product can be printed (by its shop).
    owner = make_user("chu@htx-mat-ong.vn")
    ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    client.force_login(owner)
    assert "qr.svg" in client.get(product.get_absolute_url()).content.decode()
    client.logout()

    html = client.get(f"/shops/{shop.code}/").content.decode()
    assert product.title in html and BADGE not in html


def test_no_ocop_for_certificate_not_yet_issued(client):
    product = make_product(make_shop("htx-mat-ong", cooperative=True, commune_code=commune_code()))
    make_certificate(product, issued_on=timezone.localdate() + datetime.timedelta(days=3))
    html = client.get(product.get_absolute_url()).content.decode()
    assert BADGE not in html


def test_badge_disappears_the_day_after_expiry_everywhere(client, home_page):
    shop = make_shop("htx-mat-ong", cooperative=True, commune_code=commune_code())
    product = make_product(shop)
    cert = make_certificate(product, stars=4)
    last_day = cert.expires_on

    def pages() -> dict[str, str]:
        return {
            "product": client.get(product.get_absolute_url()).content.decode(),
            "storefront": client.get(f"/shops/{shop.code}/").content.decode(),
            "home": client.get("/").content.decode(),
        }

    # 23:30 in Cà Mau on the last valid day (16:30 UTC): still valid.
    with freeze_time(datetime.datetime.combine(last_day, datetime.time(23, 30), tzinfo=HCM)):
        for name, html in pages().items():
            assert "OCOP 4 sao" in html, name
            assert f"{dmy(last_day)}" in html, name
        assert cert.decision_number in pages()["product"]

    # 00:30 the next day in Cà Mau, still the last day in UTC: expired, no job has run.
    with freeze_time(
        datetime.datetime.combine(
            last_day + datetime.timedelta(days=1), datetime.time(0, 30), tzinfo=HCM
        )
    ):
        assert timezone.now().date() == last_day  # UTC has not turned yet
        result = pages()
        for name, html in result.items():
            assert BADGE not in html, name
            assert "OCOP 4 sao" not in html, name
        assert product.title in result["storefront"]
        assert cert.decision_number not in result["product"]
        assert "Chứng nhận OCOP" not in result["product"]

    cert.refresh_from_db()
    assert cert.status == OcopCertificate.Status.VERIFIED  # nothing was rewritten


def test_card_badge_shows_validity(client):
    shop = make_shop("htx-mat-ong", cooperative=True, commune_code=commune_code())
    product = make_product(shop)
    cert = make_certificate(product, stars=3)
    html = client.get(f"/shops/{shop.code}/").content.decode()
    assert "OCOP 3 sao" in html
    assert f"đến {dmy(cert.expires_on)}" in html
    assert f"Chứng nhận còn hiệu lực đến {dmy(cert.expires_on)}" in html  # screen readers
