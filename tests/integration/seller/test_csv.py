"""CSV export and import of a shop's products: all rows valid or nothing imported."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.models import Product
from marketplace.core.models import AuditEvent
from shops.models import StockRecord
from shops.seller.catalogue import csv_io
from tests.factories import make_product

from .test_products import build_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)

HEADER = "sku,title,category,price,stock,public,description\r\n"


def csv_file(text: str, name: str = "san-pham.csv", encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def snapshot(shop):
    return sorted(
        (r.partner_sku, r.product.title, r.product.description, int(r.price), r.num_in_stock,
         r.product.is_public, tuple(r.product.categories.values_list("pk", flat=True)))
        for r in StockRecord.objects.filter(partner=shop).select_related("product")
    )


def export(client, shop) -> bytes:
    response = client.get(url("products-export", shop))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_export_is_utf8_with_bom_and_lists_own_products(client, world):
    make_product(world["shop_a"], "Mật ong rừng U Minh", category=world["honey"], via_service=True, price=250_000, stock=7, sku="MO-1")
    make_product(world["shop_b"], "Khô cá của B", category=world["food"], via_service=True)
    client.force_login(world["owner_a"])
    content = export(client, world["shop_a"])
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["sku", "title", "category", "price", "stock", "public", "description", "variant",
                       "sale_price", "sale_starts", "sale_ends"]
    assert rows[1:] == [["MO-1", "Mật ong rừng U Minh", "thuc-pham/mat-ong", "250000", "7", "có", "", "",
                         "", "", ""]]


def test_round_trip_changes_nothing(client, world):
    make_product(world["shop_a"], "Mật ong U Minh", category=world["honey"], via_service=True, price=250_000, stock=7)
    make_product(world["shop_a"], "=HYPERLINK(\"x\")", category=world["food"], via_service=True, price=1_000, stock=0)  # formula-looking
    hidden = make_product(world["shop_a"], "Rượu, \"đặc biệt\"", category=world["drinks"], via_service=True, price=90_000)
    Product.objects.filter(pk=hidden.pk).update(is_public=False, description="<p>Dòng 1</p>\n<p>Dòng 2</p>")
    client.force_login(world["owner_a"])
    before = snapshot(world["shop_a"])
    content = export(client, world["shop_a"])
    assert "'=HYPERLINK" in content.decode("utf-8-sig")  # not a live formula in Excel
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(content.decode("utf-8-sig"))})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert snapshot(world["shop_a"]) == before


def test_export_guards_formulas_after_a_separator_and_round_trips(client, world):
    """Excel in a Vietnamese locale splits `a;=2+2` on `;` and runs the second part (ADR 0031)."""
    make_product(world["shop_a"], "a;=2+2", category=world["food"], via_service=True, price=1_000, stock=1, sku="F-1")
    product = make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True, price=2_000, stock=1, sku="F-2")
    Product.objects.filter(pk=product.pk).update(description="<p>Ưu điểm,-1+2</p>")
    client.force_login(world["owner_a"])
    before = snapshot(world["shop_a"])
    text = export(client, world["shop_a"]).decode("utf-8-sig")
    assert "a;'=2+2" in text and "Ưu điểm,'-1+2" in text
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row)
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert (response.context["result"].created, response.context["result"].unchanged) == (0, 2)
    assert snapshot(world["shop_a"]) == before


def test_import_creates_and_updates_with_counts(client, world):
    make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True, price=100_000, stock=5, sku="MO")
    client.force_login(world["owner_a"])
    text = HEADER + (
        "MO,Mật ong U Minh,thuc-pham/mat-ong,\"250.000 ₫\",9,có,<p>Ngon</p><script>x</script>\r\n"
        "KHO,Khô cá bổi,thuc-pham,300000,4,không,\r\n"
        ",Trà khổ qua,Đồ uống,45.000,10,,\r\n"
    )
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    updated = StockRecord.objects.get(partner=world["shop_a"], partner_sku="MO")
    assert updated.product.title == "Mật ong U Minh" and updated.price == Decimal(250_000)
    assert updated.num_in_stock == 9 and updated.adjustments.get().delta == 4
    assert updated.product.description == "<p>Ngon</p>"
    kho = StockRecord.objects.get(partner=world["shop_a"], partner_sku="KHO")
    assert kho.product.shop == world["shop_a"] and not kho.product.is_public
    assert list(kho.product.categories.all()) == [world["food"]]
    tra = Product.objects.get(title="Trà khổ qua")
    assert tra.stockrecords.get().partner_sku == "TRA-KHO-QUA"
    assert AuditEvent.objects.filter(action="products.imported", shop=world["shop_a"]).exists()


def test_one_bad_row_among_three_imports_nothing(client, world):
    make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True, price=100_000, stock=5, sku="MO")
    client.force_login(world["owner_a"])
    before = snapshot(world["shop_a"])
    text = HEADER + (
        "MO,Mật ong mới tên,thuc-pham/mat-ong,120000,5,có,\r\n"
        "NEW,Khô cá,thuc-pham,\"12,5\",4,có,\r\n"
        "NEW2,Bánh phồng tôm,thuc-pham,50000,3,có,\r\n"
    )
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 400
    assert [(line, column) for line, column, _message in response.context["row_errors"]] == [(3, "price")]
    assert "sc-errors" in response.content.decode()
    assert snapshot(world["shop_a"]) == before
    assert Product.objects.count() == 1


@pytest.mark.parametrize("row,column", [
    (",,thuc-pham,1000,1,có,", "title"),
    ("X,Tên,khong-co-nhom,1000,1,có,", "category"),
    ("X,Tên,thuc-pham,-5,1,có,", "price"),
    ("X,Tên,thuc-pham,abc,1,có,", "price"),
    ("X,Tên,thuc-pham,1000,-1,có,", "stock"),
    ("X,Tên,thuc-pham,1000,1.5,có,", "stock"),
    ("X,Tên,thuc-pham,1000,1,có lẽ,", "public"),
])
def test_row_errors_name_their_column(client, world, row, column):
    client.force_login(world["owner_a"])
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(HEADER + row + "\r\n")})
    assert response.status_code == 400
    assert (2, column) in [(line, col) for line, col, _m in response.context["row_errors"]]
    assert not Product.objects.exists()


def test_duplicate_sku_within_file_is_an_error(client, world):
    client.force_login(world["owner_a"])
    text = HEADER + "A,Một,thuc-pham,1000,1,có,\r\nA,Hai,thuc-pham,1000,1,có,\r\n"
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 400
    assert [(line, col) for line, col, _m in response.context["row_errors"]] == [(3, "sku")]
    assert not Product.objects.exists()


def test_another_shops_sku_is_refused_and_never_updates_it(client, world):
    theirs = make_product(world["shop_b"], "Mật ong của B", category=world["honey"], via_service=True, price=100_000, stock=5, sku="B-MO")
    client.force_login(world["owner_a"])
    text = HEADER + "B-MO,Chiếm sản phẩm,thuc-pham,1,999,có,\r\n"
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 400
    assert [(line, col) for line, col, _m in response.context["row_errors"]] == [(2, "sku")]
    theirs.refresh_from_db()
    record = theirs.stockrecords.get()
    assert theirs.title == "Mật ong của B" and record.num_in_stock == 5 and record.price == Decimal(100_000)
    assert not StockRecord.objects.filter(partner=world["shop_a"]).exists()


def test_stock_below_allocation_is_a_row_error(client, world):
    product = make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True, stock=10, sku="MO")
    StockRecord.objects.filter(product=product).update(num_allocated=6)
    client.force_login(world["owner_a"])
    text = HEADER + "MO,Mật ong,thuc-pham/mat-ong,100000,5,có,\r\n"
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 400
    assert StockRecord.objects.get(product=product).num_in_stock == 10


def test_semicolon_separated_windows_1258_file_is_read(client, world):
    client.force_login(world["owner_a"])
    text = "sku;title;category;price;stock;public;description\r\nKC;Khô cá;thuc-pham;300.000;4;có;\r\n"
    response = client.post(url("products-import", world["shop_a"]),
                           {"file": csv_file(text, encoding="cp1258")})
    assert response.status_code == 200, response.context.get("row_errors")
    assert response.context["result"].created == 1
    assert Product.objects.get().title == "Khô cá"


@pytest.mark.parametrize("content,message", [
    (b"", "trống"),
    (b"title,price\r\nA,1\r\n", "Thiếu cột"),
    (HEADER.encode(), "không có dòng"),
])
def test_unusable_files_are_refused_with_a_message(client, world, content, message):
    client.force_login(world["owner_a"])
    upload = SimpleUploadedFile("x.csv", content, content_type="text/csv")
    response = client.post(url("products-import", world["shop_a"]), {"file": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])


def test_file_size_and_row_limits(client, world, monkeypatch):
    client.force_login(world["owner_a"])
    monkeypatch.setattr(csv_io, "MAX_ROWS", 2)
    text = HEADER + "".join(f"S{i},Tên {i},thuc-pham,1000,1,có,\r\n" for i in range(3))
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert "quá nhiều dòng" in " ".join(response.context["form"].errors["file"])
    monkeypatch.setattr(csv_io, "MAX_FILE_BYTES", 100)
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert "quá lớn" in " ".join(response.context["form"].errors["file"])
    assert not Product.objects.exists()


def test_blank_public_and_missing_description_column_keep_existing_values(client, world):
    product = make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True, price=100_000, stock=5, sku="MO")
    Product.objects.filter(pk=product.pk).update(is_public=False, description="<p>Giữ nguyên</p>")
    client.force_login(world["owner_a"])
    text = "sku,title,category,price,stock,public\r\nMO,Mật ong,thuc-pham/mat-ong,100000,5,\r\n"
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.context["result"].unchanged == 1
    product.refresh_from_db()
    assert not product.is_public and product.description == "<p>Giữ nguyên</p>"
