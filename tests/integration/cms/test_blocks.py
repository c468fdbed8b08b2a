"""Catalogue blocks: only what buyers may buy now, at once; queries constant in the blocks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import products as seller_services
from catalogue.curation import services as curation
from marketplace.cms.caching import bump_catalogue_version
from shops import services as shop_services
from shops.models import StockRecord
from tests.factories import (
    collection_block,
    grid,
    make_certificate,
    make_home_page,
    make_product,
    make_shop,
    set_body,
)

pytestmark = pytest.mark.django_db


def _products(prefix: str, n: int, shop=None):
    return [make_product(shop or make_shop(f"{prefix}-{i}"), f"{prefix} sản phẩm {i}", via_service=True) for i in range(n)]


def test_grid_shows_chosen_products_in_order_with_ocop_badge(client):
    a, b = _products("ga", 2)
    make_certificate(b, stars=4)
    make_home_page([grid([b, a], title="Đặc sản biển")])
    html = client.get("/").content.decode()
    assert "Đặc sản biển" in html
    assert html.index("ga sản phẩm 1") < html.index("ga sản phẩm 0")
    assert "OCOP 4 sao" in html


def test_hidden_out_of_stock_and_suspended_shop_products_leave_the_block_at_once(client):
    shop = make_shop("an-tam")
    hidden, sold_out, kept = _products("an", 3, shop=shop)
    other = make_product(make_shop("tam-ngung"), "Sản phẩm cửa hàng bị tạm ngưng", via_service=True)
    make_home_page([grid([hidden, sold_out, kept, other], title="Khối thử")])
    html = client.get("/").content.decode()
    assert all(p.title in html for p in (hidden, sold_out, kept, other))

    # Hidden in the seller workspace: a bulk UPDATE, no model signal.
    seller_services.product_set_public(product=hidden, is_public=False, actor=None, acting_as="owner")
    html = client.get("/").content.decode()
    assert hidden.title not in html and kept.title in html

    # Sold out by an order: allocation is a conditional UPDATE, nothing audited.
    record = StockRecord.objects.get(product=sold_out)
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=record.num_in_stock)
    html = client.get("/").content.decode()
    assert sold_out.title not in html and kept.title in html

    shop_services.shop_suspend(shop=other.shop, actor=None, reason="Vi phạm quy chế")
    html = client.get("/").content.decode()
    assert other.title not in html and kept.title in html


def test_a_block_whose_products_are_all_gone_renders_nothing(client):
    (only,) = _products("tr", 1)
    make_home_page([grid([only], title="Khối sẽ trống")])
    assert "Khối sẽ trống" in client.get("/").content.decode()
    seller_services.product_set_public(product=only, is_public=False, actor=None, acting_as="owner")
    assert "Khối sẽ trống" not in client.get("/").content.decode()


def test_collection_block_shows_the_collection_in_its_order_without_repeating_it_below(client):
    a, b, c = _products("bs", 3)
    collection = curation.collection_create(name="Quà biếu Cà Mau", actor=None)
    curation.collection_set_products(collection=collection, product_ids=[c.pk, a.pk, b.pk], actor=None)
    make_home_page([collection_block(collection, limit=2)])
    html = client.get("/").content.decode()
    assert html.count("Quà biếu Cà Mau") == 1  # not again among the automatic collections
    assert c.title in html and a.title in html and b.title not in html  # limit 2, in order
    assert html.index(c.title) < html.index(a.title)


def _count_home(client) -> int:
    bump_catalogue_version()  # a cache miss: the body is rendered
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_home_page_queries_do_not_grow_with_product_blocks(client):
    products = _products("sl", 12)
    for product in products[::3]:
        make_certificate(product, stars=3)
    collection = curation.collection_create(name="Bộ sưu tập đếm", actor=None)
    curation.collection_set_products(collection=collection, product_ids=[p.pk for p in products[6:]], actor=None)

    home = make_home_page([grid(products[:3]), collection_block(collection)])
    client.get("/")  # renditions, site root paths, footer: warmed once
    one = _count_home(client)
    html_one = client.get("/").content.decode()

    set_body(home, [grid(products[i:i + 3], title=f"Lưới {i}") for i in range(0, 12, 3)]
             + [collection_block(collection), collection_block(collection, limit=3)])
    client.get("/")
    four = _count_home(client)
    html_four = client.get("/").content.decode()

    assert four == one
    assert html_four.count('class="product-card"') > html_one.count('class="product-card"')
    # and the cached body costs fewer queries than rendering it
    with CaptureQueriesContext(connection) as cached:
        client.get("/")
    assert len(cached) < four
