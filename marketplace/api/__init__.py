"""The public JSON API, `/api/v1/` (django-ninja): OpenAPI at `/api/v1/openapi.json`.

Bad parameters answer 422 with a JSON body (ninja's validation), never 500. Endpoints
are added per domain as routers: products (search, filters, facets; one product),
search suggestions for the search box, shops (directory; one shop), OCOP products valid
today (paginated, filterable) and open data (the same products, JSON and CSV downloads).

The interactive docs, `/api/v1/docs`, are Swagger UI from django-ninja's own static files
("ninja" is in INSTALLED_APPS: without it ninja's page loads Swagger UI from a CDN, which a
phone on a slow link or an offline demo cannot reach); the online validator badge is off.
"""

from django.http import HttpRequest
from django.urls import re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import Throttled

from marketplace.api.ocop import router as ocop_router
from marketplace.api.opendata import router as opendata_router
from marketplace.api.products import router as products_router
from marketplace.api.ratelimit import FixedWindowThrottle, throttled_handler
from marketplace.api.search import router as search_router
from marketplace.api.shops import router as shops_router
from search.engine import SearchUnavailable


class MarketplaceAPI(NinjaAPI):
    """An address under /api/v1/ that no endpoint serves answers a JSON 404, not the site's HTML
    page: integrators parse JSON, and the schema's 404 bodies are JSON."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        return [*patterns, re_path(r"", self.not_found)], app_name, namespace

    def not_found(self, request: HttpRequest):
        return self.create_response(
            request, {"detail": "not_found", "message": _("Không tìm thấy trang")}, status=404
        )


api = MarketplaceAPI(
    title="Chợ OCOP API",
    version="1",
    description="Sản phẩm, cửa hàng và gợi ý tìm kiếm của sàn Chợ OCOP.",
    urls_namespace="api-v1",
    throttle=[FixedWindowThrottle()],  # per IP, settings.API_RATE_LIMIT: 429 over it
    docs=Swagger(settings={"validatorUrl": None}),  # no request to swagger.io's validator
)
api.add_router("/products", products_router, tags=["products"])
api.add_router("/search/", search_router, tags=["search"])
api.add_router("/shops", shops_router, tags=["shops"])
api.add_router("/ocop-products", ocop_router, tags=["ocop"])
api.add_router("/opendata", opendata_router, tags=["open data"])
api.add_exception_handler(Throttled, throttled_handler(api))


def search_unavailable(request: HttpRequest, exc: Exception):
    return api.create_response(
        request,
        {"detail": "search_unavailable", "message": "Tìm kiếm tạm thời gián đoạn."},
        status=503,
    )


for _error in SearchUnavailable:  # a tuple of the client's transport and API errors
    api.add_exception_handler(_error, search_unavailable)
