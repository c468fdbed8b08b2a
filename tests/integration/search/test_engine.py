"""The client: plain JSON to osmem-server, cache per URL, health ping."""

from __future__ import annotations

import pytest

from marketplace import embedded
from search.engine import get_client, ping, reset_client

pytestmark = [pytest.mark.search]


def test_ping_reports_the_server(search_settings):
    details = ping()
    assert details["cluster"]
    assert details["version"]


def test_client_follows_the_configured_url(search_settings, search_server):
    first = get_client()
    assert get_client() is first
    other = embedded.start_search()
    try:
        search_settings.ELASTICSEARCH_URL = other.url
        second = get_client()
        assert second is not first
        assert second.info()["version"]["number"]
    finally:
        other.stop()
        search_settings.ELASTICSEARCH_URL = search_server.url


def test_ping_raises_when_the_server_is_stopped(search_settings, search_server):
    own = embedded.start_search()
    try:
        search_settings.ELASTICSEARCH_URL = own.url
        assert ping()["version"]
        own.stop()
        with pytest.raises(Exception):  # noqa: B017 -- any transport error
            ping()
    finally:
        own.stop()
        search_settings.ELASTICSEARCH_URL = search_server.url
        reset_client()
