"""A results page costs the same number of SQL queries whatever its size.

Measured on the demo catalogue (photos, packaging variants, certificates, many
shops) indexed on the real embedded search server, and on the database
fallback with that server's twin stopped.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import embedded
from search.engine import reset_client

pytestmark = [pytest.mark.search, pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]

PAGES = [
    ("/search/", {"q": "tom"}),
    ("/search/", {"q": "kho"}),
    ("/search/", {"q": "tooom"}),  # Telex read with the catalogue's words ("tôm")
    ("/search/", {}),
    ("/catalogue/", {}),
    ("/catalogue/", {"sort": "price_asc"}),
]


def count_queries(client, path, data) -> tuple[int, int, list[str]]:
    """(queries, products shown, SQL) of one GET, after a warm-up request (caches, session)."""
    assert client.get(path, data).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data)
    assert response.status_code == 200
    return len(queries), len(response.context["products"]), [q["sql"] for q in queries]


def assert_constant(client, path, data):
    small, shown_small, _sql_small = count_queries(client, path, {**data, "page_size": 5})
    large, shown_large, sql_large = count_queries(client, path, {**data, "page_size": 40})
    assert shown_small == 5
    assert shown_large > 5, "the large page must actually show more products"
    assert small == large, (
        f"{path} {data}: {small} queries for 5 products, {large} for {shown_large}:\n"
        + "\n".join(sql_large)
    )


@pytest.mark.parametrize(("path", "data"), PAGES)
def test_results_page_queries_do_not_grow_with_the_page_size(client, search_server, path, data):
    assert_constant(client, path, data)


def test_category_page_queries_do_not_grow_with_the_page_size(client, search_server):
    from catalogue.models import Category

    food = Category.objects.get(depth=1, name="Thực phẩm")
    assert_constant(client, food.get_absolute_url(), {})


@pytest.mark.parametrize(("path", "data"), PAGES)
def test_database_fallback_queries_do_not_grow_with_the_page_size(
    client, search_server, settings, path, data
):
    dead = embedded.start_search()
    dead.stop()  # the real process, stopped
    settings.ELASTICSEARCH_URL = dead.url
    settings.ELASTICSEARCH_MAX_RETRIES = 0
    reset_client()
    try:
        response = client.get(path, data)
        assert response.context["search_unavailable"]
        assert_constant(client, path, data)
    finally:
        settings.ELASTICSEARCH_URL = search_server.url
        reset_client()
