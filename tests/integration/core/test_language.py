"""Vietnamese by default, whatever the browser says; English when the visitor picks it."""

import pytest

pytestmark = pytest.mark.django_db


def test_vietnamese_by_default_even_for_an_english_browser(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "vi"
    assert 'lang="vi"' in response.content.decode()


def test_switching_to_english_sticks(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert page.headers["Content-Language"] == "en"
    assert 'lang="en"' in page.content.decode()


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/accounts/login/").headers["Content-Language"] == "vi"
