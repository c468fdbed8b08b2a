"""The search server stops while the site runs: search answers from the database, sellers save.

The test's own osmem-server serves the index first (answers come from it), then its real
process is killed: /search/ and /api/v1/products keep answering from the database (the
page says so, the API sets X-Search-Degraded: 1), readiness reports search down, and a
seller's product save goes through (its re-indexing is logged, never raised).
"""

from __future__ import annotations

import logging
import re

import pytest

from search.indexing import rebuild_index
from tests.factories import make_product
from tests.integration.seller.test_products import build_world, form_data, url

pytestmark = [pytest.mark.search, pytest.mark.django_db]

NOTICE = "Tìm kiếm nâng cao tạm thời không hoạt động"


def titles_of_api(response) -> list[str]:
    return [item["title"] for item in response.json()["results"]]


def test_search_and_seller_saves_work_with_the_search_server_stopped(
    client, own_search_server, settings, tmp_path, django_capture_on_commit_callbacks, caplog
):
    world = build_world(settings, tmp_path)
    honey = make_product(world["shop_a"], "Mật ong U Minh", category=world["honey"], via_service=True, price=150_000)
    make_product(world["shop_b"], "Khô cá bổi", category=world["food"], via_service=True, price=300_000)
    assert rebuild_index() == 2

    # Other queries than below: an anonymous search page may be served from the page cache.
    up = client.get("/search/", {"q": "mat ong u minh"})
    assert up.status_code == 200 and not up.context["search_unavailable"]
    api_up = client.get("/api/v1/products", {"q": "mat ong u minh"})
    assert api_up.status_code == 200 and not api_up.has_header("X-Search-Degraded")
    assert titles_of_api(api_up) == ["Mật ong U Minh"]

    own_search_server.stop()  # the real process, killed
    assert not own_search_server.running

    page = client.get("/search/", {"q": "mat ong"})
    assert page.status_code == 200
    assert page.context["search_unavailable"]
    html = page.content.decode()
    assert NOTICE in html and "Mật ong U Minh" in html and "Khô cá bổi" not in html
    api = client.get("/api/v1/products", {"q": "mat ong"})
    assert api.status_code == 200 and api["X-Search-Degraded"] == "1"
    assert titles_of_api(api) == ["Mật ong U Minh"]
    ready = client.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["dependencies"]["search"]["status"] == "down"

    client.force_login(world["owner_a"])
    data = form_data(
        world, title="Mật ong rừng tràm U Minh", price="160.000", stock="10", stock_seen="10"
    )
    with caplog.at_level(logging.WARNING, logger="search.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            saved = client.post(url("product-edit", world["shop_a"], product_pk=honey.pk), data)
    assert saved.status_code == 302
    honey.refresh_from_db()
    assert honey.title == "Mật ong rừng tràm U Minh"
    skipped = [
        {int(pk) for pk in match.group(1).split(",")}
        for record in caplog.records
        if (match := re.search(r"products \[([\d, ]+)\] not re-indexed", record.getMessage()))
    ]
    assert any(honey.pk in ids for ids in skipped), caplog.text

    found = client.get("/search/", {"q": "mat ong rung tram"})
    assert found.status_code == 200 and found.context["search_unavailable"]
    assert "Mật ong rừng tràm U Minh" in found.content.decode()
