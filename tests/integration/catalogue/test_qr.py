"""The product QR code: decodes to the product page on the configured site address (never the
request's Host), downloads as PNG and SVG, and does not exist for hidden products."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from catalogue import qr
from catalogue.models import Product
from shops.models import Partner
from tests.factories import commune_code, make_certificate, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

SITE = "https://cho-ocop.example.vn"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "evil.example", "cho-ocop.example.vn"]
    return settings


@pytest.fixture
def product():
    product = make_product(make_shop("htx-mat-ong", cooperative=True, commune_code=commune_code()))
    make_certificate(product, stars=4)
    return product


def qr_url(product: Product, fmt: str) -> str:
    return f"{product.get_absolute_url()}qr.{fmt}"


def decode_png(data: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def rasterise_segno_svg(data: bytes) -> Image.Image:
    """Draw segno's SVG (one stroked path of 1-module horizontal runs) onto a bitmap.

    No SVG renderer is installed; segno's path grammar is small enough to draw by hand,
    which still proves that what the SVG file says is a readable code.
    """
    root = ET.fromstring(data)
    size = int(root.get("width")), int(root.get("height"))
    group = root.find(f"{SVG_NS}g")
    scale = float(re.fullmatch(r"scale\(([\d.]+)\)", group.get("transform")).group(1))
    path = next(p for p in group.iter(f"{SVG_NS}path") if p.get("stroke"))
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([^MmHh]+)", path.get("d")):
        numbers = [float(n) for n in args.replace(",", " ").split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            end = numbers[0] if command == "H" else x + numbers[0]
            draw.rectangle(
                [x * scale, (y - 0.5) * scale, end * scale - 1, (y + 0.5) * scale - 1], fill=0
            )
            x = end
    return image


def test_png_decodes_to_the_absolute_product_url(client, product):
    response = client.get(qr_url(product, "png"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="ocop-{product.slug}.png"'
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    assert response["ETag"]
    assert decode_png(response.content) == f"{SITE}{product.get_absolute_url()}"


def test_png_is_print_friendly(product):
    image = Image.open(io.BytesIO(qr.product_qr_png(product)))
    assert image.width == image.height >= 400
    # A quiet zone: the outer 4 modules (16 px each) are light all round.
    border = qr.QUIET_ZONE * qr.PNG_SCALE
    grey = image.convert("L")
    for box in [
        (0, 0, image.width, border),
        (0, 0, border, image.height),
        (image.width - border, 0, image.width, image.height),
        (0, image.height - border, image.width, image.height),
    ]:
        assert grey.crop(box).getextrema() == (255, 255)


def test_svg_is_well_formed_and_decodes_to_the_product_url(client, product):
    response = client.get(qr_url(product, "svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == f'attachment; filename="ocop-{product.slug}.svg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG_NS}svg"
    assert (
        decode_png(_png(rasterise_segno_svg(response.content)))
        == f"{SITE}{product.get_absolute_url()}"
    )


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_HOST": "evil.example"},
        {"HTTP_X_FORWARDED_HOST": "evil.example"},
        {"HTTP_HOST": "evil.example", "HTTP_X_FORWARDED_PROTO": "http"},
    ],
)
def test_forged_host_does_not_change_the_encoded_url(client, product, settings, headers):
    settings.USE_X_FORWARDED_HOST = True  # even behind a proxy that trusts forwarded hosts
    response = client.get(qr_url(product, "png"), **headers)
    assert response.status_code == 200
    text = decode_png(response.content)
    assert text == f"{SITE}{product.get_absolute_url()}"
    assert "evil" not in text


def test_base_falls_back_to_wagtail_base_url(client, product, settings):
    del settings.SITE_URL
    settings.WAGTAILADMIN_BASE_URL = "https://camau.example.vn/"
    response = client.get(qr_url(product, "png"))
    assert decode_png(response.content) == f"https://camau.example.vn{product.get_absolute_url()}"


def test_conditional_get_answers_304(client, product):
    first = client.get(qr_url(product, "svg"))
    again = client.get(qr_url(product, "svg"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_wrong_slug_redirects_to_the_canonical_qr(client, product):
    response = client.get(f"/catalogue/other-slug_{product.pk}/qr.png")
    assert response.status_code == 301
    assert response["Location"] == qr_url(product, "png")


def test_qr_works_without_certificate(client):
    product = make_product(
        make_shop("htx-khong-ocop", cooperative=True, commune_code=commune_code()), "Mật ong U Minh 2"
    )
    response = client.get(qr_url(product, "png"))
    assert response.status_code == 200
    assert decode_png(response.content) == f"{SITE}{product.get_absolute_url()}"


def _hide_by_shop(product):
    Partner.objects.filter(pk=product.shop_id).update(status=Partner.Status.SUSPENDED)


def _hide_by_moderation(product):
    Product.objects.filter(pk=product.pk).update(moderation_status=Product.Moderation.PENDING)


def _hide_unpublished(product):
    Product.objects.filter(pk=product.pk).update(is_public=False)


@pytest.mark.parametrize("hide", [_hide_by_shop, _hide_by_moderation, _hide_unpublished])
def test_hidden_product_qr_is_404(client, product, hide):
    hide(product)
    for fmt in ("png", "svg"):
        assert client.get(qr_url(product, fmt)).status_code == 404
    assert client.get(product.get_absolute_url()).status_code == 404  # same rule as the page


def test_unknown_product_qr_is_404(client):
    assert client.get("/catalogue/khong-co_999999/qr.png").status_code == 404
    assert client.get("/catalogue/khong-co_1/qr.gif").status_code == 404


def test_staff_preview_of_hidden_product_is_not_publicly_cached(client, product):
    _hide_by_moderation(product)
    staff = make_user("staff@example.vn", username="staff", is_staff=True)
    client.force_login(staff)
    response = client.get(qr_url(product, "png"))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
