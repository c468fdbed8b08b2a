"""`GET /api/v1/products` and `GET /api/v1/products/{id}`: the public catalogue as JSON.

The list runs the very query builder of the `/search/` page (search.query:
`SearchParams.from_data` → `search_products` → `hydrate`), so filters, sorts,
disjunctive facets and relevance are the same. Bad parameters answer 422 with
`{"detail": [{"loc": ["query", name], "msg": …}]}` (ninja's validation shape).

Search server down: the list answers from the database fallback
(search.fallback.database_search: folded words, the simple filters, no typo
tolerance) with empty facet lists — the same degradation as the HTML page, so
a shop's app keeps listing products; the `X-Search-Degraded: 1` header says so.
The detail reads the database only. Both cost a constant number of SQL queries.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from pydantic import Field

from catalogue.pricing import price_in_force, price_range
from catalogue.selectors import is_available, product_list_public, sellable_records
from marketplace.api.caching import public_cache
from marketplace.api.common import PageBeyondLast, public_read, unprocessable
from search.engine import SearchUnavailable
from search.fallback import database_search
from search.query import (
    FACETS,
    InvalidSearchParams,
    SearchParams,
    SearchResult,
    hydrate,
    search_products,
)

logger = logging.getLogger(__name__)
router = Router()

DEFAULT_PAGE_SIZE = 24
MAX_ID = 2**63 - 1  # the largest BigAutoField value (SQLite and PostgreSQL)
MAX_PAGE_SIZE = 60
CURRENCY = "VND"


# --- schemas -----------------------------------------------------------------


class ProductsQuery(Schema):
    """Documented for OpenAPI; parsed (and validated) by search.query.SearchParams."""

    q: str | None = Field(None, description="words, with or without diacritics (max 200 characters)")
    category: str | None = Field(None, description="category ids or slugs, comma separated")
    stars: str | None = Field(None, description="OCOP stars valid today: 3, 4, 5 (comma separated)")
    shop: str | None = Field(None, description="shop slugs, comma separated")
    commune: str | None = Field(None, description="commune codes, comma separated")
    price_min: str | None = Field(None, description="lowest price in đồng")
    price_max: str | None = Field(None, description="highest price in đồng")
    sort: str | None = Field(
        None, description="relevance (default), price_asc, price_desc, newest, popular"
    )
    page: str | None = Field(None, description="page number, from 1")
    page_size: str | None = Field(
        None, description=f"products per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE})"
    )


class ShopRef(Schema):
    slug: str
    name: str


class Ocop(Schema):
    stars: int
    expires: str = Field(..., description="YYYY-MM-DD")


class ProductItem(Schema):
    id: int
    title: str
    url: str
    price: int | None = Field(
        ..., description="whole đồng, the price in force now (a sale price while its sale runs); a product "
        "with options: its cheapest option; "
        "null when the product has no price yet")
    list_price: int | None = Field(
        None, description="whole đồng, the usual price: higher than `price` during a sale")
    sale_ends: str | None = Field(
        None, description="ISO 8601 date-time when the sale in force ends; null without one")
    price_max: int | None = Field(None, description="whole đồng, in force now; the dearest option "
                                                     "(= price without options)")
    currency: str = CURRENCY
    shop: ShopRef | None
    ocop: Ocop | None
    image: str | None
    commune: str | None
    available: bool


class FacetBucket(Schema):
    key: str
    label: str
    count: int


class Facets(Schema):
    category: list[FacetBucket]
    stars: list[FacetBucket]
    shop: list[FacetBucket]
    commune: list[FacetBucket]
    price: list[FacetBucket]


class ProductList(Schema):
    count: int
    page: int
    results: list[ProductItem]
    facets: Facets


class CategoryRef(Schema):
    id: int
    name: str
    slug: str


class Stock(Schema):
    available: bool
    num_available: int | None = Field(..., description="units that can be ordered; null: not tracked")


class ProductDetail(ProductItem):
    description: str
    categories: list[CategoryRef]
    images: list[str]
    stock: Stock


# --- helpers -----------------------------------------------------------------


class _BadParams(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors


def _params(request: HttpRequest) -> SearchParams:
    data = request.GET.copy()
    size = data.getlist("page_size")
    if len(size) == 1 and size[0].strip().isdigit() and int(size[0]) > MAX_PAGE_SIZE:
        raise _BadParams({"page_size": _("Tối đa %(n)d sản phẩm mỗi trang.") % {"n": MAX_PAGE_SIZE}})
    if not size:
        data["page_size"] = str(DEFAULT_PAGE_SIZE)
    try:
        return SearchParams.from_data(data)
    except InvalidSearchParams as exc:
        raise _BadParams(exc.errors) from exc


def _num_available(product, record) -> int | None:
    """Units that can be ordered, or None when stock is not tracked."""
    product_class = product.product_class
    tracks_stock = product_class.track_stock if product_class is not None else True
    if record is None or not tracks_stock or record.num_in_stock is None:
        return None
    return max(0, record.net_stock_level)


def _image_urls(request, product) -> list[str]:
    urls = []
    for image in product.images.all():  # prefetched, ordered by display_order
        if image.original:
            try:
                urls.append(request.build_absolute_uri(image.original.url))
            except ValueError:
                continue
    return urls


def product_item(request: HttpRequest, product) -> dict:
    """A product card; `product` as product_list_public() gives it (no query here).
    A product with options is priced from its cheapest to its dearest public option (in force
    now: catalogue.pricing) and available when any of them is (catalogue.selectors)."""
    records = sellable_records(product)
    price, prices = price_in_force(records), price_range(records)
    shop = product.shop
    images = _image_urls(request, product)
    stars, expires = getattr(product, "ocop_stars", None), getattr(product, "ocop_expires", None)
    return {
        "id": product.pk,
        "title": product.title or product.get_title(),
        "url": request.build_absolute_uri(product.get_absolute_url()),
        "price": price.price if price is not None else None,
        "price_max": (prices.price_max or prices.price) if prices is not None else None,
        "list_price": price.list_price if price is not None else None,
        "sale_ends": price.sale_ends_at.isoformat() if price is not None and price.on_sale else None,
        "currency": CURRENCY,
        "shop": {"slug": shop.code, "name": shop.name} if shop else None,
        "ocop": {"stars": stars, "expires": expires.isoformat()} if stars and expires else None,
        "image": images[0] if images else None,
        "commune": shop.commune_name if shop else None,
        "available": is_available(product),
    }


def _facets(result: SearchResult) -> dict:
    return {
        facet: [{"key": value.key, "label": str(value.label), "count": value.count}
                for value in result.facets.get(facet, [])]
        for facet in FACETS
    }


# --- endpoints -----------------------------------------------------------------


@router.get(
    "",
    response=public_read(ProductList, 422, 503),
    summary="Search and filter public products (the /search/ page as JSON)",
)
@decorate_view(public_cache())
def product_list(request: HttpRequest, response: HttpResponse, query: Query[ProductsQuery]):
    try:
        params = _params(request)
    except _BadParams as exc:
        return unprocessable(exc.errors)
    try:
        result = search_products(params)
    except SearchUnavailable as exc:
        logger.warning("search engine unavailable, API answers from the database: %s", exc)
        result = database_search(params)
    if params.page > result.num_pages:
        return PageBeyondLast(result.num_pages).response()
    products = hydrate(result, queryset=product_list_public().select_related("parent"))
    response_body = {
        "count": result.total,
        "page": params.page,
        "results": [product_item(request, product) for product in products],
        "facets": _facets(result),
    }
    if result.degraded:
        response["X-Search-Degraded"] = "1"
    return Status(200, response_body)


@router.get(
    "/{product_id}",
    response=public_read(ProductDetail, 404, 422),
    summary="One public product",
)
@decorate_view(public_cache())
def product_detail(
    request: HttpRequest,
    # Parsed by ninja, not by an `int:` URL converter: "/products/abc" answers 422 JSON (not
    # the HTML 404 page), and ids beyond a 64-bit integer never reach the database.
    product_id: int = Path(..., ge=1, le=MAX_ID, description="the product id"),
):
    try:
        product = get_object_or_404(
            product_list_public().select_related("parent").prefetch_related("categories"),
            pk=product_id,
        )
    except Http404:
        return Status(404, {"detail": "not_found", "message": _("Không tìm thấy sản phẩm.")})
    records = sellable_records(product)
    counts = [_num_available(product, record) for record in records]
    return Status(200, {
        **product_item(request, product),
        "description": product.description or "",
        "categories": [
            {"id": c.pk, "name": c.name, "slug": c.slug} for c in product.categories.all()
        ],
        "images": _image_urls(request, product),
        "stock": {"available": is_available(product),
                  # a product with options: the units of all its options together
                  "num_available": None if not records or None in counts else sum(counts)},
    })
