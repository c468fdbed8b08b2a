"""Per-IP fixed-window rate limiting of /api/v1/ (Django's cache, settings.API_RATE_LIMIT)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings

from marketplace.api.ratelimit import parse_rate

pytestmark = pytest.mark.django_db

URL = "/api/v1/shops"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(API_RATE_LIMIT="3/minute")
def test_over_the_limit_answers_429_json_per_ip(client):
    for _ in range(3):
        assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert response.json()["detail"] == "rate_limited"
    assert response.json()["message"]
    assert 1 <= int(response["Retry-After"]) <= 60
    # the whole API shares the counter of the address
    assert client.get("/api/v1/opendata/ocop-products.json").status_code == 429
    # another address has its own window
    assert client.get(URL, REMOTE_ADDR="10.0.0.9").status_code == 200


@override_settings(API_RATE_LIMIT="120/minute")
def test_the_production_default_lets_ordinary_use_through(client):
    for _ in range(20):
        assert client.get(URL).status_code == 200


def test_parse_rate():
    assert parse_rate("120/minute") == (120, 60)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("1000/day") == (1000, 86400)
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        parse_rate("lots")
