"""`GET /api/v1/ocop-products` on the demo catalogue: the paginated, filterable OCOP list.

What must be listed is worked out here from the models (test_shops_opendata's independent
query of valid certificates); the product fields are compared with `/api/v1/products/{id}`,
so both endpoints describe a product the same way.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Category, OcopCertificate, Product, today_local
from catalogue.ocop import OCOP_GROUP_CODES
from shops.models import Partner
from tests.integration.api.test_shops_opendata import _expected_valid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]

URL = "/api/v1/ocop-products"
ITEM_KEYS = {
    "id",
    "title",
    "url",
    "price",
    "list_price",  # added with sale prices: the contract's keys are all still there
    "sale_ends",
    "currency",
    "shop",
    "ocop",
    "image",
    "commune",
    "available",
    "price_max",  # added with product options: the highest option's price
}


def _all(client, **params) -> tuple[int, list[dict]]:
    """Every item, page by page (60 a page, the maximum)."""
    results: list[dict] = []
    page, count = 1, None
    while True:
        response = client.get(URL, {**params, "page": page, "page_size": 60})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["page"] == page
        count = body["count"]
        results.extend(body["results"])
        if len(results) >= count:
            return count, results
        page += 1


def _best_certificate(product_id: int) -> OcopCertificate:
    today = today_local()
    return (
        OcopCertificate.objects.filter(
            product_id=product_id,
            status=OcopCertificate.Status.VERIFIED,
            issued_on__lte=today,
            expires_on__gte=today,
        )
        .order_by("-stars", "-expires_on", "-pk")
        .first()
    )


def test_lists_exactly_the_valid_ocop_products_most_stars_first(client):
    expected = _expected_valid()
    assert len(expected) > 10
    count, results = _all(client)
    assert count == len(results) == len(expected)
    assert {item["id"]: item["ocop"]["stars"] for item in results} == expected
    order = [(-item["ocop"]["stars"], item["id"]) for item in results]
    assert order == sorted(order)


def test_item_fields_are_the_product_card_and_the_certificate(client):
    _count, results = _all(client)
    for item in results:
        assert set(item) == ITEM_KEYS
        detail = client.get(f"/api/v1/products/{item['id']}").json()
        assert {k: v for k, v in item.items() if k != "ocop"} == {
            k: detail[k] for k in ITEM_KEYS - {"ocop"}
        }
        certificate = _best_certificate(item["id"])
        assert item["ocop"] == {
            "stars": certificate.stars,
            "expires": certificate.expires_on.isoformat(),
            "decision_number": certificate.decision_number,
        }
        assert detail["ocop"] == {"stars": certificate.stars, "expires": item["ocop"]["expires"]}
    assert any(item["image"] for item in results)
    assert all(isinstance(item["price"], int) for item in results)


@pytest.mark.parametrize("stars", ["5", "3,4", "4"])
def test_stars_filter(client, stars):
    wanted = {int(s) for s in stars.split(",")}
    expected = {pk for pk, best in _expected_valid().items() if best in wanted}
    assert expected
    count, results = _all(client, stars=stars)
    assert count == len(expected)
    assert {item["id"] for item in results} == expected


def test_group_filter_follows_the_category_tree(client):
    """A product filed under a sub-group (thuc-pham/mat-ong) belongs to its group (thuc-pham)."""
    valid = set(_expected_valid())
    seen: set[int] = set()
    for code in OCOP_GROUP_CODES:
        root = Category.objects.get(code=code, depth=1)
        subtree = Category.objects.filter(path__startswith=root.path)
        expected = set(
            Product.objects.filter(pk__in=valid, categories__in=subtree).values_list(
                "pk", flat=True
            )
        ) | set(
            Product.objects.filter(pk__in=valid, parent__categories__in=subtree).values_list(
                "pk", flat=True
            )
        )
        _count, results = _all(client, group=code)
        assert {item["id"] for item in results} == expected, code
        seen |= expected
    assert seen  # the demo's products are filed in OCOP groups
    assert _all(client, group="thuc-pham")[0] > 0


def test_commune_filter_and_an_empty_result(client):
    shop = (
        Partner.objects.filter(
            status=Partner.Status.APPROVED, products__ocop_certificates__isnull=False
        )
        .exclude(commune_code=None)
        .first()
    )
    expected = {
        pk
        for pk in _expected_valid()
        if Product.objects.get(pk=pk).shop.commune_code == shop.commune_code
    }
    count, results = _all(client, commune=shop.commune_code)
    assert count == len(expected) > 0
    assert {item["id"] for item in results} == expected
    assert {item["commune"] for item in results} == {shop.commune_name}
    empty = client.get(URL, {"commune": 99_999_999})
    assert empty.status_code == 200
    assert empty.json() == {"count": 0, "page": 1, "results": []}


def test_pagination(client):
    total = len(_expected_valid())
    first = client.get(URL, {"page_size": 3}).json()
    second = client.get(URL, {"page_size": 3, "page": 2}).json()
    assert first["count"] == second["count"] == total
    assert len(first["results"]) == len(second["results"]) == 3
    assert not {i["id"] for i in first["results"]} & {i["id"] for i in second["results"]}
    assert len(client.get(URL).json()["results"]) == min(24, total)  # the default page size


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"stars": "6"}, "stars"),
        ({"stars": "3,"}, "stars"),
        ({"stars": "four"}, "stars"),
        ({"group": "thuc pham"}, "group"),
        ({"commune": "abc"}, "commune"),
        ({"commune": "0"}, "commune"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "999"}, "page"),  # beyond the last page
        ({"page_size": "61"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_parameters_answer_422(client, params, bad):
    response = client.get(URL, params)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert {tuple(error["loc"]) for error in detail} == {("query", bad)}
    assert all(error["msg"] for error in detail)
    assert "ETag" not in response


def test_queries_do_not_grow_with_the_page_size(client):
    counts = {}
    for size in (2, 60):
        client.get(URL, {"page_size": size})  # warm-up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"page_size": size, "group": "thuc-pham", "stars": "3,4,5"})
        assert response.status_code == 200
        counts[size] = (len(queries), len(response.json()["results"]))
    assert counts[2][1] == 2 < counts[60][1]
    assert counts[2][0] == counts[60][0] <= 4


def test_a_revoked_certificate_leaves_the_list(client):
    item = client.get(URL, {"page_size": 1}).json()["results"][0]
    today = today_local()
    OcopCertificate.objects.filter(
        product_id=item["id"], status=OcopCertificate.Status.VERIFIED, expires_on__gte=today
    ).update(status=OcopCertificate.Status.REVOKED)
    ids = {i["id"] for i in _all(client)[1]}
    assert item["id"] not in ids
    assert len(ids) == len(_expected_valid())


# --- caching headers (also of the search box's suggestions) ------------------------------


@pytest.mark.parametrize(
    ("path", "params", "max_age"),
    [
        (URL, {"stars": "4,5"}, 300),
        ("/api/v1/products", {"q": "mat ong"}, 300),
        # asked at every keystroke: a short max-age; ties of the completion suggester used to
        # come back in any order, so the ETag changed from one request to the next
        ("/api/v1/search/suggest", {"q": "mat o"}, 60),
    ],
)
def test_public_reads_carry_cache_headers_and_answer_304(client, path, params, max_age):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    assert response.json()
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", f"max-age={max_age}"}
    etag = response["ETag"]
    assert {client.get(path, params)["ETag"] for _ in range(5)} == {etag}  # stable answers
    again = client.get(path, params, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(path, params, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    bad = client.get(path, {"page": "0"} if path != "/api/v1/search/suggest" else {"q": ""})
    assert bad.status_code == 422
    assert "ETag" not in bad and "public" not in bad.get("Cache-Control", "")


def test_suggestions_are_not_empty_on_the_demo(client):
    body = client.get("/api/v1/search/suggest", {"q": "mat o"}).json()
    assert body["suggestions"], body
