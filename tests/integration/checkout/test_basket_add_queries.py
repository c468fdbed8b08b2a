"""Issue 22: adding to the basket reads the product, its stock and the basket once
(marketplace/checkout/basket_add.py) — a first-time visitor's POST and a returning one's, for
a product with many photos and certificates and for a variant — and keeps Oscar's behaviour:
the message with "Đặt hàng" / "Xem giỏ hàng", the stock check, the CSRF check."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalogue.models import Product
from tests.factories import make_certificate, make_product, make_shop

pytestmark = pytest.mark.django_db

#: Product (with shop, class, parent, options), its stock records, the basket, the line
#: (looked up by the form and by get_or_create, then created in a transaction), the lines
#: for the total, the offers (vouchers, site offers), the basket-additions counter.
BUDGET = 12
#: A visitor whose basket exists: + the basket, its lines, their attributes, photos, stock
#: records' shops, classes and shops (Oscar's middleware and all_lines), and the basket's
#: vouchers and offers applied once more before the view (Oscar's middleware).
RETURNING_BUDGET = 19


def token(client) -> str:
    html = client.get("/basket/").content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def add(client, product, quantity=1, **extra) -> tuple[int, object]:
    data = {"csrfmiddlewaretoken": token(client), "quantity": quantity, **extra}
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(f"/basket/add/{product.pk}/", data)
    return len(ctx.captured_queries), response


def test_queries_of_an_addition_do_not_grow_with_photos_certificates_or_lines():
    shop = make_shop("mat-ong")
    plain = make_product(shop, "Mật ong", price=120_000)
    rich = make_product(shop, "Mật ong rừng", via_service=True, photos=5, price=150_000)
    for stars in (3, 4, 5):
        make_certificate(rich, stars=stars, decision_number=f"{stars}/QĐ")

    for product in (plain, rich):  # an earlier buyer: the product's counters exist
        add(Client(enforce_csrf_checks=True), product)
    first = Client(enforce_csrf_checks=True)
    queries_plain, response = add(first, plain)
    assert response.status_code == 302 and queries_plain <= BUDGET, queries_plain
    other = Client(enforce_csrf_checks=True)
    queries_rich, response = add(other, rich)
    assert response.status_code == 302 and queries_rich == queries_plain

    # A returning visitor: Oscar's basket middleware loads the basket from its cookie, its
    # lines with their stock, and applies the offers before the view runs; the count does not
    # grow with the lines.
    few, many = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    products = [make_product(shop, f"Khô cá {i}") for i in range(5)]
    for product in products:
        add(Client(enforce_csrf_checks=True), product)
    add(few, products[0])
    for product in products:
        add(many, product)
    queries_few, _response = add(few, rich)
    queries_many, response = add(many, rich)
    assert response.status_code == 302
    assert queries_few == queries_many <= RETURNING_BUDGET, (queries_few, queries_many)
    assert many.get("/basket/").context["basket"].num_lines == 6


def test_the_message_total_links_and_redirect_are_oscars():
    shop = make_shop("mat-ong")
    product = make_product(shop, "Mật ong rừng", price=150_000)
    client = Client(enforce_csrf_checks=True)
    _queries, response = add(client, product, quantity=2, next="/checkout/")
    assert response.status_code == 302 and response["Location"] == "/checkout/"
    html = client.get("/basket/").content.decode()
    assert "Đã thêm <strong>2</strong> × <strong>Mật ong rừng</strong> vào giỏ hàng." in html
    assert "Tổng giỏ hàng hiện là <strong>300.000 ₫</strong>" in html
    assert '<a href="/checkout/" class="btn btn-primary">Đặt hàng</a>' in html
    assert '<a href="/basket/" class="btn btn-outline">Xem giỏ hàng</a>' in html


def test_stock_and_csrf_are_still_checked():
    shop = make_shop("mat-ong")
    product = make_product(shop, "Mật ong rừng", price=150_000, stock=2)
    client = Client(enforce_csrf_checks=True)
    _queries, response = add(client, product, quantity=5)
    assert response.status_code == 302
    assert client.get("/basket/").context["basket"].num_items == 0

    response = Client(enforce_csrf_checks=True).post(f"/basket/add/{product.pk}/", {"quantity": 1})
    assert response.status_code == 403
    assert Client().post("/basket/add/999999/", {"quantity": 1}).status_code == 404


def variant_of(shop, name: str, sizes: int):
    parent = make_product(shop, name, price=None)
    Product.objects.filter(pk=parent.pk).update(structure=Product.PARENT)
    children = [make_product(shop, f"{name} {i}", price=90_000 + i * 1_000) for i in range(sizes)]
    Product.objects.filter(pk__in=[c.pk for c in children]).update(structure=Product.CHILD, parent=parent)
    add(Client(enforce_csrf_checks=True), parent, child_id=children[-1].pk)  # counters exist
    return Product.objects.get(pk=parent.pk), children[-1]


def test_a_variant_is_added_through_its_parent_in_queries_that_do_not_grow_with_variants():
    shop = make_shop("mat-ong")
    few, few_child = variant_of(shop, "Mật ong các cỡ", 2)
    many, many_child = variant_of(shop, "Mật ong hoa", 6)
    counts = []
    for parent, child in ((few, few_child), (many, many_child)):
        client = Client(enforce_csrf_checks=True)
        queries, response = add(client, parent, child_id=child.pk)
        assert response.status_code == 302, response
        basket = client.get("/basket/").context["basket"]
        assert [line.product_id for line in basket.all_lines()] == [child.pk]
        counts.append(queries)
    # The parent's variants, their stock and attributes (Oscar's form offers them), then the
    # chosen variant and its stock looked up again by the form and by add_product.
    assert counts[0] == counts[1] <= 19, counts
