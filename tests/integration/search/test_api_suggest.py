"""`/api/v1/search/suggest`: the contract shape, 422 on bad input, 503 when search is down."""

import pytest

from marketplace import embedded
from search.engine import reset_client

pytestmark = [pytest.mark.search, pytest.mark.django_db]


def test_suggest_answers_the_contract_shape(client, catalogue):
    response = client.get("/api/v1/search/suggest", {"q": "mat o"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"suggestions"}
    assert 0 < len(body["suggestions"]) < 10
    first = body["suggestions"][0]
    assert set(first) == {"text", "url"}
    assert "Mật ong U Minh" in [s["text"] for s in body["suggestions"]]
    assert first["url"].startswith("/catalogue/")


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 201}])
def test_bad_parameters_answer_422_with_json(client, catalogue, params):
    response = client.get("/api/v1/search/suggest", params)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_search_down_answers_503_with_json(client, catalogue, search_settings):
    dead = embedded.start_search()
    dead.stop()
    search_settings.ELASTICSEARCH_URL = dead.url
    reset_client()
    response = client.get("/api/v1/search/suggest", {"q": "mat"})
    assert response.status_code == 503
    assert response.json()["detail"] == "search_unavailable"


def test_openapi_schema_lists_the_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/search/suggest" in schema["paths"]
