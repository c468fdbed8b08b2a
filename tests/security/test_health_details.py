"""/health/ready tells an outsider only which dependency is up or down: no search-engine version,
cluster name, index, error text or latency. Programme staff and a client on the machine itself
(loopback, per marketplace/core/proxy.py's trusted-proxy rule) see the details. A forged
X-Forwarded-For does not make an outside client loopback."""

from __future__ import annotations

import pytest
from django.test import Client

from search.engine import reset_client
from tests.factories import login, make_staff

pytestmark = pytest.mark.django_db

OUTSIDE = "203.0.113.9"
PROXY_FIRST = ["marketplace.core.proxy.ProxyHeadersMiddleware"]


@pytest.fixture(autouse=True)
def behind_proxy(settings, search_settings):
    """As in production: the client's address made true by the proxy middleware."""
    settings.MIDDLEWARE = PROXY_FIRST + list(settings.MIDDLEWARE)
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]


def ready(client: Client, **meta) -> tuple[int, dict]:
    response = client.get("/health/ready", **meta)
    return response.status_code, response.json()


def assert_public_only(body: dict):
    assert set(body) == {"status", "dependencies"}
    assert {"database", "search"} <= set(body["dependencies"])
    for state in body["dependencies"].values():
        assert set(state) == {"status"}, state
    assert "version" not in str(body) and "cluster" not in str(body)


@pytest.mark.parametrize("meta", [
    {"REMOTE_ADDR": OUTSIDE},  # straight from the internet
    {"REMOTE_ADDR": OUTSIDE, "HTTP_X_FORWARDED_FOR": "127.0.0.1"},  # forged, not via a proxy
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": OUTSIDE},  # through nginx
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"127.0.0.1, {OUTSIDE}"},  # forged via nginx
])
def test_an_outside_client_sees_states_only(meta):
    status, body = ready(Client(), **meta)
    assert status == 200
    assert body["status"] == "ok"
    assert body["dependencies"]["search"] == {"status": "up"}
    assert_public_only(body)


def test_an_outside_client_still_learns_what_is_down_but_not_why(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    reset_client()
    status, body = ready(Client(), REMOTE_ADDR=OUTSIDE)
    assert status == 503
    assert body["dependencies"]["search"] == {"status": "down"}
    assert_public_only(body)


def test_a_loopback_client_sees_the_details():
    status, body = ready(Client(), REMOTE_ADDR="127.0.0.1")
    assert status == 200
    search = body["dependencies"]["search"]
    assert search["version"] and "cluster" in search and "ms" in search


def test_signed_in_staff_see_the_details_from_anywhere():
    client = Client()
    login(client, make_staff())
    status, body = ready(client, REMOTE_ADDR=OUTSIDE)
    assert status == 200
    assert body["dependencies"]["search"]["version"]
