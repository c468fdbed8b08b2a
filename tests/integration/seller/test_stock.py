"""Seller stock: low stock first (and a low-stock filter), the count on hand typed as a new
quantity with a reason (the change computed and logged), written only if the stock is still
the level the form showed, never below allocations."""

from __future__ import annotations

import pytest
from django.urls import reverse

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


def test_new_quantity_is_logged_as_old_new_delta_who_why(client, world):
    product = make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True, stock=10)
    client.force_login(world["owner_a"])
    page = client.get(url("stock-adjust", world["shop_a"], product_pk=product.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Số lượng hiện có" in html and 'inputmode="numeric"' in html
    assert 'name="expected" value="10"' in html and 'name="quantity" value="10"' in html
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"quantity": "7", "expected": "10", "reason": "Hàng vỡ"}, follow=True)
    assert "10 → 7" in response.content.decode()
    record = StockRecord.objects.get(product=product)
    assert record.num_in_stock == 7
    adjustment = StockAdjustment.objects.get(stockrecord=record)
    assert (adjustment.previous_level, adjustment.delta, adjustment.resulting_level, adjustment.reason,
            adjustment.actor) == (10, -3, 7, "Hàng vỡ", world["owner_a"])
    event = AuditEvent.objects.get(action="stock.adjusted", shop=world["shop_a"])
    assert event.acting_as == "owner"
    assert (event.data["previous_level"], event.data["delta"], event.data["resulting_level"]) == (10, -3, 7)
    assert event.reason == "Hàng vỡ"


def test_same_quantity_changes_and_logs_nothing(client, world):
    product = make_product(world["shop_a"], "Mật ong", category=world["honey"], via_service=True, stock=10)
    client.force_login(world["owner_a"])
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"quantity": "10", "expected": "10", "reason": "Kiểm kho"}, follow=True)
    assert "không đổi" in response.content.decode()
    assert not StockAdjustment.objects.exists()


def test_stale_form_is_refused_and_shows_the_new_level(client, world):
    product = make_product(world["shop_a"], "Khô cá", category=world["food"], via_service=True, stock=10)
    client.force_login(world["owner_a"])
    client.get(url("stock-adjust", world["shop_a"], product_pk=product.pk))  # the seller sees 10
    StockRecord.objects.filter(product=product).update(num_in_stock=8)  # a hand-over took 2 meanwhile
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"quantity": "15", "expected": "10", "reason": "Nhập hàng"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tồn kho vừa thay đổi thành 8, vui lòng kiểm tra lại" in html
    assert 'name="expected" value="8"' in html  # sending again now means "15, knowing it is 8"
    assert 'name="quantity" value="15"' in html
    assert StockRecord.objects.get(product=product).num_in_stock == 8
    assert not StockAdjustment.objects.exists()
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"quantity": "15", "expected": "8", "reason": "Nhập hàng"})
    assert response.status_code == 302
    assert StockRecord.objects.get(product=product).num_in_stock == 15
    assert StockAdjustment.objects.get().delta == 7


def test_quantity_below_allocation_is_refused(client, world):
    product = make_product(world["shop_a"], "Khô cá", category=world["food"], via_service=True, stock=10)
    StockRecord.objects.filter(product=product).update(num_allocated=8)
    client.force_login(world["owner_a"])
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"quantity": "7", "expected": "10", "reason": "Kiểm kho"})
    assert response.status_code == 200
    assert "thấp hơn số đã giữ cho đơn hàng (8)" in response.context["form"].errors["quantity"][0]
    assert StockRecord.objects.get(product=product).num_in_stock == 10
    assert not StockAdjustment.objects.exists()
    # exactly down to the allocation is fine
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"quantity": "8", "expected": "10", "reason": "Kiểm kho"})
    assert response.status_code == 302
    assert StockRecord.objects.get(product=product).num_in_stock == 8


def test_a_tampered_shown_level_is_refused_with_a_message(client, world):
    product = make_product(world["shop_a"], "Khô cá", category=world["food"], via_service=True, stock=10)
    client.force_login(world["owner_a"])
    for expected in ("", "-1", "abc"):
        response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                               {"quantity": "5", "expected": expected, "reason": "Kiểm kho"})
        assert response.status_code == 200, expected
        html = response.content.decode()
        alert = html.split('class="alert alert-danger" role="alert"', 1)[1].split("</div>", 1)[0]
        assert "errorlist" in alert, expected
    assert StockRecord.objects.get(product=product).num_in_stock == 10
    assert not StockAdjustment.objects.exists()


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


