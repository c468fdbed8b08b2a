"""Seller products: create with photos → storefront and search; edit; hide; delete; photos.

The helpers at the top (the world of two shops, the form data, the URLs) are shared by the
other catalogue test modules of this package.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from catalogue import products as services
from catalogue.models import Product, ProductImage
from marketplace.core.models import AuditEvent
from search.indexing import rebuild_index
from shops.models import Partner, StockRecord
from tests.factories import (
    make_certificate,
    make_order,
    make_product,
    make_shop,
    make_user,
    png_upload,
    reference_categories,
)

Line = get_model("order", "Line")

pytestmark = pytest.mark.django_db


# --- shared helpers ----------------------------------------------------------------


def url(name: str, shop: Partner, **kwargs) -> str:
    return reverse(f"seller:{name}", kwargs={"shop_code": shop.code, **kwargs})


def build_world(settings, tmp_path) -> dict:
    """Two approved shops with their owners, a small category tree, media in tmp_path."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner_a, owner_b = make_user("a@example.com"), make_user("b@example.com")
    shop_a, shop_b = make_shop("shop-a", owner=owner_a), make_shop("shop-b", owner=owner_b)
    return {"owner_a": owner_a, "owner_b": owner_b, "shop_a": shop_a, "shop_b": shop_b,
            **reference_categories()}


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)


def form_data(world, **overrides) -> dict:
    data = {
        "title": "Mật ong rừng U Minh Hạ", "category": world["honey"].pk, "price": "250.000",
        "stock": "12", "description": "<p>Mật ong <b>nguyên chất</b></p><script>alert(1)</script>",
        "sku": "", "traceability_url": "",
    }
    data.update(overrides)
    return data


# --- create → storefront and search --------------------------------------------------


def test_create_with_two_photos_is_on_storefront_and_found_without_accents(
    client, world, search_settings, django_capture_on_commit_callbacks
):
    rebuild_index()
    client.force_login(world["owner_a"])
    data = form_data(world, photos=[png_upload("a.png"), png_upload("b.png", (10, 20, 200))])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("product-create", world["shop_a"]), data)
    assert response.status_code == 302, response.context["form"].errors
    client.get(response.url)  # consume the flash message
    product = Product.objects.get(title="Mật ong rừng U Minh Hạ")
    assert product.shop == world["shop_a"] and product.is_public
    assert product.structure == Product.STANDALONE
    assert product.product_class.track_stock
    assert "<script>" not in product.description and "<b>nguyên chất</b>" in product.description
    assert list(product.categories.all()) == [world["honey"]]
    record = StockRecord.objects.get(product=product)
    assert record.partner == world["shop_a"]
    assert record.price == Decimal(250_000) and record.num_in_stock == 12
    assert record.partner_sku == "MAT-ONG-RUNG-U-MINH-HA"
    images = list(product.images.order_by("display_order"))
    assert [image.display_order for image in images] == [0, 1]
    assert all(image.original.name.endswith(".jpg") for image in images)  # re-encoded
    assert AuditEvent.objects.filter(action="product.created", shop=world["shop_a"], acting_as="owner").exists()

    storefront = client.get(f"/shops/{world['shop_a'].code}/")
    assert "Mật ong rừng U Minh Hạ" in storefront.content.decode()
    found = client.get("/search/", {"q": "mat ong rung u minh"})
    assert "Mật ong rừng U Minh Hạ" in found.content.decode()

    # hide → gone from search and storefront; show again → back
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("product-hide", world["shop_a"], product_pk=product.pk), follow=True)
    assert response.status_code == 200  # followed: the flash message is consumed here
    product.refresh_from_db()
    assert not product.is_public
    assert "Mật ong rừng U Minh Hạ" not in client.get(f"/shops/{world['shop_a'].code}/").content.decode()
    assert "Mật ong rừng U Minh Hạ" not in client.get("/search/", {"q": "mat ong rung u minh"}).content.decode()
    assert AuditEvent.objects.filter(action="product.hidden", object_id=str(product.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("product-hide", world["shop_a"], product_pk=product.pk))
    assert "Mật ong rừng U Minh Hạ" in client.get("/search/", {"q": "mat ong rung"}).content.decode()


def test_edit_changes_fields_and_search_follows(client, world, search_settings, django_capture_on_commit_callbacks):
    product = make_product(world["shop_a"], "Mắm tôm chà", category=world["honey"], via_service=True, price=50_000, stock=10)
    rebuild_index()
    client.force_login(world["owner_a"])
    page = client.get(url("product-edit", world["shop_a"], product_pk=product.pk))
    assert page.status_code == 200
    assert page.context["form"].initial["price"] == 50_000
    data = form_data(world, title="Mắm ba khía Rạch Gốc", category=world["drinks"].pk, price="65.000 ₫",
                     stock="10", stock_seen="10", sku="MAM-BA-KHIA")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("product-edit", world["shop_a"], product_pk=product.pk), data)
    assert response.status_code == 302
    client.get(response.url)
    product.refresh_from_db()
    record = product.stockrecords.get()
    assert product.title == "Mắm ba khía Rạch Gốc"
    assert list(product.categories.all()) == [world["drinks"]]
    assert record.price == Decimal(65_000) and record.partner_sku == "MAM-BA-KHIA"
    assert record.num_in_stock == 10  # unchanged stock: no adjustment
    assert not record.adjustments.exists()
    assert "Mắm ba khía Rạch Gốc" in client.get("/search/", {"q": "mam ba khia"}).content.decode()


