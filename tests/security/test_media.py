"""Media: pictures only, never sniffed; private documents never at /media/.

`serve_public_media` is what `make run` (DEBUG) mounts at /media/; production's web server
applies the same rules (docs/decisions/0011-content-security-policy.md). The private
documents are served by views behind permission checks instead (tests/security/test_idor.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory

from marketplace.core.media import media_urlpatterns, public_media_type, serve_public_media
from tests.factories import PDF_BYTES, png_bytes


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    files = {
        "images/products/2026/01/a.jpg": png_bytes(),
        "cache/ab/cd/thumb.webp": png_bytes(),
        "shops/logos/2026/logo.png": png_bytes(),
        "shops/applications/2026/giay-to.pdf": PDF_BYTES,
        "shops/applications/2026/giay-to.jpg": png_bytes(),
        "ocop/certificates/2026/scan.jpg": png_bytes(),
        "documents/brochure.pdf": PDF_BYTES,
        "images/evil.html": b"<script>alert(1)</script>",
        "images/evil.svg": b"<svg onload=alert(1)></svg>",
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    return tmp_path


def get(path):
    return serve_public_media(RequestFactory().get(f"/media/{path}"), path)


@pytest.mark.parametrize(
    "path", ["images/products/2026/01/a.jpg", "cache/ab/cd/thumb.webp", "shops/logos/2026/logo.png"]
)
def test_pictures_are_served_with_their_type_and_nosniff(media, path):
    response = get(path)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"].startswith("image/")


@pytest.mark.parametrize(
    "path",
    [
        "shops/applications/2026/giay-to.pdf",
        "shops/applications/2026/giay-to.jpg",  # a picture, but a private one
        "ocop/certificates/2026/scan.jpg",
        "documents/brochure.pdf",  # Wagtail documents go through /documents/
        "images/evil.html",
        "images/evil.svg",
        "images/../shops/applications/2026/giay-to.jpg",
        "images/products/2026/01/missing.jpg",
    ],
)
def test_everything_else_is_not_found(media, path):
    with pytest.raises(Http404):
        get(path)


def test_the_type_comes_from_an_allow_list():
    assert public_media_type("a/b.JPEG") == "image/jpeg"
    assert public_media_type("a/b.jpg.html") is None
    assert public_media_type("/ocop/certificates/x.png") is None


def test_media_is_mounted_only_in_development(settings):
    settings.DEBUG = False
    assert media_urlpatterns() == []
    settings.DEBUG = True
    assert [p.callback for p in media_urlpatterns()] == [serve_public_media]
    settings.MEDIA_URL = "https://media.example.vn/"
    assert media_urlpatterns() == []


@pytest.mark.django_db
def test_a_seller_reads_the_shops_certificate_scan_privately(world, settings):
    from django.core.files.base import ContentFile
    from django.test import Client

    world.a.certificate.scan.save("scan.jpg", ContentFile(png_bytes()), save=True)
    client = Client()
    client.force_login(world.a.owner)
    response = client.get(
        f"/seller/{world.a.shop.code}/certificates/{world.a.certificate.pk}/scan/"
    )
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    page = client.get(f"/seller/{world.a.shop.code}/certificates/{world.a.certificate.pk}/")
    html = page.content.decode()
    assert world.a.certificate.scan.url not in html  # no public link to the scan
    assert f"/certificates/{world.a.certificate.pk}/scan/" in html
