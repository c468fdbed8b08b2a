"""The public JSON API, `/api/v1/` (django-ninja): OpenAPI at `/api/v1/openapi.json`.

Bad parameters answer 422 with a JSON body (ninja's validation), never 500. Endpoints
are added per domain as routers: products (search, filters, facets; one product) and
search suggestions for the search box.
"""

from django.http import HttpRequest
from ninja import NinjaAPI

from marketplace.api.products import router as products_router
from marketplace.api.search import router as search_router
from search.engine import SearchUnavailable

api = NinjaAPI(
    title="Chợ OCOP API",
    version="1",
    description="Sản phẩm, cửa hàng và gợi ý tìm kiếm của sàn Chợ OCOP.",
    urls_namespace="api-v1",
)
api.add_router("/products", products_router, tags=["products"])
api.add_router("/search/", search_router, tags=["search"])


def search_unavailable(request: HttpRequest, exc: Exception):
    return api.create_response(
        request, {"detail": "search_unavailable", "message": "Tìm kiếm tạm thời gián đoạn."}, status=503
    )


for _error in SearchUnavailable:  # a tuple of the client's transport and API errors
    api.add_exception_handler(_error, search_unavailable)
