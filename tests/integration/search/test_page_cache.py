"""Search pages for anonymous visitors from the page cache (marketplace/core/pagecache.py):
stored while the catalogue and the shown products' price and stock are unchanged."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import translation

from marketplace.core.pagecache import HEADER, page_key
from shops.models import StockRecord

pytestmark = [pytest.mark.django_db, pytest.mark.search]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_CHECK_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def search(query: str):
    response = Client().get("/search/", {"q": query})
    assert response.status_code == 200
    return response, response.content.decode()


def test_a_search_page_is_stored_for_the_next_visitor(catalogue):
    first, html = search("mat ong")
    second, again = search("mat ong")
    assert first[HEADER] == "miss" and second[HEADER] == "hit"
    assert "Mật ong U Minh" in again
    assert search("mắm")[0][HEADER] == "miss"  # another query, another page


def test_a_price_change_of_a_shown_product_shows_at_once(catalogue):
    search("mat ong")
    # A conditional UPDATE (as a checkout's or a bulk price change), which sends no signal.
    StockRecord.objects.filter(product=catalogue["u_minh"]).update(price=123_000)
    response, html = search("mat ong")
    assert response[HEADER] == "miss"
    assert "123.000" in html


def expires_in(path: str, query: dict) -> float:
    """Seconds the stored page of this request has left (the local-memory cache of tests)."""
    request = RequestFactory().get(path, query)
    with translation.override("vi"):
        key = page_key(request, "search")
    return cache._expire_info[cache.make_key(key)] - time.time()


def test_a_page_answered_by_the_database_fallback_is_kept_briefly(catalogue, settings):
    from search.engine import reset_client
    from search.views.base import DEGRADED_PAGE_SECONDS

    search("tôm")
    assert expires_in("/search/", {"q": "tôm"}) > DEGRADED_PAGE_SECONDS
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    reset_client()
    first, html = search("mat ong")
    second, _ = search("mat ong")
    assert first[HEADER] == "miss" and second[HEADER] == "hit"
    assert 0 < expires_in("/search/", {"q": "mat ong"}) <= DEGRADED_PAGE_SECONDS
