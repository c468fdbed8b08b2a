"""Readiness reports each dependency; a stopped search server is reported as down."""

import pytest
from django.conf import settings

from marketplace import embedded

pytestmark = pytest.mark.django_db


def test_live_answers_ok(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_database_and_search_up(client, search_server):
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["dependencies"]["database"]["status"] == "up"
    assert body["dependencies"]["search"]["status"] == "up"


def test_ready_reports_a_stopped_search_server_as_down(client, search_server):
    own_server = embedded.start_search()
    settings.ELASTICSEARCH_URL = own_server.url
    try:
        assert client.get("/health/ready").status_code == 200
        own_server.stop()  # the real process, killed
        assert not own_server.running
        response = client.get("/health/ready")
        body = response.json()
        assert response.status_code == 503
        assert body["status"] == "unavailable"
        assert body["dependencies"]["search"]["status"] == "down"
        assert body["dependencies"]["database"]["status"] == "up"
    finally:
        own_server.stop()
        settings.ELASTICSEARCH_URL = search_server.url
