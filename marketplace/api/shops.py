"""`GET /api/v1/shops` and `GET /api/v1/shops/{slug}`: the directory of approved shops as JSON.

Reads go through shops.selectors (approved shops only, the directory's product counts), so a
pending, suspended or rejected shop is absent from the list and its slug answers 404, as on
the storefront. The detail adds the seller disclosure the public storefront already shows
(legal name, registration number, phone, address). Bad parameters answer 422 (ninja's
validation shape, `{"detail": [{"loc": ["query", name], "msg": …}]}`); a page beyond the last
answers 422 too, like `/products`. Both cost a constant number of SQL queries and carry
public caching headers (marketplace.api.caching).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from marketplace.api.caching import public_cache
from marketplace.api.common import (
    PageBeyondLast,
    page_field,
    page_size_field,
    paginate,
    public_read,
)
from shops.models import Partner
from shops.selectors import shop_list_approved

router = Router()

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 60


class ShopsQuery(Schema):
    page: int = page_field()
    page_size: int = page_size_field(DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, "shops")
    producer_type: Partner.ProducerType | None = Field(
        None, description="company, cooperative, cooperative_group or household"
    )
    commune: int | None = Field(None, ge=1, le=99_999_999, description="commune code")


class ShopItem(Schema):
    slug: str
    name: str
    producer_type: str
    commune: str | None
    url: str
    logo: str | None
    product_count: int


class ShopList(Schema):
    count: int
    page: int
    results: list[ShopItem]


class ShopDetail(ShopItem):
    description: str = Field(..., description="sanitised HTML")
    legal_name: str
    registration_number: str | None
    phone: str | None
    address: str | None


def _logo(request: HttpRequest, shop: Partner) -> str | None:
    if not shop.logo:
        return None
    try:
        return request.build_absolute_uri(shop.logo.url)
    except ValueError:
        return None


def _item(request: HttpRequest, shop: Partner) -> dict:
    return {
        "slug": shop.code,
        "name": shop.name,
        "producer_type": shop.producer_type,
        "commune": shop.commune_name,
        "url": request.build_absolute_uri(shop.get_absolute_url()),
        "logo": _logo(request, shop),
        "product_count": shop.product_count,
    }


@router.get(
    "",
    response=public_read(ShopList, 422),
    summary="Approved shops, by name (the /shops/ directory as JSON)",
)
@decorate_view(public_cache())
def shop_list(request: HttpRequest, query: Query[ShopsQuery]):
    shops = shop_list_approved(
        commune_code=query.commune,
        producer_type=query.producer_type.value if query.producer_type else None,
    )
    try:
        count, page = paginate(shops, page=query.page, page_size=query.page_size)
    except PageBeyondLast as exc:
        return exc.response()
    return Status(200, {
        "count": count,
        "page": query.page,
        "results": [_item(request, shop) for shop in page],
    })


@router.get(
    "/{slug}",
    response=public_read(ShopDetail, 404),
    summary="One approved shop, with the seller disclosure of its storefront",
)
@decorate_view(public_cache())
def shop_detail(request: HttpRequest, slug: str):
    shop = shop_list_approved().filter(code=slug).first()
    if shop is None:
        return Status(404, {"detail": "not_found", "message": _("Không tìm thấy cửa hàng.")})
    return Status(200, {
        **_item(request, shop),
        "description": shop.description or "",
        "legal_name": shop.legal_name or shop.name,
        "registration_number": shop.registration_number or None,
        "phone": shop.phone or None,
        "address": shop.full_address or None,
    })
