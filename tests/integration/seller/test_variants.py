"""The seller's "Phân loại hàng": adding options on the edit page, changing and removing one,
merging products into one with options, the stock page; bad input and other shops' objects."""

from __future__ import annotations

import pytest

from catalogue.models import Product
from shops.models import StockRecord
from tests.factories import make_order, make_product, make_variant_product

from .test_products import build_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)


def add_data(**overrides) -> dict:
    data = {"variant-first_option": "chai 250 ml", "variant-option": "chai 500 ml",
            "variant-price": "230.000", "variant-stock": "5", "variant-sku": ""}
    data.update(overrides)
    return data


def test_adding_the_first_option_on_the_edit_page(client, world):
    client.force_login(world["owner_a"])
    product = make_product(world["shop_a"], "Mật ong U Minh Hạ", price=125_000, stock=8, sku="MO-250")
    edit = url("product-edit", world["shop_a"], product_pk=product.pk)
    page = client.get(edit).content.decode()
    assert "Phân loại hàng" in page and "Tên phân loại hiện có" in page
    response = client.post(url("variant-add", world["shop_a"], product_pk=product.pk), add_data())
    assert response.status_code == 302 and response.url == edit
    product.refresh_from_db()
    assert product.structure == Product.PARENT
    first, second = product.children.order_by("pk")
    assert first.stockrecords.get().partner_sku == "MO-250"
    assert int(second.stockrecords.get().price) == 230_000
    page = client.get(edit).content.decode()
    assert "chai 250 ml" in page and "chai 500 ml" in page
    assert 'name="price"' not in page  # priced per option now
    # The product keeps its own fields editable.
    response = client.post(edit, {"title": "Mật ong U Minh Hạ nguyên chất", "category": world["honey"].pk,
                                  "description": "", "traceability_url": ""})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "Mật ong U Minh Hạ nguyên chất" and not product.stockrecords.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"variant-price": ""}, "Nhập giá bán"),
        ({"variant-price": "-5000"}, "Giá không được âm"),
        ({"variant-stock": ""}, "Nhập số lượng tồn kho"),
        ({"variant-stock": "-1"}, "Tồn kho không được âm"),
        ({"variant-first_option": ""}, "Đặt tên cho phân loại hiện có"),
        ({"variant-option": "Chai 250 ML"}, "không được trùng tên"),
    ],
)
def test_bad_option_input_shows_the_page_again_and_saves_nothing(client, world, overrides, message):
    client.force_login(world["owner_a"])
    product = make_product(world["shop_a"], "Mật ong U Minh Hạ", price=125_000, stock=8)
    response = client.post(url("variant-add", world["shop_a"], product_pk=product.pk), add_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    product.refresh_from_db()
    assert product.structure == Product.STANDALONE and product.stockrecords.count() == 1


def test_duplicate_option_on_a_parent_is_refused(client, world):
    client.force_login(world["owner_a"])
    parent = make_variant_product(world["shop_a"])
    response = client.post(url("variant-add", world["shop_a"], product_pk=parent.pk),
                           add_data(**{"variant-option": "CHAI 500 ML"}))
    assert response.status_code == 400 and "đã có phân loại" in response.content.decode()
    assert parent.children.count() == 2


def test_editing_and_removing_options(client, world):
    client.force_login(world["owner_a"])
    parent = make_variant_product(world["shop_a"], options=(("a", 1000, 3), ("b", 2000, 3), ("c", 3000, 3)))
    a, b, c = parent.children.order_by("pk")
    edit = url("variant-edit", world["shop_a"], product_pk=parent.pk, variant_pk=a.pk)
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"option": "chai nhỏ", "price": "1.500", "stock": "7", "stock_seen": "3", "sku": ""})
    assert response.status_code == 302
    a.refresh_from_db()
    record = a.stockrecords.get()
    assert (a.title, int(record.price), record.num_in_stock) == ("chai nhỏ", 1500, 7)
    response = client.post(edit, {"option": "b", "price": "1.500", "stock": "7", "stock_seen": "7", "sku": ""})
    assert response.status_code == 400 and "đã có phân loại" in response.content.decode()
    make_order([(b, 1)])
    client.post(url("variant-remove", world["shop_a"], product_pk=parent.pk, variant_pk=b.pk))
    client.post(url("variant-remove", world["shop_a"], product_pk=parent.pk, variant_pk=c.pk))
    b.refresh_from_db()
    assert not b.is_public and not Product.objects.filter(pk=c.pk).exists()


