"""The shared page: parameters → search (or the database fallback) → template."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from catalogue.selectors import popular_products
from marketplace.core import pagecache
from search.engine import SearchUnavailable
from search.fallback import database_search
from search.query import (
    FACETS,
    SORTS,
    InvalidSearchParams,
    SearchParams,
    SearchResult,
    hydrate,
    search_products,
)
from search.ranking import SORT_LABELS

logger = logging.getLogger(__name__)

FACET_TITLES = {
    "category": _("Danh mục"),
    "stars": _("Hạng OCOP"),
    "shop": _("Cửa hàng"),
    "commune": _("Xã/phường"),
    "price": _("Giá"),
}
#: Seconds a page answered by the database fallback stays in the anonymous page cache.
DEGRADED_PAGE_SECONDS = 30
#: Parameters that a new query, sort or filter resets.
_RESET_ON_CHANGE = ("page",)


@dataclass
class FacetLink:
    key: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class PageLink:
    number: int
    url: str
    current: bool


class QueryString:
    """Links that change some parameters of the current request and keep the rest."""

    def __init__(self, query_dict):
        self.data = {key: list(values) for key, values in query_dict.lists()}

    def url(self, **changes) -> str:
        data = {key: list(values) for key, values in self.data.items()}
        for key in _RESET_ON_CHANGE:
            data.pop(key, None)
        for key, value in changes.items():
            if value is None or value == [] or value == "":
                data.pop(key, None)
            elif isinstance(value, (list, tuple)):
                data[key] = [str(item) for item in value]
            else:
                data[key] = [str(value)]
        pairs = [(key, value) for key, values in data.items() for value in values if value != ""]
        return "?" + urlencode(pairs) if pairs else "?"

    def hidden(self, *exclude: str) -> list[tuple[str, str]]:
        """(name, value) pairs for hidden inputs of a GET form."""
        skip = set(exclude) | set(_RESET_ON_CHANGE)
        return [(key, value) for key, values in self.data.items() if key not in skip
                for value in values if value != ""]

    def toggle(self, facet: str, key: str, selected: bool) -> str:
        if facet == "price":
            if selected:
                return self.url(price_min=None, price_max=None)
            low, _sep, high = key.partition("-")
            return self.url(price_min=low or None, price_max=high or None)
        current = [value for values in self.data.get(facet, []) for value in values.split(",")
                   if value]
        if selected:
            current = [value for value in current if value != key]
        else:
            current.append(key)
        return self.url(**{facet: current})


class BaseSearchView(TemplateView):
    """Search or browse products. Subclasses set the template and the fixed scope."""

    context_object_name = "products"
    #: Facets the page shows (in this order).
    facets = FACETS

    def get_param_overrides(self) -> dict:
        """Parameters fixed by the page (e.g. the category of a category page)."""
        return {}

    def parse_params(self) -> tuple[SearchParams, dict[str, str]]:
        """The valid parameters, and the errors of the bad ones (which are dropped)."""
        overrides = self.get_param_overrides()
        try:
            return SearchParams.from_data(self.request.GET, **overrides), {}
        except InvalidSearchParams as exc:
            errors = exc.errors
        cleaned = self.request.GET.copy()
        for name in errors:
            cleaned.pop(name, None)
            if name in ("price_min", "price_max"):
                cleaned.pop("price_min", None)
                cleaned.pop("price_max", None)
        try:
            return SearchParams.from_data(cleaned, **overrides), errors
        except InvalidSearchParams as exc:  # should not happen; be safe
            return SearchParams(**overrides), {**errors, **exc.errors}

    def run_search(self, params: SearchParams) -> SearchResult:
        try:
            return search_products(params)
        except SearchUnavailable as exc:
            logger.warning("search engine unavailable, using the database: %s", exc)
            return database_search(params)

    def get(self, request, *args, **kwargs):
        # Anonymous visitors get the stored page while the catalogue and the shown products'
        # price and stock are unchanged: marketplace/core/pagecache.py.
        return pagecache.serve(
            request,
            "search",
            render=lambda: self.render_results(**kwargs),
            products=self.page_products,
            seconds=self.page_seconds,
        )

    def render_results(self, **kwargs):
        params, errors = self.parse_params()
        result = self.run_search(params)
        products = hydrate(result)
        context = self.get_context_data(
            params=params, result=result, errors=errors, **kwargs
        )
        context[self.context_object_name] = products
        # Nothing found for a query: the page proposes corrections and what others buy.
        self.popular = popular_products() if (params.q and not products) else []
        context["popular_products"] = self.popular
        self.result = result
        return self.render_to_response(context, status=400 if errors else 200)

    def page_products(self, response):
        """The products the stored page shows; None: do not store (an error)."""
        result = getattr(self, "result", None)
        if response.status_code != 200 or result is None:
            return None
        return [*result.ids, *(product.pk for product in getattr(self, "popular", []))]

    def page_seconds(self, response) -> int | None:
        """A page answered by the database fallback is kept only briefly: long enough to spare
        a struggling search server the same query from every visitor, short enough not to
        outlive the outage by much."""
        result = getattr(self, "result", None)
        return DEGRADED_PAGE_SECONDS if result is not None and result.degraded else None

    def get_context_data(self, *, params, result, errors, **kwargs):
        context = super().get_context_data(**kwargs)
        links = QueryString(self.request.GET)
        context.update(
            params=params,
            result=result,
            query=params.q,
            errors=errors,
            search_unavailable=result.degraded,
            facet_groups=self.facet_groups(result, links),
            sort_options=[(value, SORT_LABELS[value], value == params.sort) for value in SORTS],
            sort_hidden=links.hidden("sort"),
            search_hidden=links.hidden("q"),
            page_links=self.page_links(result, links),
            previous_url=links.url(page=result.page - 1) if result.page > 1 else None,
            next_url=links.url(page=result.page + 1) if result.page < result.num_pages else None,
            suggestion_url=links.url(q=result.suggestion) if result.suggestion else None,
            clear_url=links.url(**{name: None for name in (*FACETS, "price_min", "price_max")
                                   if name != "price"}),
            has_filters=any(params.selected(facet) for facet in FACETS),
        )
        # The drawer's button says how many filters are on; chips above the results undo one each.
        context["selected_filters"] = [
            value for group in context["facet_groups"] for value in group["values"] if value.selected
        ]
        return context

    def facet_values(self, facet: str, result: SearchResult):
        return result.facets.get(facet, [])

    def facet_groups(self, result: SearchResult, links: QueryString) -> list[dict]:
        groups = []
        for facet in self.facets:
            values = [
                FacetLink(value.key, value.label, value.count, value.selected,
                          links.toggle(facet, value.key, value.selected))
                for value in self.facet_values(facet, result)
            ]
            if values:
                groups.append({"name": facet, "title": FACET_TITLES[facet], "values": values})
        return groups

    def page_links(self, result: SearchResult, links: QueryString) -> list[PageLink]:
        if result.num_pages <= 1:
            return []
        window = range(max(1, result.page - 2), min(result.num_pages, result.page + 2) + 1)
        numbers = sorted({1, result.num_pages, *window})
        return [PageLink(n, links.url(page=n), n == result.page) for n in numbers]
