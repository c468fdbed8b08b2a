"""CSV with products that have options: one row per option, `variant` naming it; rows of the
same title make one product; export and import round-trip; old files still read."""

from __future__ import annotations

import csv
import io

import pytest

from catalogue.models import Product
from shops.models import StockRecord
from tests.factories import make_variant_product

from .test_csv import csv_file, export
from .test_products import build_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)


FILE = (
    "sku,title,category,price,stock,public,description,variant\r\n"
    "MO-250,Mật ong U Minh Hạ,thuc-pham/mat-ong,125000,10,có,Mật ong rừng tràm,chai 250 ml\r\n"
    "MO-500,Mật ong U Minh Hạ,thuc-pham/mat-ong,230000,5,có,Mật ong rừng tràm,chai 500 ml\r\n"
    "MO-HQ,Mật ong U Minh Hạ,thuc-pham/mat-ong,390000,2,có,Mật ong rừng tràm,hộp quà\r\n"
    "KC-1,Khô cá bổi,thuc-pham/mat-ong,300000,4,có,,\r\n"
)


def options_state(shop):
    return sorted(
        (r.partner_sku, r.product.get_title(), int(r.price), r.num_in_stock, r.product.structure)
        for r in StockRecord.objects.filter(partner=shop).select_related("product__parent")
    )


def test_rows_of_the_same_title_become_one_product_with_options(client, world):
    client.force_login(world["owner_a"])
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(FILE)})
    assert response.status_code == 200, response.content.decode()
    parent = Product.objects.get(shop=world["shop_a"], structure=Product.PARENT)
    assert parent.title == "Mật ong U Minh Hạ"
    assert [c.title for c in parent.children.order_by("pk")] == ["chai 250 ml", "chai 500 ml", "hộp quà"]
    assert Product.objects.get(title="Khô cá bổi").structure == Product.STANDALONE
    result = response.context["result"]
    assert result.created == 2  # the product with options, and the standalone one


def test_export_writes_one_row_per_option_and_round_trips(client, world):
    parent = make_variant_product(world["shop_a"], "Mật ong U Minh Hạ", category=world["honey"])
    client.force_login(world["owner_a"])
    content = export(client, world["shop_a"]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [(r[1], r[7]) for r in rows[1:]] == [("Mật ong U Minh Hạ", "chai 250 ml"), ("Mật ong U Minh Hạ", "chai 500 ml")]
    before = options_state(world["shop_a"])
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(content)})
    assert response.status_code == 200
    assert options_state(world["shop_a"]) == before
    assert parent.children.count() == 2
    # Changing an option's price and name in the file updates that option.
    changed = content.replace("125000", "129000").replace("chai 250 ml", "chai 300 ml")
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(changed)})
    assert response.status_code == 200
    first = parent.children.order_by("pk").first()
    assert first.title == "chai 300 ml" and int(first.stockrecords.get().price) == 129_000


def test_duplicate_option_in_the_file_is_a_row_error(client, world):
    client.force_login(world["owner_a"])
    text = FILE.replace("hộp quà", "Chai 250 ml")
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 400
    assert "trùng với dòng 2" in response.content.decode()
    assert not Product.objects.filter(shop=world["shop_a"]).exists()


def test_an_old_file_without_the_variant_column_still_imports(client, world):
    client.force_login(world["owner_a"])
    text = "sku,title,category,price,stock,public,description\r\nMO,Mật ong,thuc-pham/mat-ong,100000,5,có,\r\n"
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 200
    assert Product.objects.get(title="Mật ong").structure == Product.STANDALONE


def test_an_option_imported_hidden_leaves_no_words_in_the_products_search_text(client, world):
    client.force_login(world["owner_a"])
    text = FILE.replace("390000,2,có,Mật ong rừng tràm,hộp quà", "390000,2,không,Mật ong rừng tràm,hộp quà")
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 200, response.content.decode()
    parent = Product.objects.get(shop=world["shop_a"], structure=Product.PARENT)
    assert not parent.children.get(title="hộp quà").is_public
    # the database fallback of search must not find the product by a hidden option's name
    assert parent.search_text == "mat ong u minh ha chai 250 ml chai 500 ml"
