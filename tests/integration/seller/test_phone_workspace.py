"""The seller workspace on a phone (issue 21): every section reachable from the menu, the
photo picker (gallery + camera, previews), photo delete behind a confirmation, destructive
buttons apart from primary ones, and addresses shown as names, never commune codes."""

from __future__ import annotations

import re

import pytest

from catalogue.models import ProductImage
from marketplace.core.addresses import address_parts, commune_name, communes
from tests.factories import make_product, png_upload

from .test_products import build_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)


def test_every_section_is_a_link_in_the_menu_without_a_scrolling_row(client, world):
    client.force_login(world["owner_a"])
    html = client.get(url("overview", world["shop_a"])).content.decode()
    nav = re.search(r'<nav class="seller-nav".*?</nav>', html, re.S).group(0)
    for name in ("overview", "products", "orders", "complaints", "shipping", "certificates", "reviews",
                 "figures", "money", "tax", "payment-settings", "representative", "members", "history"):
        assert f'href="{url(name, world["shop_a"])}"' in nav, name
    assert "<details" in nav and "Mục khác" in nav  # the rest behind a menu, no JS needed
    css = open("themes/base/static/css/seller.css", encoding="utf-8").read()
    rules = re.search(r"\.seller-nav\{[^}]*\}", css).group(0)
    assert "overflow-x" not in rules


def test_photo_picker_offers_gallery_and_camera(client, world):
    product = make_product(world["shop_a"], "Mắm ba khía", category=world["food"], via_service=True)
    client.force_login(world["owner_a"])
    for page in (url("product-images", world["shop_a"], product_pk=product.pk), url("product-create", world["shop_a"])):
        html = client.get(page).content.decode()
        gallery = re.search(r'<input[^>]*name="photos"[^>]*>', html).group(0)
        camera = re.search(r'<input[^>]*name="camera"[^>]*>', html).group(0)
        assert 'accept="image/*"' in gallery and "multiple" in gallery and "capture" not in gallery
        assert 'accept="image/*"' in camera and 'capture="environment"' in camera
        assert "Chụp ảnh" in html and "data-photo-previews" in html


def test_camera_photo_is_uploaded_after_the_gallery_ones_and_checked_by_content(client, world):
    product = make_product(world["shop_a"], "Mắm ba khía", category=world["food"], via_service=True)
    client.force_login(world["owner_a"])
    images_url = url("product-images", world["shop_a"], product_pk=product.pk)
    response = client.post(images_url, {"photos": [png_upload("a.png")], "camera": [png_upload("cam.png")]})
    assert response.status_code == 302
    assert product.images.count() == 2
    # The camera alone is enough; nothing at all is refused with a message.
    assert client.post(images_url, {"camera": [png_upload("cam2.png")]}).status_code == 302
    response = client.post(images_url, {})
    assert response.status_code == 200 and "Chọn ít nhất một ảnh." in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile
    fake = SimpleUploadedFile("cam.jpg", b"MZ not an image", content_type="image/jpeg")
    response = client.post(images_url, {"camera": [fake]})
    assert response.status_code == 200 and response.context["form"].errors["camera"]
    assert product.images.count() == 3


def test_photo_buttons_say_up_and_down_and_delete_asks_first(client, world):
    product = make_product(world["shop_a"], "Rượu U Minh", category=world["drinks"], via_service=True, photos=2)
    client.force_login(world["owner_a"])
    images_url = url("product-images", world["shop_a"], product_pk=product.pk)
    html = client.get(images_url).content.decode()
    assert "Lên</button>" in html and "Xuống</button>" in html
    first, second = product.images.order_by("display_order", "pk").values_list("pk", flat=True)
    delete_url = url("product-image-delete", world["shop_a"], product_pk=product.pk, image_pk=second)
    # No delete button in the reorder form: a link to a confirmation page.
    form = re.search(r'<form method="post" class="sc-images">.*?</form>', html, re.S).group(0)
    assert f'href="{delete_url}"' in form and f'formaction="{delete_url}"' not in form
    confirm = client.get(delete_url)
    assert confirm.status_code == 200 and "Không thể hoàn tác" in confirm.content.decode()
    assert ProductImage.objects.filter(pk=second).exists()
    assert client.post(delete_url).status_code == 302
    assert list(product.images.values_list("pk", flat=True)) == [first]


def test_product_delete_is_apart_from_save(client, world):
    product = make_product(world["shop_a"], "Khô cá", category=world["food"], via_service=True)
    client.force_login(world["owner_a"])
    html = client.get(url("product-edit", world["shop_a"], product_pk=product.pk)).content.decode()
    form = re.search(r'<form class="sc-form".*?</form>', html, re.S).group(0)
    assert "Lưu thay đổi" in form and "btn-danger" not in form
    danger = re.search(r'<section class="sc-danger-zone".*?</section>', html, re.S).group(0)
    assert url("product-delete", world["shop_a"], product_pk=product.pk) in danger


def test_address_parts_are_names_never_codes():
    code, name = communes()[0]

    class Address:
        line1, line2, line3, line4, state = "12 Lý Thường Kiệt", "", "Khóm 3", "Cà Mau", str(code)

    parts = address_parts(Address)
    assert parts == ["12 Lý Thường Kiệt", name, "Khóm 3", "Cà Mau"]
    assert str(code) not in ", ".join(parts)
    assert commune_name(code) == name


def test_too_many_photos_from_gallery_and_camera_together_say_so_on_the_page(client, world):
    """Each input is within the limit; the two together are not. The message is shown next to
    the picker (a form-wide error had no place on the photos page: it reloaded silently)."""
    from marketplace.core.uploads import MAX_FILES

    product = make_product(world["shop_a"], "Mắm ba khía", category=world["food"], via_service=True)
    client.force_login(world["owner_a"])
    images_url = url("product-images", world["shop_a"], product_pk=product.pk)
    gallery = [png_upload(f"g{n}.png") for n in range(MAX_FILES - 1)]
    camera = [png_upload("c1.png"), png_upload("c2.png")]
    response = client.post(images_url, {"photos": gallery, "camera": camera})
    assert response.status_code == 200
    html = response.content.decode()
    picker = re.search(r'<fieldset class="field sc-picker[^"]*".*?</fieldset>', html, re.S).group(0)
    assert "has-error" in picker and str(MAX_FILES) in re.sub(r"<[^>]+>", " ", picker.split("helptext", 1)[1])
    assert product.images.count() == 0
