"""The public JSON API, `/api/v1/` (django-ninja): OpenAPI at `/api/v1/openapi.json`.

Bad parameters answer 422 with a JSON body (ninja's validation), never 500. Endpoints
are added per domain as routers: products (search, filters, facets; one product),
search suggestions for the search box, shops (directory; one shop) and open data (OCOP
products valid today, JSON and CSV).
"""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import Throttled

from marketplace.api.opendata import router as opendata_router
from marketplace.api.products import router as products_router
from marketplace.api.ratelimit import FixedWindowThrottle, throttled_handler
from marketplace.api.search import router as search_router
from marketplace.api.shops import router as shops_router
from search.engine import SearchUnavailable

api = NinjaAPI(
    title="Chợ OCOP API",
    version="1",
    description="Sản phẩm, cửa hàng và gợi ý tìm kiếm của sàn Chợ OCOP.",
    urls_namespace="api-v1",
    throttle=[FixedWindowThrottle()],  # per IP, settings.API_RATE_LIMIT: 429 over it
)
api.add_router("/products", products_router, tags=["products"])
api.add_router("/search/", search_router, tags=["search"])
api.add_router("/shops", shops_router, tags=["shops"])
api.add_router("/opendata", opendata_router, tags=["open data"])
api.add_exception_handler(Throttled, throttled_handler(api))


def search_unavailable(request: HttpRequest, exc: Exception):
    return api.create_response(
        request, {"detail": "search_unavailable", "message": "Tìm kiếm tạm thời gián đoạn."}, status=503
    )


for _error in SearchUnavailable:  # a tuple of the client's transport and API errors
    api.add_exception_handler(_error, search_unavailable)
