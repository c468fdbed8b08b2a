"""The optional sale columns of the seller's CSV: exported in Vietnam time, imported with the
form's rules (a bad row imports nothing), and files without them keep every sale."""

from __future__ import annotations

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest

from shops.models import StockRecord
from tests.factories import make_product

from .test_csv import HEADER, csv_file, export
from .test_products import build_world, url

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SALE_HEADER = "sku,title,category,price,stock,public,description,sale_price,sale_starts,sale_ends\r\n"


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)


@pytest.fixture
def on_sale(world):
    product = make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True,
                           price=250_000, stock=5, sku="MO")
    StockRecord.objects.filter(product=product).update(
        sale_price=200_000, sale_starts_at=datetime.datetime(2026, 12, 12, 0, 0, tzinfo=HCM),
        sale_ends_at=datetime.datetime(2026, 12, 12, 23, 59, tzinfo=HCM))
    return product


def test_export_has_the_sale_in_vietnam_time_and_round_trips(client, world, on_sale):
    client.force_login(world["owner_a"])
    content = export(client, world["shop_a"])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][-3:] == ["200000", "2026-12-12 00:00", "2026-12-12 23:59"]
    response = client.post(url("products-import", world["shop_a"]),
                           {"file": csv_file(content.decode("utf-8-sig"))})
    assert response.status_code == 200
    assert response.context["result"].unchanged == 1


def test_an_old_file_without_sale_columns_keeps_the_sale(client, world, on_sale):
    client.force_login(world["owner_a"])
    text = HEADER + "MO,Mật ong,thuc-pham/mat-ong,260000,5,có,\r\n"
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 200
    record = StockRecord.objects.get(partner_sku="MO")
    assert (int(record.price), record.sale_price) == (260_000, 200_000)
    assert record.sale_ends_at == datetime.datetime(2026, 12, 12, 23, 59, tzinfo=HCM)


def test_import_sets_and_clears_sales(client, world, on_sale):
    client.force_login(world["owner_a"])
    text = SALE_HEADER + (
        "MO,Mật ong,thuc-pham/mat-ong,250000,5,có,,,,\r\n"  # blank sale cells: no sale any more
        "KHO,Khô cá,thuc-pham,300000,4,có,,240.000,2027-02-01 00:00,2027-02-10 00:00\r\n"
    )
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 200
    assert StockRecord.objects.get(partner_sku="MO").sale_price is None
    kho = StockRecord.objects.get(partner_sku="KHO")
    assert kho.sale_price == 240_000
    assert kho.sale_starts_at == datetime.datetime(2027, 2, 1, 0, 0, tzinfo=HCM)


@pytest.mark.parametrize("cells, column", [
    ("300000,2027-02-01 00:00,2027-02-10 00:00", "sale_price"),  # not below the price
    ("0,2027-02-01 00:00,2027-02-10 00:00", "sale_price"),
    ("100000,2027-02-01 00:00,2027-02-10 00:00", "sale_price"),  # more than 50 % off
    ("abc,2027-02-01 00:00,2027-02-10 00:00", "sale_price"),
    ("240000,2027-02-10 00:00,2027-02-01 00:00", "sale_ends"),
    ("240000,2027-02-01 00:00,", "sale_ends"),
    ("240000,,", "sale_starts"),
    (",2027-02-01 00:00,2027-02-10 00:00", "sale_price"),
    ("240000,mai,2027-02-10 00:00", "sale_starts"),
])
def test_a_bad_sale_cell_imports_nothing(client, world, on_sale, cells, column):
    client.force_login(world["owner_a"])
    text = SALE_HEADER + (
        "MO,Mật ong,thuc-pham/mat-ong,250000,5,có,,,,\r\n"
        f"KHO,Khô cá,thuc-pham,300000,4,có,,{cells}\r\n"
    )
    response = client.post(url("products-import", world["shop_a"]), {"file": csv_file(text)})
    assert response.status_code == 400
    assert (3, column) in [(line, col) for line, col, _m in response.context["row_errors"]]
    assert StockRecord.objects.get(partner_sku="MO").sale_price == 200_000  # nothing imported
    assert not StockRecord.objects.filter(partner_sku="KHO").exists()
