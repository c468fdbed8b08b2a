"""`/api/v1/shops`, `/api/v1/shops/{slug}` and the OCOP open data on the demo catalogue.

The expected open-data rows come from a query written here, independently of the API's
selectors: verified certificates valid today on public, approved products of approved shops.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from catalogue.models import OcopCertificate, Product, today_local
from shops.models import Partner
from tests.factories import make_certificate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]

SHOPS = "/api/v1/shops"
JSON_URL = "/api/v1/opendata/ocop-products.json"
CSV_URL = "/api/v1/opendata/ocop-products.csv"
ITEM_KEYS = {"slug", "name", "producer_type", "commune", "url", "logo", "product_count"}
DETAIL_KEYS = ITEM_KEYS | {"description", "legal_name", "registration_number", "phone", "address"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _count_queries(client, path, params=None):
    assert client.get(path, params or {}).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(queries), response


# --- shops -------------------------------------------------------------------------


def test_shop_list_shape_and_content(client):
    response = client.get(SHOPS, {"page_size": 60})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "page", "results"}
    approved = Partner.objects.filter(status=Partner.Status.APPROVED)
    assert body["count"] == approved.count() > 0
    assert body["page"] == 1
    assert [i["slug"] for i in body["results"]] == list(
        approved.order_by("name", "pk").values_list("code", flat=True)[:60]
    )
    producer_types = {value for value, _label in Partner.ProducerType.choices}
    for item in body["results"]:
        assert set(item) == ITEM_KEYS
        shop = approved.get(code=item["slug"])
        assert item["name"] == shop.name
        assert item["producer_type"] in producer_types
        assert item["commune"] == shop.commune_name
        assert item["url"] == "http://testserver" + shop.get_absolute_url()
        # a product with options counts once (its options carry the shop too)
        assert item["product_count"] == shop.products.filter(is_public=True).exclude(structure="child").count()
        if item["logo"] is not None:
            assert item["logo"].startswith("http://testserver/")
    assert any(item["product_count"] > 0 for item in body["results"])


def test_shop_list_pagination(client):
    total = Partner.objects.filter(status=Partner.Status.APPROVED).count()
    assert total > 3
    first = client.get(SHOPS, {"page_size": 2}).json()
    second = client.get(SHOPS, {"page_size": 2, "page": 2}).json()
    assert len(first["results"]) == len(second["results"]) == 2
    assert second["page"] == 2 and first["count"] == second["count"] == total
    assert not {i["slug"] for i in first["results"]} & {i["slug"] for i in second["results"]}


def test_shop_list_filters(client):
    shop = Partner.objects.filter(status=Partner.Status.APPROVED, commune_code__isnull=False).first()
    body = client.get(SHOPS, {"commune": shop.commune_code, "page_size": 60}).json()
    expected = Partner.objects.filter(status=Partner.Status.APPROVED, commune_code=shop.commune_code)
    assert {i["slug"] for i in body["results"]} == set(expected.values_list("code", flat=True))
    body = client.get(SHOPS, {"producer_type": shop.producer_type, "page_size": 60}).json()
    assert body["count"] == Partner.objects.filter(
        status=Partner.Status.APPROVED, producer_type=shop.producer_type
    ).count()
    assert {i["producer_type"] for i in body["results"]} == {shop.producer_type}


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"page_size": "61"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "-3"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "999"}, "page"),  # beyond the last page
        ({"producer_type": "bank"}, "producer_type"),
        ({"commune": "abc"}, "commune"),
    ],
)
def test_shop_list_bad_parameters_answer_422(client, params, bad):
    response = client.get(SHOPS, params)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert {tuple(error["loc"]) for error in detail} == {("query", bad)}
    assert all(error["msg"] for error in detail)


def test_shop_detail_shows_the_storefront_disclosure(client):
    shop = Partner.objects.filter(status=Partner.Status.APPROVED).exclude(registration_number="").first()
    assert shop is not None
    response = client.get(f"{SHOPS}/{shop.code}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == DETAIL_KEYS
    assert body["slug"] == shop.code and body["name"] == shop.name
    assert body["legal_name"] == (shop.legal_name or shop.name)
    assert body["registration_number"] == shop.registration_number
    assert body["phone"] == (shop.phone or None)
    assert body["address"] == shop.full_address
    listed = client.get(SHOPS, {"page_size": 60}).json()["results"]
    assert {k: body[k] for k in ITEM_KEYS} in listed
    # what the storefront page shows
    page = client.get(shop.get_absolute_url()).content.decode()
    assert shop.registration_number in page and body["legal_name"] in page


def test_unknown_and_unapproved_shops_are_404_and_hidden(client):
    response = client.get(f"{SHOPS}/no-such-shop")
    assert response.status_code == 404
    assert response.json()["detail"] == "not_found"
    shop = Partner.objects.filter(status=Partner.Status.APPROVED).order_by("name").first()
    assert client.get(f"{SHOPS}/{shop.code}").status_code == 200
    for status in (Partner.Status.SUSPENDED, Partner.Status.PENDING, Partner.Status.REJECTED):
        Partner.objects.filter(pk=shop.pk).update(status=status)
        response = client.get(f"{SHOPS}/{shop.code}")
        assert response.status_code == 404
        assert response.json()["detail"] == "not_found"
        slugs = {i["slug"] for i in client.get(SHOPS, {"page_size": 60}).json()["results"]}
        assert shop.code not in slugs


def test_shop_queries_are_constant(client):
    small, response = _count_queries(client, SHOPS, {"page_size": 2})
    large, response_large = _count_queries(client, SHOPS, {"page_size": 60})
    assert len(response.json()["results"]) == 2 < len(response_large.json()["results"])
    assert small == large


# --- open data -------------------------------------------------------------------------


def _expected_valid() -> dict[int, int]:
    """product id → best valid stars, by a query of this test."""
    today = today_local()
    certificates = OcopCertificate.objects.filter(
        status=OcopCertificate.Status.VERIFIED, issued_on__lte=today, expires_on__gte=today,
        product__is_public=True, product__moderation_status=Product.Moderation.APPROVED,
        product__shop__status=Partner.Status.APPROVED,
    ).exclude(product__structure=Product.PARENT)
    best: dict[int, int] = {}
    for product_id, stars in certificates.values_list("product_id", "stars"):
        best[product_id] = max(stars, best.get(product_id, 0))
    return best


def _invalid_only() -> set[int]:
    """Products with a certificate, none of them valid today (the expired, the revoked)."""
    today = today_local()
    valid = Q(status=OcopCertificate.Status.VERIFIED, issued_on__lte=today, expires_on__gte=today)
    with_cert = set(OcopCertificate.objects.values_list("product_id", flat=True))
    return with_cert - set(OcopCertificate.objects.filter(valid).values_list("product_id", flat=True))


def test_open_data_json_is_exactly_the_valid_ocop_products(client):
    response = client.get(JSON_URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"date", "count", "results"}
    assert body["date"] == today_local().isoformat()
    expected = _expected_valid()
    assert len(expected) > 10
    assert {row["product_id"]: row["stars"] for row in body["results"]} == expected
    assert body["count"] == len(body["results"]) == len(expected)
    excluded = _invalid_only()
    assert excluded  # the demo's expired and revoked certificates
    assert not excluded & {row["product_id"] for row in body["results"]}
    revoked = set(OcopCertificate.objects.filter(
        status=OcopCertificate.Status.REVOKED).values_list("product_id", flat=True))
    expired = set(OcopCertificate.objects.filter(
        expires_on__lt=today_local()).values_list("product_id", flat=True))
    assert revoked and expired
    assert revoked | expired <= excluded


def test_open_data_row_fields(client, settings):
    settings.SITE_URL = "https://cho.ocop.example"
    rows = client.get(JSON_URL).json()["results"]
    certificates = OcopCertificate.objects.valid().select_related("product__shop")
    for row in rows:
        cert = certificates.filter(product_id=row["product_id"]).order_by("-stars", "-expires_on").first()
        product, shop = cert.product, cert.product.shop
        assert row["title"] == product.get_title()
        assert row["decision_number"] == cert.decision_number
        assert row["issuing_body"] == cert.issuing_body in ("province", "central")
        assert row["issuing_body_name"]
        assert row["issued_on"] == cert.issued_on.isoformat()
        assert row["expires_on"] == cert.expires_on.isoformat()
        assert DATE.match(row["expires_on"]) and row["expires_on"] >= today_local().isoformat()
        assert row["producer"] == shop.name
        assert row["producer_legal_name"] == (shop.legal_name or shop.name)
        assert row["commune"] == shop.commune_name
        assert row["url"] == "https://cho.ocop.example" + product.get_absolute_url()


def test_a_suspended_shop_leaves_the_open_data(client):
    before = client.get(JSON_URL).json()["results"]
    shop = Partner.objects.get(name=before[0]["producer"])
    Partner.objects.filter(pk=shop.pk).update(status=Partner.Status.SUSPENDED)
    after = client.get(JSON_URL).json()["results"]
    assert shop.name not in {row["producer"] for row in after}
    assert len(after) == len(before) - sum(row["producer"] == shop.name for row in before)


def test_open_data_csv_parses_and_matches_the_json(client):
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "ocop-products.csv" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    json_rows = client.get(JSON_URL).json()["results"]
    assert len(rows) == len(json_rows) == len(_expected_valid())
    assert list(rows[0]) == [
        "product_id", "title", "stars", "decision_number", "issuing_body", "issuing_body_name",
        "issued_on", "expires_on", "producer", "producer_legal_name", "commune", "url",
    ]
    for row, expected in zip(rows, json_rows, strict=True):
        assert row == {k: "" if v is None else str(v) for k, v in expected.items()}
    assert any(re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệ]", row["title"]) for row in rows)


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_open_data_queries_are_constant(client, url):
    few, _ = _count_queries(client, url)
    # more valid certificates: every public product without one gets one
    today = today_local()
    template = OcopCertificate.objects.valid().first()
    without = Product.objects.filter(is_public=True, shop__status=Partner.Status.APPROVED).exclude(
        structure=Product.PARENT
    ).exclude(ocop_certificates__isnull=False)[:5]
    assert len(without) == 5
    for product in without:
        make_certificate(
            product, stars=3, decision_number="TEST/QĐ-UBND", issued_on=today,
            expires_on=template.expires_on,
        )
    many, response = _count_queries(client, url)
    assert few == many
    if url == JSON_URL:
        assert {p.pk for p in without} <= {row["product_id"] for row in response.json()["results"]}


# --- caching headers -------------------------------------------------------------------


@pytest.mark.parametrize("path", [SHOPS, JSON_URL, CSV_URL, "shop-detail"])
def test_public_reads_carry_cache_headers_and_answer_304(client, path):
    if path == "shop-detail":
        path = f"{SHOPS}/{Partner.objects.filter(status=Partner.Status.APPROVED).first().code}"
    response = client.get(path)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=300"}
    etag = response["ETag"]
    assert re.match(r'^"[0-9a-f]+"$', etag)
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_etag_changes_with_the_content(client):
    first = client.get(JSON_URL)
    OcopCertificate.objects.filter(status=OcopCertificate.Status.VERIFIED).update(
        decision_number="CHANGED/QĐ-UBND"
    )
    second = client.get(JSON_URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]


def test_errors_are_not_marked_cacheable(client):
    response = client.get(f"{SHOPS}/no-such-shop")
    assert response.status_code == 404
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_openapi_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {SHOPS, f"{SHOPS}/{{slug}}", JSON_URL, CSV_URL} <= set(paths)
    names = {p["name"] for p in paths[SHOPS]["get"]["parameters"]}
    assert {"page", "page_size", "producer_type", "commune"} <= names


def test_open_data_csv_guards_a_formula_title(client):
    """A seller's title such as =HYPERLINK(…) must not run when the file is opened (ADR 0031)."""
    first = client.get(JSON_URL).json()["results"][0]
    Product.objects.filter(pk=first["product_id"]).update(title='=HYPERLINK("http://evil.example","Mở")')
    Partner.objects.filter(name=first["producer"]).update(legal_name="HTX;=2+2")
    raw = client.get(CSV_URL).content.decode("utf-8-sig")
    rows = {int(row["product_id"]): row for row in csv.DictReader(io.StringIO(raw))}
    assert rows[first["product_id"]]["title"] == '\'=HYPERLINK("http://evil.example","Mở")'
    assert rows[first["product_id"]]["producer_legal_name"] == "HTX;'=2+2"
    # Read with ';' as the separator too: no cell of the file begins a formula.
    for row in csv.reader(io.StringIO(raw), delimiter=";"):
        assert not any(cell.lstrip(" ")[:1] in ("=", "+", "@") for cell in row if cell)
