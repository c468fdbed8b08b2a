"""Search filters, sorts and counts by the price in force, decided when the search runs: the
same on the search server and the database fallback, and a sale that started or ended since
indexing changes the results without any reindex."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from catalogue.pricing import price_in_force
from search.fallback import database_search
from search.indexing import price_fields, rebuild_index
from search.query import SearchParams, search_products
from shops.models import StockRecord
from tests.factories import make_product, make_shop

pytestmark = [pytest.mark.search, pytest.mark.django_db]


@pytest.fixture
def sale_catalogue(db, search_settings):
    """Three honeys; the dearest is on sale for the next hour, cheapest of all while it runs."""
    shop = make_shop("mat-ong")
    products = {
        "a": make_product(shop, "Mật ong A", price=150_000),
        "b": make_product(shop, "Mật ong B", price=180_000),
        "sale": make_product(shop, "Mật ong C", price=400_000),
    }
    now = timezone.now().replace(microsecond=0)
    StockRecord.objects.filter(product=products["sale"]).update(
        sale_price=120_000, sale_starts_at=now - datetime.timedelta(hours=1),
        sale_ends_at=now + datetime.timedelta(hours=1))
    rebuild_index()
    return products, now


def both(**data):
    """The ids of the search server's answer and the database fallback's: they must agree."""
    params = SearchParams.from_data({"q": "mat ong", **data})
    server, fallback = search_products(params), database_search(params)
    assert server.ids == fallback.ids
    assert server.total == fallback.total
    return server


def ids(products, *names):
    return [products[name].pk for name in names]


def test_during_the_sale_the_sale_price_filters_sorts_and_counts(sale_catalogue):
    products, _now = sale_catalogue
    assert both(sort="price_asc").ids == ids(products, "sale", "a", "b")
    assert both(sort="price_desc").ids == ids(products, "b", "a", "sale")
    assert both(price_max="130000").ids == ids(products, "sale")
    assert both(price_min="300000").ids == []
    facet = {v.key: v.count for v in search_products(SearchParams(q="mat ong")).facets["price"]}
    assert facet == {"100000-199999": 3}


def test_after_the_sale_ends_the_list_price_counts_without_reindex(sale_catalogue):
    products, now = sale_catalogue
    with freeze_time(now + datetime.timedelta(hours=1)):  # the first instant after the sale
        assert both(sort="price_asc").ids == ids(products, "a", "b", "sale")
        assert both(sort="price_desc").ids == ids(products, "sale", "b", "a")
        assert both(price_max="130000").ids == []
        assert both(price_min="300000").ids == ids(products, "sale")
        facet = {v.key: v.count for v in search_products(SearchParams(q="mat ong")).facets["price"]}
        assert facet == {"100000-199999": 2, "200000-499999": 1}


def test_before_the_sale_starts_the_list_price_counts(sale_catalogue):
    products, now = sale_catalogue
    with freeze_time(now - datetime.timedelta(hours=1, microseconds=1)):
        assert both(sort="price_asc").ids == ids(products, "a", "b", "sale")
    with freeze_time(now - datetime.timedelta(hours=1)):  # the first instant of the sale
        assert both(sort="price_asc").ids == ids(products, "sale", "a", "b")


def test_price_fields_timeline_matches_the_rule_at_every_moment():
    """Several records (a parent's variants): the timeline gives the lowest price in force at
    every moment, as catalogue.pricing does."""
    utc = datetime.UTC
    t = [datetime.datetime(2026, 12, day, 17, 0, tzinfo=utc) for day in (1, 5, 9, 11)]
    records = [
        StockRecord(price=300_000, sale_price=100_000, sale_starts_at=t[0], sale_ends_at=t[2]),
        StockRecord(price=200_000, sale_price=150_000, sale_starts_at=t[1], sale_ends_at=t[3]),
        StockRecord(price=250_000),
        StockRecord(price=None),
    ]
    fields = price_fields(None, records)
    assert fields["price"] == 200_000
    assert fields["offers"][0] == {"list_price": 300_000, "sale_price": 100_000, "sale_period": {
        "gte": "2026-12-01T17:00:00.000Z", "lt": "2026-12-09T17:00:00.000Z"}}
    assert fields["offers"][2] == {"list_price": 250_000}
    assert fields["price_timeline"] == [
        {"period": {"lt": "2026-12-01T17:00:00.000Z"}, "price": 200_000},
        {"period": {"gte": "2026-12-01T17:00:00.000Z", "lt": "2026-12-09T17:00:00.000Z"}, "price": 100_000},
        {"period": {"gte": "2026-12-09T17:00:00.000Z", "lt": "2026-12-11T17:00:00.000Z"}, "price": 150_000},
        {"period": {"gte": "2026-12-11T17:00:00.000Z"}, "price": 200_000},
    ]
    for moment in [t[0] - datetime.timedelta(milliseconds=1), *t,
                   t[1] + datetime.timedelta(days=1), t[3] + datetime.timedelta(days=30)]:
        iso = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        containing = [entry for entry in fields["price_timeline"]
                      if entry["period"].get("gte", "") <= iso < entry["period"].get("lt", "~")]
        assert [entry["price"] for entry in containing] == [price_in_force(records, at=moment).price]
    assert price_fields(None, []) == {"price": None, "price_max": None, "offers": [], "price_timeline": []}


def test_api_price_is_the_price_in_force_with_the_list_price_beside(client, sale_catalogue):
    products, now = sale_catalogue
    body = client.get("/api/v1/products", {"q": "mat ong", "sort": "price_asc"}).json()
    first = body["results"][0]
    assert first["id"] == products["sale"].pk
    assert (first["price"], first["list_price"]) == (120_000, 400_000)
    assert datetime.datetime.fromisoformat(first["sale_ends"]) == now + datetime.timedelta(hours=1)
    plain = body["results"][1]
    assert (plain["price"], plain["list_price"], plain["sale_ends"]) == (150_000, 150_000, None)


def test_a_stored_page_does_not_outlive_a_sale_boundary(settings, search_settings):
    """The page cache keeps a page while the fingerprint of its products is unchanged; the
    price in force is part of it, so the end of a sale (nothing saved, no signal) drops the
    stored page at that moment. Real time (the page cache's own clock is monotonic)."""
    import time

    from django.core.cache import cache
    from django.test import Client

    from marketplace.core.pagecache import HEADER

    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_CHECK_SECONDS = 0
    cache.clear()
    product = make_product(make_shop("mat-ong"), "Mật ong C", price=400_000)
    ends = timezone.now() + datetime.timedelta(seconds=6)
    StockRecord.objects.filter(product=product).update(
        sale_price=120_000, sale_starts_at=ends - datetime.timedelta(days=1), sale_ends_at=ends)
    rebuild_index()
    paths = ("/search/", product.get_absolute_url())

    def page(path):
        response = Client().get(path, {"q": "mat ong"} if path == "/search/" else {})
        assert response.status_code == 200
        return response[HEADER], response.content.decode()

    try:
        for path in paths:
            state, html = page(path)
            assert state == "miss" and "120.000 ₫" in html and "price-off" in html
            assert page(path)[0] == "hit"  # on sale: the same page
        assert timezone.now() < ends, "the machine was too slow for this test's 6 seconds"
        time.sleep(max(0.0, (ends - timezone.now()).total_seconds()) + 0.05)
        for path in paths:  # the sale is over, well within the pages' 300 s
            state, html = page(path)
            assert state == "miss"
            assert '<span class="price-now">400.000 ₫</span>' in html and "price-off" not in html
    finally:
        cache.clear()