def test_edit_stock_is_written_when_unchanged_since_the_form(client, world):
    # (A stock changed meanwhile is refused: test_stock.py, the stale edit form.)
    product = make_product(world["shop_a"], "Khô cá bổi", category=world["food"], via_service=True, stock=10)
    record = product.stockrecords.get()
    client.force_login(world["owner_a"])
    data = form_data(world, title="Khô cá bổi", stock="15", stock_seen="10")
    response = client.post(url("product-edit", world["shop_a"], product_pk=product.pk), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.num_in_stock == 15
    adjustment = record.adjustments.get()
    assert (adjustment.delta, adjustment.resulting_level, adjustment.actor) == (5, 15, world["owner_a"])


@pytest.mark.parametrize("price", ["12,5", "-1", "abc", "12.50", "1,250,000", ""])
def test_price_validation_rerenders_with_a_message(client, world, price):
    client.force_login(world["owner_a"])
    response = client.post(url("product-create", world["shop_a"]), form_data(world, price=price))
    assert response.status_code == 200
    assert response.context["form"].errors["price"]
    assert not Product.objects.exists()


@pytest.mark.parametrize("price,expected", [("250000", 250_000), ("250.000", 250_000),
                                            ("250.000 ₫", 250_000), ("1 250 000đ", 1_250_000)])
def test_price_formats_accepted(client, world, price, expected):
    client.force_login(world["owner_a"])
    response = client.post(url("product-create", world["shop_a"]), form_data(world, price=price))
    assert response.status_code == 302
    assert StockRecord.objects.get().price == Decimal(expected)


@pytest.mark.parametrize("field,value", [("stock", "-3"), ("stock", "2.5"), ("category", "999999"),
                                         ("title", "   "), ("title", "Mật ong\r\nrừng"),
                                         ("title", "Mật ong\u202erừng"),
                                         ("traceability_url", "not a url")])
def test_other_bad_input_rerenders(client, world, field, value):
    client.force_login(world["owner_a"])
    response = client.post(url("product-create", world["shop_a"]), form_data(world, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Product.objects.exists()


def test_bad_photo_is_refused_with_a_message(client, world):
    client.force_login(world["owner_a"])
    fake = SimpleUploadedFile("virus.png", b"MZ not an image", content_type="image/png")
    response = client.post(url("product-create", world["shop_a"]), form_data(world, photos=[fake]))
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not Product.objects.exists()


def test_duplicate_sku_in_shop_is_refused(client, world):
    make_product(world["shop_a"], "Gạo một bụi", category=world["food"], via_service=True, sku="GAO")
    make_product(world["shop_b"], "Gạo của B", category=world["food"], via_service=True, sku="GAO-B")
    client.force_login(world["owner_a"])
    response = client.post(url("product-create", world["shop_a"]), form_data(world, sku="GAO"))
    assert response.status_code == 200 and response.context["form"].errors["sku"]
    # the same SKU in another shop is that shop's business
    response = client.post(url("product-create", world["shop_a"]), form_data(world, sku="GAO-B"))
    assert response.status_code == 302


def test_generated_skus_are_unique(world):
    first = make_product(world["shop_a"], "Trà mãng cầu", category=world["food"], via_service=True)
    second = make_product(world["shop_a"], "Trà mãng cầu", category=world["food"], via_service=True)
    skus = {first.stockrecords.get().partner_sku, second.stockrecords.get().partner_sku}
    assert skus == {"TRA-MANG-CAU", "TRA-MANG-CAU-2"}


# --- delete ------------------------------------------------------------------------


def test_delete_is_refused_when_ordered_and_hiding_offered(client, world):
    product = make_product(world["shop_a"], "Mật ong hoa tràm", category=world["honey"], via_service=True)
    make_order([(product, 1)], number=f"T{product.pk:06d}", email="buyer@example.com", allocate=False)
    client.force_login(world["owner_a"])
    page = client.get(url("product-delete", world["shop_a"], product_pk=product.pk))
    assert page.context["has_orders"]
    assert url("product-hide", world["shop_a"], product_pk=product.pk) in page.content.decode()
    response = client.post(url("product-delete", world["shop_a"], product_pk=product.pk))
    assert response.status_code == 409
    assert Product.objects.filter(pk=product.pk).exists()
    assert Line.objects.get().product_id == product.pk


def test_delete_allowed_when_never_ordered(client, world, search_settings, django_capture_on_commit_callbacks):
    product = make_product(world["shop_a"], "Bánh phồng tôm", category=world["food"], via_service=True, photos=1)
    rebuild_index()
    client.force_login(world["owner_a"])
    assert "Bánh phồng tôm" in client.get("/search/", {"q": "banh phong tom"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("product-delete", world["shop_a"], product_pk=product.pk))
    assert response.status_code == 302
    client.get(response.url)
    assert not Product.objects.filter(pk=product.pk).exists()
    assert not StockRecord.objects.filter(product_id=product.pk).exists()
    assert AuditEvent.objects.filter(action="product.deleted", shop=world["shop_a"]).exists()
    assert "Bánh phồng tôm" not in client.get("/search/", {"q": "banh phong tom"}).content.decode()


# --- photos ------------------------------------------------------------------------


def _order(product):
    return list(product.images.order_by("display_order").values_list("pk", flat=True))


def test_photos_upload_reorder_main_and_delete(client, world):
    product = make_product(world["shop_a"], "Rượu U Minh", category=world["drinks"], via_service=True)
    client.force_login(world["owner_a"])
    images_url = url("product-images", world["shop_a"], product_pk=product.pk)
    assert client.get(images_url).status_code == 200
    response = client.post(images_url, {"photos": [png_upload("1.png"), png_upload("2.png"), png_upload("3.png")]})
    assert response.status_code == 302
    first, second, third = _order(product)
    assert list(product.images.order_by("display_order").values_list("display_order", flat=True)) == [0, 1, 2]

    # position numbers: third first
    client.post(images_url, {"reorder": "1", f"position-{first}": "2", f"position-{second}": "3",
                             f"position-{third}": "1"})
    assert _order(product) == [third, first, second]
    # ↓ on the main photo
    client.post(images_url, {"move": f"{third}:down"})
    assert _order(product) == [first, third, second]
    # choose the last one as main
    client.post(url("product-image-main", world["shop_a"], product_pk=product.pk, image_pk=second))
    assert _order(product) == [second, first, third]
    assert ProductImage.objects.get(pk=second).display_order == 0
    # delete the main photo: the next one becomes main, orders stay consecutive
    client.post(url("product-image-delete", world["shop_a"], product_pk=product.pk, image_pk=second))
    assert _order(product) == [first, third]
    assert list(product.images.order_by("display_order").values_list("display_order", flat=True)) == [0, 1]
    actions = set(AuditEvent.objects.filter(shop=world["shop_a"]).values_list("action", flat=True))
    assert {"product.images_added", "product.images_reordered", "product.main_image_set",
            "product.image_deleted"} <= actions


def test_upload_more_photos_than_allowed_is_refused(client, world):
    product = make_product(world["shop_a"], "Tôm khô", category=world["food"], via_service=True)
    client.force_login(world["owner_a"])
    photos = [png_upload(f"{i}.png") for i in range(9)]
    response = client.post(url("product-images", world["shop_a"], product_pk=product.pk), {"photos": photos})
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not product.images.exists()


# --- list --------------------------------------------------------------------------


def test_list_shows_own_products_search_and_state(client, world):
    make_product(world["shop_a"], "Mật ong U Minh", category=world["honey"], via_service=True, price=150_000, stock=7, photos=1)
    hidden = make_product(world["shop_a"], "Khô cá lóc", category=world["food"], via_service=True)
    services.product_set_public(product=hidden, is_public=False, actor=None, acting_as="owner")
    make_product(world["shop_b"], "Mật ong của B", category=world["honey"], via_service=True)
    client.force_login(world["owner_a"])
    response = client.get(url("products", world["shop_a"]))
    html = response.content.decode()
    assert "Mật ong U Minh" in html and "150.000 ₫" in html and "Khô cá lóc" in html
    assert "Đang ẩn" in html and "Mật ong của B" not in html
    response = client.get(url("products", world["shop_a"]), {"q": "mật ong"})
    assert [p.title for p in response.context["products"]] == ["Mật ong U Minh"]


def test_list_query_count_is_constant(client, world):
    client.force_login(world["owner_a"])
    make_product(world["shop_a"], "Sản phẩm 0", category=world["food"], via_service=True, photos=1)
    client.get(url("products", world["shop_a"]))  # warm up: session, basket, site caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("products", world["shop_a"])).status_code == 200
    for number in range(1, 12):
        make_product(world["shop_a"], f"Sản phẩm {number}", category=world["food"], via_service=True, photos=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("products", world["shop_a"]))
    assert len(response.context["products"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_certified_product_is_hidden_not_deleted(client):
    """OCOP certificates are programme records: deleting their product is refused."""
    user = make_user("cert-owner@example.vn", username="cert-owner", password="x")
    shop = make_shop("htx-cert", name="HTX Cert", owner=user)
    product = Product.objects.create(title="Mật ong có chứng nhận", shop=shop)
    make_certificate(product, stars=4, score=75, decision_number="1/QĐ", issued_on=datetime.date(2025, 1, 1))
    client.force_login(user)
    response = client.post(f"/seller/{shop.code}/products/{product.pk}/delete/")
    assert response.status_code == 409
    assert Product.objects.filter(pk=product.pk).exists()
    assert product.ocop_certificates.count() == 1
