"""Parameter validation and request building, without a search server."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from freezegun import freeze_time

from search.engine import _COMPAT_MIMETYPE
from search.query import (
    FACETS,
    FEATURED_WEIGHT,
    RESCORE_WINDOW,
    InvalidSearchParams,
    SearchParams,
    best_stars_clause,
    build_request,
    mark,
)
from search.views.base import QueryString


def test_params_from_a_query_dict_with_lists_and_commas():
    params = SearchParams.from_data(
        QueryDict("q=m%E1%BA%ADt+ong,+kh%C3%B4&stars=4,5&stars=4&shop=htx-a&category=12"
                  "&category=mat-ong&commune=31942&price_min=100.000&sort=price_asc&page=2"
                  "&page_size=10&utm_source=x")
    )
    assert params.q == "mật ong, khô"
    assert params.stars == (4, 5)
    assert params.shop == ("htx-a",)
    assert params.category == (12, "mat-ong")
    assert params.commune == (31942,)
    assert params.price_min == 100_000 and params.price_max is None
    assert params.sort == "price_asc"
    assert (params.page, params.page_size, params.offset) == (2, 10, 10)


def test_defaults():
    params = SearchParams.from_data({})
    assert params == SearchParams()
    assert params.sort == "relevance" and params.page == 1 and params.page_size == 24


def test_errors_name_every_bad_field():
    with pytest.raises(InvalidSearchParams) as excinfo:
        SearchParams.from_data({"stars": "2", "sort": "x", "page": "-1", "price_max": "1e5"})
    assert set(excinfo.value.errors) == {"stars", "sort", "page", "price_max"}
    assert "stars" in str(excinfo.value)


def test_one_value_only_for_scalars():
    with pytest.raises(InvalidSearchParams) as excinfo:
        SearchParams.from_data(QueryDict("sort=newest&sort=price_asc"))
    assert "sort" in excinfo.value.errors


def test_facets_are_disjunctive_in_the_request():
    params = SearchParams(q="mật ong", stars=(4,), shop=("htx-a",), price_min=1, price_max=9)
    now = datetime.datetime(2026, 3, 1, 5, 0, tzinfo=datetime.UTC)
    body = build_request(params, today=datetime.date(2026, 3, 1), now=now)
    post = body["post_filter"]["bool"]["filter"]
    stars_clause = {"bool": {"should": [best_stars_clause(4, "2026-03-01")],
                             "minimum_should_match": 1}}
    assert stars_clause in post
    assert {"terms": {"shop_slug": ["htx-a"]}} in post
    # the price in force at `now`: the timeline entry whose period contains it
    assert {"nested": {"path": "price_timeline", "query": {"bool": {"filter": [
        {"term": {"price_timeline.period": "2026-03-01T05:00:00.000Z"}},
        {"range": {"price_timeline.price": {"gte": 1, "lte": 9}}},
    ]}}}} in post
    # selected facets: one filter each (every other selection); the rest share one
    assert set(body["aggs"]) == {"stars", "shop", "price", "shared"}
    stars_filter = body["aggs"]["stars"]["filter"]["bool"]["filter"]
    assert stars_clause not in stars_filter
    assert {"terms": {"shop_slug": ["htx-a"]}} in stars_filter
    assert set(body["aggs"]["shared"]["aggs"]) == {"category", "commune"}
    assert body["aggs"]["shared"]["filter"]["bool"]["filter"] == post
    # the query itself is not filtered: facets count beyond the selection
    assert "post_filter" in body and "filter" not in str(body["query"])


def test_without_selection_every_facet_is_a_top_level_aggregation():
    body = build_request(SearchParams(q="mật ong"))
    assert set(body["aggs"]) == set(FACETS)
    assert body["aggs"]["shop"] == {"terms": {"field": "shop_slug", "size": 100}}


def test_relevance_with_words_rescores_the_best_matches():
    body = build_request(SearchParams(q="mật ong"), today=datetime.date(2026, 3, 1))
    assert "function_score" not in str(body["query"])
    assert "sort" not in body  # Elasticsearch refuses a sort with a rescore
    rescore = body["rescore"]
    assert rescore["window_size"] == RESCORE_WINDOW
    functions = rescore["query"]["rescore_query"]["function_score"]["functions"]
    assert {"filter": best_stars_clause(5, "2026-03-01"), "weight": 1.3} in functions
    assert rescore["query"]["score_mode"] == "multiply"
    # a deep page is inside the window
    deep = build_request(SearchParams(q="mật ong", page=30, page_size=24))
    assert deep["rescore"]["window_size"] >= 30 * 24


@pytest.mark.parametrize("sort", ["price_asc", "price_desc", "newest"])
def test_plain_sorts_need_no_boost(sort):
    body = build_request(SearchParams(q="mật ong", sort=sort))
    assert "function_score" not in str(body["query"]) and "rescore" not in body


def test_no_query_matches_all_and_sorts_by_stars():
    body = build_request(SearchParams())
    assert body["query"]["function_score"]["query"] == {"match_all": {}}
    assert body["post_filter"] == {"match_all": {}}
    assert "highlight" not in body
    assert body["sort"][0] == "_score"


@pytest.mark.parametrize(
    "sort, first",
    [("price_asc", {"price_timeline.price": {
        "order": "asc", "mode": "min", "missing": "_last",
        "nested": {"path": "price_timeline",
                   "filter": {"term": {"price_timeline.period": "2026-12-12T05:00:00.000Z"}}}}}),
     ("price_desc", {"price_timeline.price": {
         "order": "desc", "mode": "min", "missing": "_last",
         "nested": {"path": "price_timeline",
                    "filter": {"term": {"price_timeline.period": "2026-12-12T05:00:00.000Z"}}}}}),
     ("newest", {"created": {"order": "desc", "missing": "_last"}}),
     ("popular", {"popularity": {"order": "desc"}})],
)
def test_sorts(sort, first):
    now = datetime.datetime(2026, 12, 12, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    assert build_request(SearchParams(sort=sort), now=now)["sort"][0] == first


def test_category_scope_filters_the_query():
    body = build_request(SearchParams(within_category=7))
    assert {"term": {"category_ids": 7}} in body["query"]["function_score"]["query"]["bool"]["filter"]


def test_mark_escapes_html_and_marks_matches():
    assert mark("<b>\ue000Mật\ue001</b> & ong") == "&lt;b&gt;<mark>Mật</mark>&lt;/b&gt; &amp; ong"


def test_query_string_links_toggle_facets_and_reset_the_page():
    links = QueryString(QueryDict("q=mat+ong&stars=4&page=3"))
    assert links.toggle("stars", "5", False) == "?q=mat+ong&stars=4&stars=5"
    assert links.toggle("stars", "4", True) == "?q=mat+ong"
    assert links.toggle("price", "100000-199999", False) == (
        "?q=mat+ong&stars=4&price_min=100000&price_max=199999")
    assert links.url(page=2) == "?q=mat+ong&stars=4&page=2"
    assert links.hidden("q") == [("stars", "4")]


def test_compat_media_type_is_rewritten_to_plain_json():
    compat = "application/vnd.elasticsearch+json; compatible-with=8"
    assert _COMPAT_MIMETYPE.sub(r"application/\1", compat) == "application/json"
    ndjson = "application/vnd.elasticsearch+x-ndjson; compatible-with=8"
    assert _COMPAT_MIMETYPE.sub(r"application/\1", ndjson) == "application/x-ndjson"


def test_ocop_clauses_ask_for_a_certificate_valid_today_and_none_better():
    assert best_stars_clause(5, "2026-03-01") == {
        "bool": {"filter": [{"term": {"ocop_valid_5": "2026-03-01"}}]}}
    assert best_stars_clause(3, "2026-03-01") == {"bool": {
        "filter": [{"term": {"ocop_valid_3": "2026-03-01"}}],
        "must_not": [{"term": {"ocop_valid_4": "2026-03-01"}},
                     {"term": {"ocop_valid_5": "2026-03-01"}}],
    }}


@freeze_time("2026-03-01T18:30:00Z")  # already 2 March in Cà Mau (UTC+7)
def test_today_is_computed_per_request_in_ho_chi_minh_time():
    body = build_request(SearchParams(stars=(4,)))
    assert "2026-03-02" in str(body["post_filter"])
    assert "'2026-03-01'" not in str(body)  # no day of UTC (prices are decided at the UTC moment)
    assert "'2026-03-01T18:30:00.000Z'" in str(body["aggs"]["shared"]["aggs"]["price"])
    stars_buckets = body["aggs"]["stars"]["aggs"]["values"]["filters"]["filters"]  # selected
    assert stars_buckets["4"] == best_stars_clause(4, "2026-03-02")
    with freeze_time("2026-03-02T17:00:00Z"):  # 3 March, 00:00 local
        assert "2026-03-03" in str(build_request(SearchParams(stars=(4,)))["post_filter"])


def test_relevance_boosts_valid_stars_and_featured_products():
    functions = build_request(SearchParams(), today=datetime.date(2026, 3, 1))[
        "query"]["function_score"]["functions"]
    assert {"filter": best_stars_clause(5, "2026-03-01"), "weight": 1.3} in functions
    assert {"filter": {"term": {"featured": True}}, "weight": FEATURED_WEIGHT} in functions