def test_other_shops_products_and_options_are_404(client, world):
    client.force_login(world["owner_a"])
    theirs = make_variant_product(world["shop_b"], "Của B")
    mine = make_variant_product(world["shop_a"], "Của A")
    their_option = theirs.children.first()
    targets = [
        url("variant-add", world["shop_a"], product_pk=theirs.pk),
        url("variant-edit", world["shop_a"], product_pk=theirs.pk, variant_pk=their_option.pk),
        url("variant-edit", world["shop_a"], product_pk=mine.pk, variant_pk=their_option.pk),
        url("variant-remove", world["shop_a"], product_pk=mine.pk, variant_pk=their_option.pk),
    ]
    for target in targets:
        assert client.post(target, add_data()).status_code == 404, target
    assert theirs.children.count() == 2 and their_option.is_public


def test_merge_three_bottles_from_the_list(client, world):
    """The issue's story: three honey bottles become one product with three options."""
    client.force_login(world["owner_a"])
    bottles = [make_product(world["shop_a"], f"Mật ong U Minh Hạ – {name}", price=price, sku=f"MO-{i}")
               for i, (name, price) in enumerate([("chai 250 ml", 125_000), ("chai 500 ml", 230_000),
                                                 ("can 1 lít", 390_000)])]
    merge = url("products-merge", world["shop_a"])
    assert "Gộp thành một sản phẩm nhiều phân loại" in client.get(url("products", world["shop_a"])).content.decode()
    assert client.get(merge).status_code == 200
    response = client.post(merge, {"title": "Mật ong U Minh Hạ", "products": [b.pk for b in bottles],
                                   f"option-{bottles[2].pk}": "can nhựa 1 lít"})
    assert response.status_code == 302, response.content.decode()
    parent = Product.objects.get(structure=Product.PARENT, shop=world["shop_a"])
    assert [c.title for c in parent.children.order_by("pk")] == ["chai 250 ml", "chai 500 ml", "can nhựa 1 lít"]
    listing = client.get(url("products", world["shop_a"])).content.decode()
    assert "3 phân loại" in listing and "chai 250 ml" not in listing
    stock = client.get(url("stock", world["shop_a"])).content.decode()
    assert "Mật ong U Minh Hạ – chai 500 ml" in stock


def test_merging_another_shops_product_is_refused(client, world):
    client.force_login(world["owner_a"])
    mine = make_product(world["shop_a"], "Mật ong – chai nhỏ")
    theirs = make_product(world["shop_b"], "Mật ong – chai lớn")
    response = client.post(url("products-merge", world["shop_a"]),
                           {"title": "Mật ong", "products": [mine.pk, theirs.pk]})
    assert response.status_code == 400
    assert "Chỉ gộp được sản phẩm của cửa hàng mình" in response.content.decode()
    assert not Product.objects.filter(structure=Product.PARENT).exists()
    assert StockRecord.objects.get(product=theirs).partner_id == world["shop_b"].pk


def test_merge_needs_two_products_and_a_name(client, world):
    client.force_login(world["owner_a"])
    one = make_product(world["shop_a"], "Mật ong")
    response = client.post(url("products-merge", world["shop_a"]), {"title": "", "products": [one.pk]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Chọn ít nhất hai sản phẩm" in body and "Nhập tên chung" in body
