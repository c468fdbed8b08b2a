"""Seller stock: low stock first, signed adjustments with a reason, never below allocations."""

from __future__ import annotations

import pytest

from catalogue import products as services
from marketplace.core.models import AuditEvent
from shops.models import StockAdjustment, StockRecord
from tests.factories import make_product

from .test_products import build_world, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, settings, tmp_path):
    return build_world(settings, tmp_path)


def test_stock_list_puts_low_stock_first(client, world):
    make_product(world["shop_a"], "Nhiều hàng", category=world["food"], via_service=True, stock=100)
    low = make_product(world["shop_a"], "Sắp hết", category=world["food"], via_service=True, stock=10)
    StockRecord.objects.filter(product=low).update(num_allocated=8)  # 2 left to sell
    make_product(world["shop_a"], "Vừa phải", category=world["food"], via_service=True, stock=5)
    make_product(world["shop_b"], "Của B", category=world["food"], via_service=True, stock=0)
    client.force_login(world["owner_a"])
    response = client.get(url("stock", world["shop_a"]))
    assert response.status_code == 200
    assert [r.product.title for r in response.context["records"]] == ["Sắp hết", "Vừa phải", "Nhiều hàng"]
    assert "Của B" not in response.content.decode()


def test_adjust_records_level_reason_and_actor(client, world):
    product = make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True, stock=10)
    client.force_login(world["owner_a"])
    page = client.get(url("stock-adjust", world["shop_a"], product_pk=product.pk))
    assert page.status_code == 200
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"delta": "-3", "reason": "Hàng vỡ"})
    assert response.status_code == 302
    record = StockRecord.objects.get(product=product)
    assert record.num_in_stock == 7
    adjustment = StockAdjustment.objects.get(stockrecord=record)
    assert (adjustment.delta, adjustment.resulting_level, adjustment.reason, adjustment.actor) == (
        -3, 7, "Hàng vỡ", world["owner_a"])
    event = AuditEvent.objects.get(action="stock.adjusted", shop=world["shop_a"])
    assert event.acting_as == "owner" and event.data["resulting_level"] == 7


def test_adjust_below_allocation_is_refused(client, world):
    product = make_product(world["shop_a"], "Khô cá", category=world["food"], via_service=True, stock=10)
    StockRecord.objects.filter(product=product).update(num_allocated=8)
    client.force_login(world["owner_a"])
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"delta": "-3", "reason": "Kiểm kho"})
    assert response.status_code == 200
    assert response.context["form"].errors["delta"]
    assert StockRecord.objects.get(product=product).num_in_stock == 10
    assert not StockAdjustment.objects.exists()
    # exactly down to the allocation is fine
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"delta": "-2", "reason": "Kiểm kho"})
    assert response.status_code == 302
    assert StockRecord.objects.get(product=product).num_in_stock == 8


def test_adjust_below_zero_is_refused(world):
    product = make_product(world["shop_a"], "Tôm khô", category=world["food"], via_service=True, stock=1)
    record = StockRecord.objects.get(product=product)
    with pytest.raises(services.StockAdjustmentRefused):
        services.stock_adjust(stockrecord=record, delta=-2, reason="x", actor=None, acting_as="owner")
    assert StockRecord.objects.get(pk=record.pk).num_in_stock == 1


def test_two_adjustments_from_stale_copies_are_both_counted(world):
    product = make_product(world["shop_a"], "Gạo", category=world["food"], via_service=True, stock=10)
    first_copy = StockRecord.objects.get(product=product)
    second_copy = StockRecord.objects.get(product=product)  # loaded before the first write
    services.stock_adjust(stockrecord=first_copy, delta=5, reason="Nhập hàng", actor=None, acting_as="owner")
    adjustment = services.stock_adjust(
        stockrecord=second_copy, delta=-4, reason="Bán tại chợ", actor=None, acting_as="owner")
    assert adjustment.resulting_level == 11
    assert StockRecord.objects.get(pk=first_copy.pk).num_in_stock == 11


@pytest.mark.parametrize("data", [{"delta": "0", "reason": "x"}, {"delta": "abc", "reason": "x"},
                                  {"delta": "1.5", "reason": "x"}, {"delta": "3", "reason": ""}])
def test_bad_adjustments_rerender(client, world, data):
    product = make_product(world["shop_a"], "Rượu", category=world["drinks"], via_service=True, stock=10)
    client.force_login(world["owner_a"])
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert StockRecord.objects.get(product=product).num_in_stock == 10


def test_inline_form_on_stock_list_returns_to_the_list(client, world):
    product = make_product(world["shop_a"], "Bánh", category=world["food"], via_service=True, stock=2)
    client.force_login(world["owner_a"])
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"delta": "+10", "reason": "Nhập hàng"})
    assert response.status_code == 302 and response.url == url("stock", world["shop_a"])
    assert StockRecord.objects.get(product=product).num_in_stock == 12


def test_edit_form_stock_below_allocation_is_a_form_error(client, world):
    from .test_products import form_data

    product = make_product(world["shop_a"], "Khô mực", category=world["food"], via_service=True, stock=10)
    StockRecord.objects.filter(product=product).update(num_allocated=8)
    client.force_login(world["owner_a"])
    data = form_data(world, title="Khô mực loại 1", stock="5", stock_seen="10")
    response = client.post(url("product-edit", world["shop_a"], product_pk=product.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["stock"]
    product.refresh_from_db()
    assert product.title == "Khô mực"  # the whole edit was rolled back
    assert StockRecord.objects.get(product=product).num_in_stock == 10
