"""The "Giá khuyến mãi" group of the seller's product form: saved in Vietnam time, shown back,
bad input re-rendered with a message and nothing saved, another shop's product a 404."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from catalogue.models import Product
from shops.models import StockRecord
from tests.factories import make_product
from tests.integration.seller.test_products import build_world, form_data, url

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)


SALE = {"sale_price": "200.000", "sale_starts_at": "2026-12-12T00:00", "sale_ends_at": "2026-12-12T23:59"}


def test_create_with_a_sale_in_vietnam_time(client, world):
    client.force_login(world["owner_a"])
    response = client.post(url("product-create", world["shop_a"]), form_data(world, **SALE))
    assert response.status_code == 302
    record = StockRecord.objects.get()
    assert record.sale_price == 200_000
    assert record.sale_starts_at == datetime.datetime(2026, 12, 12, 0, 0, tzinfo=HCM)
    assert record.sale_ends_at == datetime.datetime(2026, 12, 12, 16, 59, tzinfo=datetime.UTC)


def test_edit_shows_the_sale_back_and_clears_it(client, world):
    client.force_login(world["owner_a"])
    client.post(url("product-create", world["shop_a"]), form_data(world, **SALE))
    product = Product.objects.get()
    edit = url("product-edit", world["shop_a"], product_pk=product.pk)
    html = client.get(edit).content.decode()
    assert "<legend>Giá khuyến mãi</legend>" in html
    assert 'type="datetime-local" name="sale_starts_at" value="2026-12-12T00:00"' in html
    assert 'name="sale_ends_at" value="2026-12-12T23:59"' in html
    assert 'name="sale_price" value="200.000"' in html
    data = form_data(world, stock="12", stock_seen="12", sale_price="", sale_starts_at="", sale_ends_at="")
    assert client.post(edit, data).status_code == 302
    record = StockRecord.objects.get()
    assert (record.sale_price, record.sale_starts_at, record.sale_ends_at) == (None, None, None)


@pytest.mark.parametrize("change, field, message", [
    ({"sale_price": "250.000"}, "sale_price", "Giá khuyến mãi phải thấp hơn giá bán."),
    ({"sale_price": "300.000"}, "sale_price", "Giá khuyến mãi phải thấp hơn giá bán."),
    ({"sale_price": "0"}, "sale_price", "Giá khuyến mãi phải lớn hơn 0 ₫."),
    # Decree 81/2018 art. 7: at most 50 % off (settings.SALE_MAX_PERCENT_OFF)
    ({"sale_price": "124.999"}, "sale_price", "Giảm tối đa 50% giá bán: giá khuyến mãi thấp nhất là 125.000 ₫."),
    ({"sale_price": "-5"}, "sale_price", "Giá không được âm."),
    ({"sale_price": "12,5"}, "sale_price", "Giá là số đồng nguyên"),
    ({"sale_ends_at": "2026-12-11T23:00"}, "sale_ends_at", "Thời gian kết thúc phải sau thời gian bắt đầu."),
    ({"sale_ends_at": "2026-12-12T00:00"}, "sale_ends_at", "Thời gian kết thúc phải sau thời gian bắt đầu."),
    ({"sale_ends_at": ""}, "sale_ends_at", "Nhập thời gian kết thúc khuyến mãi."),
    ({"sale_starts_at": "", "sale_ends_at": ""}, "sale_starts_at", "Nhập thời gian bắt đầu khuyến mãi."),
    ({"sale_price": ""}, "sale_price", "Nhập giá khuyến mãi, hoặc xoá thời gian khuyến mãi."),
    ({"sale_starts_at": "hôm nay"}, "sale_starts_at", "Nhập ngày giờ"),
    ({"sale_starts_at": "2026-13-45T99:00"}, "sale_starts_at", "Nhập ngày giờ"),
])
def test_bad_sale_input_rerenders_and_saves_nothing(client, world, change, field, message):
    client.force_login(world["owner_a"])
    response = client.post(url("product-create", world["shop_a"]), form_data(world, **{**SALE, **change}))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message.split(" ₫")[0] in response.content.decode()
    assert not Product.objects.exists()


def test_half_price_is_the_deepest_cut_unless_staff_raise_it(client, world, settings):
    client.force_login(world["owner_a"])
    assert client.post(url("product-create", world["shop_a"]),
                       form_data(world, **{**SALE, "sale_price": "125.000"})).status_code == 302
    settings.SALE_MAX_PERCENT_OFF = 90
    data = form_data(world, **{**SALE, "sale_price": "30.000", "title": "Mật ong khác"})
    assert client.post(url("product-create", world["shop_a"]), data).status_code == 302
    assert sorted(StockRecord.objects.values_list("sale_price", flat=True)) == [30_000, 125_000]


def test_bad_sale_on_edit_keeps_what_was_saved(client, world):
    product = make_product(world["shop_a"], "Mật ong", price=250_000, via_service=True)
    client.force_login(world["owner_a"])
    edit = url("product-edit", world["shop_a"], product_pk=product.pk)
    # lowering the list price below a sale price is refused too
    data = form_data(world, title="Mật ong", stock="10", stock_seen="10", price="150.000", **SALE)
    response = client.post(edit, data)
    assert response.status_code == 200
    assert response.context["form"].errors["sale_price"]
    record = product.stockrecords.get()
    assert (int(record.price), record.sale_price) == (250_000, None)


def test_another_shops_product_is_a_404(client, world):
    product = make_product(world["shop_b"], "Mật ong B", price=250_000, via_service=True)
    client.force_login(world["owner_a"])
    edit = url("product-edit", world["shop_a"], product_pk=product.pk)
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(world, **SALE)).status_code == 404
    assert product.stockrecords.get().sale_price is None


def test_the_product_list_says_which_products_are_on_sale_now(client, world):
    from django.utils import timezone

    running = make_product(world["shop_a"], "Mật ong đang giảm", price=250_000, via_service=True)
    later = make_product(world["shop_a"], "Mật ong sắp giảm", price=250_000, via_service=True)
    now = timezone.now()
    StockRecord.objects.filter(product=running).update(
        sale_price=200_000, sale_starts_at=now - datetime.timedelta(hours=1),
        sale_ends_at=now + datetime.timedelta(hours=1))
    StockRecord.objects.filter(product=later).update(
        sale_price=190_000, sale_starts_at=now + datetime.timedelta(days=1),
        sale_ends_at=now + datetime.timedelta(days=2))
    client.force_login(world["owner_a"])
    html = client.get(url("products", world["shop_a"])).content.decode()
    assert "Đang khuyến mãi 200.000 ₫" in html
    assert "190.000" not in html
