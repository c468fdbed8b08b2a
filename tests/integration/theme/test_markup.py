"""Theme markup a person relies on: language, skip link, readable OCOP stars, search combobox
hooks, lazy WebP product photos with srcset, the product gallery, tap-target CSS."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from oscar.core.loading import get_model
from PIL import Image

from tests.factories import make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

ProductImage = get_model("catalogue", "ProductImage")


def jpeg(colour: str) -> ContentFile:
    out = io.BytesIO()
    Image.new("RGB", (800, 800), colour).save(out, "JPEG", quality=80)
    return ContentFile(out.getvalue(), name=f"{colour}.jpg")


@pytest.fixture
def photographed(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    product = make_product(make_shop("htx-anh", cooperative=True), "Mật ong 1", stars=4)
    for order, colour in enumerate(("red", "green", "blue")):
        image = ProductImage(product=product, display_order=order)
        image.original.save(f"{colour}.jpg", jpeg(colour), save=False)
        image.save()
    return product


def img_tags(html: str, css_class: str) -> list[str]:
    """The <img> tags inside the first element of class `css_class` (a div or a ul)."""
    block = re.split(r"</div>|</ul>", html.split(f'class="{css_class}"', 1)[1], maxsplit=1)[0]
    return re.findall(r"<img [^>]+>", block)


def test_shell_language_skip_link_and_suggest_hooks(client):
    html = client.get("/search/?q=mat").content.decode()
    assert re.search(r'<html lang="vi"', html)
    assert '<a class="skip-link" href="#main">' in html and 'id="main"' in html
    assert 'data-suggest-url="/api/v1/search/suggest"' in html
    assert 'id="suggest-status"' in html and 'role="status"' in html
    assert re.search(r'<script src="/static/js/enhance\.js" defer>', html)
    # Works without JS: the search box is a plain GET form to /search/.
    assert re.search(
        r'<form class="search-form" action="/search/" method="get" role="search"', html
    )


def test_ocop_stars_are_read_as_words(client):
    product = make_product(make_shop("htx-sao", cooperative=True), "Mật ong 2", stars=4)
    html = client.get(product.get_absolute_url()).content.decode()
    assert '<span class="sr-only">Chứng nhận OCOP 4 sao</span>' in html
    assert '<span aria-hidden="true">OCOP <span class="ocop-stars">★★★★</span></span>' in html


def test_product_page_photos_are_webp_with_srcset_and_a_gallery(client, photographed):
    html = client.get(photographed.get_absolute_url()).content.decode()
    track = re.split(r'<ul class="product-thumbs', html.split('class="product-photo gallery-track"', 1)[1])[0]
    slides = re.findall(r"<img [^>]+>", track)
    main = slides[0]
    assert 'id="product-photo"' in main and 'fetchpriority="high"' in main  # LCP: not lazy
    assert re.search(r'srcset="[^"]+\.webp 400w, [^"]+\.webp 800w"', main), main
    assert 'width="800" height="800"' in main
    # Every photo is in the swipeable strip; all but the first load lazily.
    assert len(slides) == 3
    for slide in slides[1:]:
        assert 'loading="lazy"' in slide and re.search(r'srcset="[^"]+\.webp 400w', slide)
    # Dots / thumbnails are links to each photo of the strip (work without JavaScript).
    links = re.findall(r'<a href="#photo-(\d)" aria-label="Ảnh \d/3"[^>]*>', html)
    assert links == ["1", "2", "3"] and 'aria-current="true"' in html.split('href="#photo-1"')[1][:60]
    for index in (1, 2, 3):
        assert f'id="photo-{index}"' in track
    for thumb in img_tags(html, "product-thumbs gallery-nav"):
        assert 'loading="lazy"' in thumb and ".webp" in thumb and 'alt=""' in thumb
    # The thumbnails really exist and are WebP.
    name = re.search(r'src="/media/([^"]+\.webp)"', main).group(1)
    with Image.open(Path(settings.MEDIA_ROOT) / name) as img:
        assert img.format == "WEBP" and img.size == (800, 800)


def test_product_cards_are_lazy_webp_with_srcset(client, photographed):
    html = client.get(f"/shops/{photographed.shop.code}/").content.decode()
    card = img_tags(html, "product-card-media")[0]
    assert 'loading="lazy"' in card and 'width="400" height="400"' in card
    assert re.search(r'srcset="[^"]+\.webp 200w, [^"]+\.webp 400w"', card), card
    assert "sizes=" in card


def test_nav_and_form_controls_have_44px_tap_targets():
    css = (settings.THEMES_DIR / "base" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    heights = re.findall(r"min-height:\s*(\d+)px", css.split("/* ==== Content pages")[0])
    assert heights and min(int(h) for h in heights) >= 44, heights
    assert ":focus-visible{outline:3px solid var(--focus)" in css


@pytest.mark.django_db
def test_staff_dashboard_loads_nothing_from_another_site(client):
    staff = make_user("canbo@example.vn", username="canbo", password="x-pass-123", is_staff=True)
    client.force_login(staff)
    html = client.get("/dashboard/", follow=True).content.decode()
    assert "oscar/js/jquery/jquery.min.js" in html
    assert "googleapis" not in html and "cdn." not in html


@pytest.mark.django_db
def test_staff_dashboard_shows_the_marketplace_and_plain_vietnamese(client, settings):
    staff = make_user(
        "canbo2@example.vn", username="canbo2", password="x-pass-123", is_staff=True
    )
    client.force_login(staff)
    html = client.get("/dashboard/", follow=True).content.decode()
    assert f'class="navbar-brand" href="/dashboard/">{settings.OSCAR_SHOP_NAME}' in html
    assert "Cam kết thực hiện" not in html and "Đơn hàng" in html
