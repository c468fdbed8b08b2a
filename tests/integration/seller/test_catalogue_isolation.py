"""A seller reaches only their own shop's products, photos and stock: everything else is 404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from catalogue.models import Product, ProductImage
from shops.models import StockRecord
from tests.factories import make_product, make_user, png_upload

from .test_products import build_world, form_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)

PRODUCT_URLS = ["product-edit", "product-hide", "product-delete", "product-images", "stock-adjust"]
IMAGE_URLS = ["product-image-main", "product-image-delete"]
SHOP_URLS = ["products", "product-create", "stock", "products-export", "products-import"]


@pytest.fixture
def both(world):
    world["a_product"] = make_product(world["shop_a"], "Của A", category=world["food"], via_service=True, photos=1, sku="A-1")
    world["b_product"] = make_product(world["shop_b"], "Của B", category=world["food"], via_service=True, photos=2, sku="B-1")
    world["a_image"] = world["a_product"].images.get()
    world["b_image"] = world["b_product"].images.order_by("display_order").last()
    return world


def b_state(both):
    product = Product.objects.get(pk=both["b_product"].pk)
    record = product.stockrecords.get()
    return (product.title, product.is_public, product.shop_id, record.num_in_stock, record.price,
            list(product.images.order_by("display_order").values_list("pk", flat=True)))


@pytest.mark.parametrize("name", PRODUCT_URLS)
def test_other_shops_product_is_404(client, both, name):
    client.force_login(both["owner_a"])
    before = b_state(both)
    target = url(name, both["shop_a"], product_pk=both["b_product"].pk)
    assert client.get(target).status_code == 404  # even on POST-only views
    assert client.post(target, {"quantity": "5", "expected": "0", "reason": "x", "move": f"{both['b_image'].pk}:up",
                                **form_data(both)}).status_code == 404
    assert b_state(both) == before


@pytest.mark.parametrize("name", IMAGE_URLS)
def test_other_shops_image_is_404_even_under_own_product(client, both, name):
    client.force_login(both["owner_a"])
    before = b_state(both)
    own_product_their_image = url(name, both["shop_a"], product_pk=both["a_product"].pk, image_pk=both["b_image"].pk)
    their_product = url(name, both["shop_a"], product_pk=both["b_product"].pk, image_pk=both["b_image"].pk)
    for target in (own_product_their_image, their_product):
        assert client.post(target).status_code == 404
        assert client.get(target).status_code == 404
    assert b_state(both) == before
    assert ProductImage.objects.filter(pk=both["b_image"].pk).exists()


def test_moving_another_shops_image_through_own_images_page_changes_nothing(client, both):
    client.force_login(both["owner_a"])
    before = b_state(both)
    images_url = url("product-images", both["shop_a"], product_pk=both["a_product"].pk)
    client.post(images_url, {"move": f"{both['b_image'].pk}:up"})
    client.post(images_url, {"reorder": "1", f"position-{both['b_image'].pk}": "1"})
    assert b_state(both) == before


@pytest.mark.parametrize("name", SHOP_URLS + PRODUCT_URLS + IMAGE_URLS)
def test_other_shops_code_is_404(client, both, name):
    client.force_login(both["owner_a"])
    kwargs = {"shop_code": both["shop_b"].code}
    if name in PRODUCT_URLS or name in IMAGE_URLS:
        kwargs["product_pk"] = both["b_product"].pk
    if name in IMAGE_URLS:
        kwargs["image_pk"] = both["b_image"].pk
    target = reverse(f"seller:{name}", kwargs=kwargs)
    assert client.get(target).status_code == 404
    assert client.post(target).status_code == 404


@pytest.mark.parametrize("name", SHOP_URLS + PRODUCT_URLS + IMAGE_URLS)
def test_anonymous_is_sent_to_login(client, both, name):
    kwargs = {"shop_code": both["shop_a"].code}
    if name in PRODUCT_URLS or name in IMAGE_URLS:
        kwargs["product_pk"] = both["a_product"].pk
    if name in IMAGE_URLS:
        kwargs["image_pk"] = both["a_image"].pk
    target = reverse(f"seller:{name}", kwargs=kwargs)
    for response in (client.get(target), client.post(target)):
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


def test_edit_post_cannot_attach_to_another_shop(client, both):
    client.force_login(both["owner_a"])
    before = b_state(both)
    data = form_data(both, title="Của A đã sửa", sku="B-1", shop=both["shop_b"].pk,
                     partner=both["shop_b"].pk, product=both["b_product"].pk, stock="10", stock_seen="10")
    response = client.post(url("product-edit", both["shop_a"], product_pk=both["a_product"].pk), data)
    assert response.status_code == 302  # SKU B-1 is B's, not A's: free to use in shop A
    product = Product.objects.get(pk=both["a_product"].pk)
    assert product.shop == both["shop_a"] and product.title == "Của A đã sửa"
    assert StockRecord.objects.get(product=product).partner == both["shop_a"]
    assert b_state(both) == before


def test_create_post_cannot_create_in_another_shop(client, both):
    client.force_login(both["owner_a"])
    data = form_data(both, title="Lén tạo", shop=both["shop_b"].pk, partner=both["shop_b"].pk,
                     photos=[png_upload()])
    assert client.post(url("product-create", both["shop_a"]), data).status_code == 302
    product = Product.objects.get(title="Lén tạo")
    assert product.shop == both["shop_a"]
    assert StockRecord.objects.get(product=product).partner == both["shop_a"]
    assert not both["shop_b"].products.filter(title="Lén tạo").exists()


def test_export_holds_only_own_products(client, both):
    client.force_login(both["owner_a"])
    content = client.get(url("products-export", both["shop_a"])).content.decode("utf-8-sig")
    assert "Của A" in content and "Của B" not in content and "B-1" not in content


def test_helper_acts_with_helper_capacity(client, both):

    from marketplace.core.models import AuditEvent
    from shops.models import ShopMember

    helper = make_user("h@example.com", password=None)
    ShopMember.objects.create(shop=both["shop_a"], user=helper, role=ShopMember.Role.HELPER)
    client.force_login(helper)
    client.post(url("product-hide", both["shop_a"], product_pk=both["a_product"].pk))
    event = AuditEvent.objects.get(action="product.hidden")
    assert (event.actor, event.acting_as, event.shop) == (helper, "helper", both["shop_a"])
    # and the helper of shop A is a stranger to shop B
    assert client.get(url("products", both["shop_b"])).status_code == 404
    assert StockRecord.objects.get(product=both["b_product"]).price == Decimal(100_000)