@pytest.mark.parametrize("data", [
    {"quantity": "-3", "expected": "10", "reason": "x"}, {"quantity": "abc", "expected": "10", "reason": "x"},
    {"quantity": "1.5", "expected": "10", "reason": "x"}, {"quantity": "3", "expected": "10", "reason": " "},
    {"quantity": "", "expected": "10", "reason": "x"}, {"quantity": "3", "expected": "", "reason": "x"},
    {"quantity": "99999999999", "expected": "10", "reason": "x"},
])
def test_bad_quantities_rerender(client, world, data):
    product = make_product(world["shop_a"], "Rượu", category=world["drinks"], via_service=True, stock=10)
    client.force_login(world["owner_a"])
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert StockRecord.objects.get(product=product).num_in_stock == 10


def test_inline_form_on_stock_list_returns_to_the_list(client, world):
    product = make_product(world["shop_a"], "Bánh", category=world["food"], via_service=True, stock=2)
    client.force_login(world["owner_a"])
    listing = client.get(url("stock", world["shop_a"])).content.decode()
    assert 'name="expected" value="2"' in listing and 'name="quantity"' in listing and 'name="delta"' not in listing
    response = client.post(url("stock-adjust", world["shop_a"], product_pk=product.pk),
                           {"quantity": "12", "expected": "2", "reason": "Nhập hàng",
                            "next": url("stock", world["shop_a"]) + "?low=1"})
    assert response.status_code == 302 and response.url == url("stock", world["shop_a"]) + "?low=1"
    assert StockRecord.objects.get(product=product).num_in_stock == 12


def test_low_stock_filter_lists_what_the_overview_counts(client, world):
    make_product(world["shop_a"], "Nhiều hàng", category=world["food"], via_service=True, stock=100)
    low = make_product(world["shop_a"], "Sắp hết", category=world["food"], via_service=True, stock=10)
    StockRecord.objects.filter(product=low).update(num_allocated=8)
    make_product(world["shop_b"], "Của B", category=world["food"], via_service=True, stock=0)
    client.force_login(world["owner_a"])
    overview = client.get(reverse("seller:overview", kwargs={"shop_code": world["shop_a"].code}))
    tile = next(item for item in overview.context["todo"] if item["key"] == "low_stock")
    assert tile["url"] == url("stock", world["shop_a"]) + "?low=1"
    response = client.get(tile["url"])
    assert [r.product.title for r in response.context["records"]] == ["Sắp hết"]
    assert tile["count"] == 1


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


def test_edit_form_with_a_stale_stock_is_refused_and_saves_nothing(client, world):
    from .test_products import form_data

    product = make_product(world["shop_a"], "Khô mực", category=world["food"], via_service=True, stock=10)
    StockRecord.objects.filter(product=product).update(num_in_stock=9)  # a hand-over meanwhile
    client.force_login(world["owner_a"])
    data = form_data(world, title="Khô mực loại 1", stock="20", stock_seen="10")
    response = client.post(url("product-edit", world["shop_a"], product_pk=product.pk), data)
    assert response.status_code == 200
    assert "Tồn kho vừa thay đổi thành 9, vui lòng kiểm tra lại" in response.context["form"].errors["stock"][0]
    assert 'name="stock_seen" value="9"' in response.content.decode()
    product.refresh_from_db()
    assert product.title == "Khô mực"
    assert StockRecord.objects.get(product=product).num_in_stock == 9
    data["stock_seen"] = "9"
    assert client.post(url("product-edit", world["shop_a"], product_pk=product.pk), data).status_code == 302
    assert StockRecord.objects.get(product=product).num_in_stock == 20
    assert StockAdjustment.objects.get().previous_level == 9


def test_stock_set_service_refuses_a_stale_expected_level(world):
    product = make_product(world["shop_a"], "Gạo", category=world["food"], via_service=True, stock=10)
    first_copy = StockRecord.objects.get(product=product)
    second_copy = StockRecord.objects.get(product=product)
    services.stock_set(stockrecord=first_copy, quantity=12, expected=10, reason="Kiểm kho",
                       actor=None, acting_as="owner")
    with pytest.raises(services.StockChanged) as changed:
        services.stock_set(stockrecord=second_copy, quantity=4, expected=10, reason="Kiểm kho",
                           actor=None, acting_as="owner")
    assert changed.value.current == 12
    assert StockRecord.objects.get(pk=first_copy.pk).num_in_stock == 12
    with pytest.raises(services.StockAdjustmentRefused):
        services.stock_set(stockrecord=second_copy, quantity=-1, expected=12, reason="x",
                           actor=None, acting_as="owner")


@pytest.mark.parametrize("query", ["", "?low=1"])
def test_stock_list_runs_the_same_queries_for_2_and_12_products(client, world, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["owner_a"])
    for i in range(2):
        make_product(world["shop_a"], f"SP {i}", category=world["food"], via_service=True, stock=1)
    client.get(url("stock", world["shop_a"]) + query)  # warm the per-process caches (site, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("stock", world["shop_a"]) + query).status_code == 200
    for i in range(2, 12):
        make_product(world["shop_a"], f"SP {i}", category=world["food"], via_service=True, stock=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("stock", world["shop_a"]) + query)
    assert len(response.context["records"]) == 12
    assert len(many) == len(few)
