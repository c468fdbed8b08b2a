"""`/api/v1/docs` works without the internet: every script, style sheet and icon of the page
is a static file of this site, found by the static files finders and served."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.settings: str | None = None
        self._in_settings = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.urls.append(attrs["src"])
        self._in_settings = tag == "script" and attrs.get("id") == "swagger-settings"

    def handle_data(self, data):
        if self._in_settings:
            self.settings = (self.settings or "") + data

    def handle_endtag(self, tag):
        self._in_settings = False


def test_docs_page_loads_only_this_sites_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    page = _Assets()
    page.feed(html)
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)  # nothing from another site
    scripts = [url for url in page.urls if url.endswith(".js")]
    styles = [url for url in page.urls if url.endswith(".css")]
    assert scripts and styles
    for url in page.urls:
        assert url.startswith(settings.STATIC_URL), url  # same origin, under /static/
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
        served = client.get(url)
        assert served.status_code == 200, url
        assert b"".join(served.streaming_content if served.streaming else [served.content])
    swagger = json.loads(page.settings)
    assert swagger["url"] == "/api/v1/openapi.json"
    assert swagger["validatorUrl"] is None  # Swagger UI would call the online validator
    assert client.get(swagger["url"]).status_code == 200


def test_the_swagger_bundle_is_the_real_one(client):
    """The page's script defines Swagger UI itself: not a stub, not a loader of a CDN copy."""
    body = b"".join(
        client.get(f"{settings.STATIC_URL}ninja/swagger-ui-bundle.js").streaming_content
    )
    assert len(body) > 500_000
    assert b"SwaggerUIBundle" in body
    init = b"".join(client.get(f"{settings.STATIC_URL}ninja/swagger-ui-init.js").streaming_content)
    assert b"SwaggerUIBundle(" in init and b"http" not in init
