"""`GET /api/v1/ocop-products?stars=&group=&commune=&page=&page_size=`: OCOP products valid today.

The product cards of `/products` (same fields, same URLs) with the certificate they are listed
for: each public product holding a certificate valid today, once, with its best one
(marketplace.api.selectors, shared with the open data files, which list every row unpaged
for download). Filters: stars of that certificate (comma separated), OCOP product group
(catalogue.ocop.OCOP_GROUP_CODES) and the shop's commune code. Most stars first, then by
product id. Bad parameters and a page beyond the last answer 422; four SQL queries whatever
the page size (count, page, images, stock records).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from catalogue.ocop import OCOP_GROUP_CODES
from marketplace.api.caching import public_cache
from marketplace.api.common import (
    PageBeyondLast,
    page_field,
    page_size_field,
    paginate,
    public_read,
)
from marketplace.api.products import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Ocop,
    ProductItem,
    product_item,
)
from marketplace.api.selectors import ocop_certificates_filtered

router = Router()

OcopGroup = Literal[tuple(OCOP_GROUP_CODES)]  # type: ignore[valid-type]


class OcopProductsQuery(Schema):
    stars: str | None = Field(
        None,
        pattern=r"^[345](,[345])*$",
        description="stars of the valid certificate: 3, 4, 5 (comma separated)",
    )
    group: OcopGroup | None = Field(None, description="OCOP product group (Decision 148/QĐ-TTg)")
    commune: int | None = Field(None, ge=1, le=99_999_999, description="the shop's commune code")
    page: int = page_field()
    page_size: int = page_size_field(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, "products")


class OcopCertificate(Ocop):
    decision_number: str = Field(..., description="the certifying decision, e.g. 1234/QĐ-UBND")


class OcopProductItem(ProductItem):
    ocop: OcopCertificate


class OcopProductList(Schema):
    count: int
    page: int
    results: list[OcopProductItem]


def _item(request: HttpRequest, certificate) -> dict:
    return {
        **product_item(request, certificate.product),
        "ocop": {
            "stars": certificate.stars,
            "expires": certificate.expires_on.isoformat(),
            "decision_number": certificate.decision_number,
        },
    }


@router.get(
    "",
    response=public_read(OcopProductList, 422),
    summary="Public products with an OCOP certificate valid today, most stars first",
)
@decorate_view(public_cache())
def ocop_product_list(request: HttpRequest, query: Query[OcopProductsQuery]):
    certificates = ocop_certificates_filtered(
        stars=[int(s) for s in query.stars.split(",")] if query.stars else None,
        group=query.group,
        commune_code=query.commune,
    ).order_by("-stars", "product_id")
    try:
        count, page = paginate(certificates, page=query.page, page_size=query.page_size)
    except PageBeyondLast as exc:
        return exc.response()
    return Status(
        200,
        {
            "count": count,
            "page": query.page,
            "results": [_item(request, certificate) for certificate in page],
        },
    )
