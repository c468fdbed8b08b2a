"""`/api/v1/products` and `/api/v1/products/{id}` on the demo catalogue, real osmem-server.

The list shares the query builder of `/search/`: same filters, facets and order.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Product
from catalogue.selectors import product_list_public
from marketplace import embedded
from search.engine import reset_client
from search.query import SearchParams, search_products
from shops.models import Partner
from shops.services import shop_reinstate, shop_suspend

pytestmark = [pytest.mark.search, pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]

URL = "/api/v1/products"
ITEM_KEYS = {"id", "title", "url", "price", "currency", "shop", "ocop", "image", "commune", "available",
             "list_price", "sale_ends",  # added with sale prices
             "price_max"}  # added with product options (the contract allows additions)
FACET_NAMES = {"category", "stars", "shop", "commune", "price"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def get(client, path=URL, **params):
    return client.get(path, params)


def test_list_answers_the_contract_shape(client):
    response = get(client, q="mat ong")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "page", "results", "facets"}
    assert body["page"] == 1
    assert body["count"] >= len(body["results"]) > 0
    assert len(body["results"]) <= 24
    for item in body["results"]:
        assert set(item) == ITEM_KEYS
        assert isinstance(item["id"], int)
        assert item["url"].startswith("http://testserver/catalogue/")
        assert item["currency"] == "VND"
        assert isinstance(item["price"], int) and item["price"] > 0
        assert set(item["shop"]) == {"slug", "name"}
        assert isinstance(item["available"], bool)
        if item["ocop"] is not None:
            assert set(item["ocop"]) == {"stars", "expires"}
            assert item["ocop"]["stars"] in (3, 4, 5)
            assert DATE.match(item["ocop"]["expires"])
        if item["image"] is not None:
            assert item["image"].startswith("http://testserver/")
    assert set(body["facets"]) == FACET_NAMES
    for values in body["facets"].values():
        for value in values:
            assert set(value) == {"key", "label", "count"}
            assert isinstance(value["count"], int)


def test_list_is_the_search_page_order(client):
    """Same query builder as /search/: the honey first, same ids in the same order."""
    body = get(client, q="mat ong", page_size=10).json()
    assert body["results"][0]["title"] == "Mật ong U Minh Hạ"
    assert body["results"][0]["shop"]["name"] == "HTX 19/5"
    page = client.get("/search/", {"q": "mat ong", "page_size": 10})
    assert [item["id"] for item in body["results"]] == [p.pk for p in page.context["products"]]
    assert body["count"] == page.context["result"].total


def test_item_fields_match_the_database(client):
    body = get(client, stars="4", page_size=60).json()
    products = {p.pk: p for p in product_list_public().filter(pk__in=[i["id"] for i in body["results"]])}
    assert body["results"]
    for item in body["results"]:
        product = products[item["id"]]
        assert item["ocop"] == {"stars": 4, "expires": product.ocop_expires.isoformat()}
        assert item["shop"] == {"slug": product.shop.code, "name": product.shop.name}
        assert item["commune"] == product.shop.commune_name
        record = product.stockrecords.get(partner=product.shop)
        assert item["price"] == int(record.price)
        assert item["available"] == (record.net_stock_level > 0)


def test_a_filter_narrows_and_facets_stay_disjunctive(client):
    everything = get(client, page_size=1).json()
    four = get(client, stars="4", page_size=60).json()
    assert 0 < four["count"] < everything["count"]
    assert all(item["ocop"] and item["ocop"]["stars"] == 4 for item in four["results"])
    assert four["count"] == product_list_public().filter(ocop_stars=4).count()
    # selecting 4★ keeps the counts of the other levels (disjunctive)
    counts = {v["key"]: v["count"] for v in everything["facets"]["stars"]}
    assert {v["key"]: v["count"] for v in four["facets"]["stars"]} == counts
    assert counts["4"] == four["count"]
    # the shop counts under 4★ add up to the 4★ total
    assert sum(v["count"] for v in four["facets"]["shop"]) == four["count"]


def test_facets_are_those_of_the_query_builder(client):
    body = get(client, q="tom", page_size=1).json()
    result = search_products(SearchParams.from_data({"q": "tom", "page_size": "1"}))
    assert body["count"] == result.total
    for name in FACET_NAMES:
        assert body["facets"][name] == [
            {"key": v.key, "label": str(v.label), "count": v.count} for v in result.facets[name]
        ]
    shop = body["facets"]["shop"][0]
    narrowed = get(client, q="tom", shop=shop["key"], page_size=60).json()
    assert narrowed["count"] == shop["count"]
    assert {item["shop"]["slug"] for item in narrowed["results"]} == {shop["key"]}


def test_price_filter_and_sort(client):
    body = get(client, price_min="100000", price_max="300000", sort="price_asc", page_size=60).json()
    prices = [item["price"] for item in body["results"]]
    assert prices and prices == sorted(prices)
    assert all(100_000 <= price <= 300_000 for price in prices)


def test_pagination(client):
    first = get(client, page_size=5).json()
    second = get(client, page_size=5, page=2).json()
    assert second["page"] == 2
    assert first["count"] == second["count"] > 10
    assert not {i["id"] for i in first["results"]} & {i["id"] for i in second["results"]}


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"stars": "6"}, "stars"),
        ({"stars": "bốn"}, "stars"),
        ({"price_min": "abc"}, "price_min"),
        ({"price_min": "500000", "price_max": "100"}, "price_max"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "9999"}, "page"),  # beyond the last page
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "61"}, "page_size"),
        ({"sort": "cheapest"}, "sort"),
        ({"commune": "abc"}, "commune"),
        ({"shop": "<script>"}, "shop"),
        ({"q": "x" * 201}, "q"),
        ({"page": "500", "page_size": "60"}, "page"),  # beyond the result window
    ],
)
def test_bad_parameters_answer_422_with_json(client, params, bad):
    response = get(client, **params)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert {tuple(error["loc"]) for error in detail} == {("query", bad)}
    assert all(error["msg"] for error in detail)


def test_detail_answers_the_item_shape_and_more(client):
    product = product_list_public().filter(ocop_stars__isnull=False, images__isnull=False).first()
    assert product is not None
    response = get(client, f"{URL}/{product.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == ITEM_KEYS | {"description", "categories", "images", "stock"}
    assert body["id"] == product.pk
    assert body["title"] == product.get_title()
    assert body["ocop"] == {"stars": product.ocop_stars, "expires": product.ocop_expires.isoformat()}
    assert body["images"] and body["image"] == body["images"][0]
    assert all(url.startswith("http://testserver/") for url in body["images"])
    assert {c["id"] for c in body["categories"]} == set(product.categories.values_list("pk", flat=True))
    assert set(body["stock"]) == {"available", "num_available"}
    assert body["stock"]["available"] == body["available"]
    # the same item as in the list
    listed = get(client, q=product.title, page_size=60).json()["results"]
    assert {k: body[k] for k in ITEM_KEYS} in listed


def test_unknown_and_hidden_products_are_404(client):
    assert get(client, f"{URL}/999999999").status_code == 404
    hidden = Product.objects.filter(is_public=True).first()
    Product.objects.filter(pk=hidden.pk).update(is_public=False)
    response = get(client, f"{URL}/{hidden.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "not_found"
    parent = Product.objects.filter(structure=Product.PARENT).first()
    if parent is not None:  # parents are not sold themselves
        assert get(client, f"{URL}/{parent.pk}").status_code == 404


def test_a_suspended_shops_products_are_not_visible(client, django_capture_on_commit_callbacks):
    shop = Partner.objects.get(name="HTX Tân Phát Lợi")
    staff = get_user_model().objects.get(email="staff@demo.ocop.vn")
    own = product_list_public().filter(shop=shop).first()
    assert own is not None
    assert shop.code in {i["shop"]["slug"] for i in get(client, q="tom kho rach goc").json()["results"]}
    with django_capture_on_commit_callbacks(execute=True):
        shop_suspend(shop=shop, actor=staff, reason="Kiểm tra chất lượng")
    try:
        assert get(client, q="tom kho rach goc", shop=shop.code).json()["count"] == 0
        body = get(client, q="tom", page_size=60).json()
        assert body["results"]  # the other shops' shrimp
        assert shop.code not in {i["shop"]["slug"] for i in body["results"]}
        assert shop.code not in {v["key"] for v in body["facets"]["shop"]}
        assert get(client, f"{URL}/{own.pk}").status_code == 404
    finally:  # the index is shared by the module: put the shop's products back
        with django_capture_on_commit_callbacks(execute=True):
            shop_reinstate(shop=shop, actor=staff, reason="Hết tạm ngưng")
    assert get(client, f"{URL}/{own.pk}").status_code == 200


def _count(client, path, params) -> tuple[int, int]:
    assert client.get(path, params).status_code == 200  # warm-up (caches)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries), len(response.json().get("results", []))


@pytest.mark.parametrize("params", [{"q": "tom"}, {}, {"stars": "3,4,5", "sort": "price_desc"}])
def test_list_queries_do_not_grow_with_the_page_size(client, params):
    small, shown_small = _count(client, URL, {**params, "page_size": 5})
    large, shown_large = _count(client, URL, {**params, "page_size": 40})
    assert shown_small == 5
    assert shown_large > 5
    assert small == large


def test_detail_queries_are_constant(client):
    from catalogue.models import Category, ProductImage

    few, many = product_list_public().order_by("pk")[:2]
    for n in range(4):  # rows only: the API builds URLs from the stored names
        ProductImage.objects.create(product=many, original=f"images/extra-{n}.jpg", display_order=10 + n)
    for category in Category.objects.exclude(pk__in=many.categories.all())[:3]:
        many.categories.add(category)
    counts = {}
    for product in (few, many):
        queries, _ = _count(client, f"{URL}/{product.pk}", {})
        body = client.get(f"{URL}/{product.pk}").json()
        counts[product.pk] = (queries, len(body["images"]), len(body["categories"]))
    assert counts[many.pk][1] > counts[few.pk][1] and counts[many.pk][2] > counts[few.pk][2]
    assert counts[few.pk][0] == counts[many.pk][0]


def test_search_down_answers_from_the_database(client, search_server, settings):
    """Stopping the real server: the list still answers 200, from the database, without facets."""
    dead = embedded.start_search()
    dead.stop()
    settings.ELASTICSEARCH_URL = dead.url
    settings.ELASTICSEARCH_MAX_RETRIES = 0
    reset_client()
    try:
        response = get(client, q="mat ong u minh")
        assert response.status_code == 200
        assert response["X-Search-Degraded"] == "1"
        body = response.json()
        assert body["results"][0]["title"].startswith("Mật ong U Minh")
        assert all(values == [] for values in body["facets"].values())
        assert get(client, page="999").status_code == 422
        assert get(client, stars="9").status_code == 422
        small, _ = _count(client, URL, {"q": "tom", "page_size": 5})
        large, _ = _count(client, URL, {"q": "tom", "page_size": 40})
        assert small == large
    finally:
        settings.ELASTICSEARCH_URL = search_server.url
        reset_client()


def test_openapi_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/products" in schema["paths"]
    assert "/api/v1/products/{product_id}" in schema["paths"]
    names = {p["name"] for p in schema["paths"]["/api/v1/products"]["get"]["parameters"]}
    assert {"q", "category", "stars", "shop", "commune", "price_min", "price_max",
            "sort", "page", "page_size"} <= names
