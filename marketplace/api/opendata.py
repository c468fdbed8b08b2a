"""Open data: `GET /api/v1/opendata/ocop-products.json` and `.csv`.

Every OCOP product valid today, one row per product from its best valid certificate
(marketplace.api.selectors.ocop_certificates_current, shared with `/ocop-products`, the
paginated and filterable list for apps). Product URLs are built from the configured site
address (catalogue.qr.site_base_url: never the request's Host), falling back to the request
when SITE_URL is not configured. One SQL query whatever the number of products.

The CSV has a header row and is UTF-8 with a BOM, so Excel opens Vietnamese correctly; titles
and names come from sellers, so cells are formula-guarded (marketplace.core.spreadsheets).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from catalogue.models import today_local
from catalogue.qr import site_base_url
from marketplace.api.caching import public_cache
from marketplace.api.common import public_read
from marketplace.api.selectors import ocop_certificates_current
from marketplace.core.spreadsheets import csv_bytes

router = Router()

COLUMNS = (
    "product_id", "title", "stars", "decision_number", "issuing_body", "issuing_body_name",
    "issued_on", "expires_on", "producer", "producer_legal_name", "commune", "url",
)


class OcopProduct(Schema):
    product_id: int
    title: str
    stars: int
    decision_number: str
    issuing_body: str = Field(..., description="province or central")
    issuing_body_name: str
    issued_on: str = Field(..., description="YYYY-MM-DD")
    expires_on: str = Field(..., description="YYYY-MM-DD")
    producer: str = Field(..., description="the shop's name")
    producer_legal_name: str
    commune: str | None
    url: str


class OcopProducts(Schema):
    date: str = Field(..., description="the day (Asia/Ho_Chi_Minh) the certificates are valid on")
    count: int
    results: list[OcopProduct]


def _base_url(request: HttpRequest) -> str:
    try:
        return site_base_url()
    except ImproperlyConfigured:
        return request.build_absolute_uri("/").rstrip("/")


def ocop_products(request: HttpRequest) -> list[dict]:
    """The rows, ordered by product id: one query (certificates with product, parent, shop)."""
    base = _base_url(request)
    rows: list[dict] = []
    for certificate in ocop_certificates_current().order_by("product_id"):
        product, shop = certificate.product, certificate.product.shop
        rows.append({
            "product_id": product.pk,
            "title": product.get_title(),
            "stars": certificate.stars,
            "decision_number": certificate.decision_number,
            "issuing_body": certificate.issuing_body,
            "issuing_body_name": str(certificate.get_issuing_body_display()),
            "issued_on": certificate.issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
            "producer": shop.name,
            "producer_legal_name": shop.legal_name or shop.name,
            "commune": shop.commune_name,
            "url": base + product.get_absolute_url(),
        })
    return rows


@router.get(
    "/ocop-products.json",
    response=public_read(OcopProducts),
    summary="Every OCOP product with a certificate valid today (open data, JSON)",
)
@decorate_view(public_cache())
def ocop_products_json(request: HttpRequest):
    rows = ocop_products(request)
    return {"date": today_local().isoformat(), "count": len(rows), "results": rows}


@router.get(
    "/ocop-products.csv",
    summary="Every OCOP product with a certificate valid today (open data, CSV, UTF-8 with BOM)",
    response=public_read(None),  # the 200 body is described below: CSV, not JSON
    openapi_extra={"responses": {200: {
        "description": "CSV with a header row: " + ", ".join(COLUMNS),
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }}},
)
@decorate_view(public_cache())
def ocop_products_csv(request: HttpRequest):
    rows = ocop_products(request)
    body = csv_bytes(COLUMNS, ([row[column] if row[column] is not None else "" for column in COLUMNS] for row in rows))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ocop-products.csv"'
    return response
