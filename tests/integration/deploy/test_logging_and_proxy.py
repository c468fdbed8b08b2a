"""Structured logs and the client's address behind proxies, with production's middleware."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.conf import settings
from django.test import override_settings

from marketplace.core.logging import JsonFormatter, request_id
from marketplace.core.proxy import client_address

PRODUCTION_FIRST = [
    "marketplace.core.proxy.ProxyHeadersMiddleware",
    "marketplace.core.logging.RequestIdMiddleware",
]


@pytest.fixture
def production_middleware():
    with override_settings(MIDDLEWARE=[*PRODUCTION_FIRST, *settings.MIDDLEWARE]):
        yield


class Capture:
    """A JSON handler on one logger; `lines` are the parsed objects it wrote."""

    def __init__(self, name: str):
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(JsonFormatter())
        self.logger = logging.getLogger(name)

    def __enter__(self):
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)

    @property
    def lines(self) -> list[dict]:
        raw = self.stream.getvalue().splitlines()
        return [json.loads(line) for line in raw]  # each line must be one JSON object


def test_a_record_is_one_line_of_json_with_extra_fields_and_the_traceback():
    with Capture("ocop.test") as capture:
        logger = logging.getLogger("ocop.test")
        logger.warning("Đơn %s chờ thanh toán\nquá lâu", "P-001", extra={"shop": "htx-mat-ong"})
        try:
            raise RuntimeError("hỏng")
        except RuntimeError:
            logger.exception("failed")
    first, second = capture.lines
    assert first["level"] == "WARNING" and first["logger"] == "ocop.test"
    assert first["message"] == "Đơn P-001 chờ thanh toán\nquá lâu"
    assert first["shop"] == "htx-mat-ong" and first["time"].endswith("+00:00")
    assert "request_id" not in first  # outside a request
    assert second["level"] == "ERROR" and "RuntimeError: hỏng" in second["exception"]
    assert len(capture.stream.getvalue().splitlines()) == 2


@pytest.mark.django_db
def test_logs_during_a_request_carry_its_id_which_the_response_returns(
    client, production_middleware
):
    with Capture("django.request") as capture:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="nginx-3f9a7c")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "nginx-3f9a7c"
    (line,) = [line for line in capture.lines if line["logger"] == "django.request"]
    assert line["request_id"] == "nginx-3f9a7c"
    assert line["method"] == "GET" and line["path"] == "/no-such-page/"
    assert line["status_code"] == 404
    assert request_id.get() == ""  # reset after the request


@pytest.mark.django_db
def test_a_request_without_an_id_or_with_a_forged_one_gets_a_fresh_id(
    client, production_middleware
):
    first = client.get("/health/live")["X-Request-ID"]
    forged = client.get("/health/live", HTTP_X_REQUEST_ID='x"}\n{"level":"ERROR"')["X-Request-ID"]
    assert len(first) == 32 and len(forged) == 32 and first != forged


def test_gunicorn_access_records_become_fields():
    atoms = {
        "m": "GET",
        "U": "/search/",
        "q": "q=mat+ong",
        "s": "200",
        "B": 5120,
        "M": 37,
        "h": "203.0.113.9",
        "a": "Mozilla/5.0",
        "{x-request-id}o": "abc123",
    }
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s", (), None
    )
    record.args = atoms
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /search/"
    assert entry["status"] == 200 and entry["duration_ms"] == 37 and entry["bytes"] == 5120
    assert entry["client"] == "203.0.113.9" and entry["request_id"] == "abc123"


# --- the client's address ---------------------------------------------------------------

TRUSTED = ("127.0.0.1", "::1", "10.0.0.0/8")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("", "203.0.113.9", "203.0.113.9"),  # unix socket from nginx
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client wrote 1.2.3.4 itself
        ("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.0.0.5", "203.0.113.9"),  # through the LB
        ("127.0.0.1", "2001:db8::7", "2001:db8::7"),
        ("127.0.0.1", "junk, 203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "203.0.113.9, junk", None),  # garbage from a proxy: believe nothing
        ("198.51.100.1", "203.0.113.9", None),  # not through our proxies: header ignored
        ("127.0.0.1", "", None),
    ],
)
def test_client_address(peer, forwarded, expected):
    meta = {"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, TRUSTED) == expected


@pytest.mark.django_db
def test_rate_limits_count_per_client_behind_the_proxy(client, production_middleware, settings):
    """Two buyers behind one nginx are two clients for the API's rate limit."""
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_LIMIT = "2/minute"
    url = "/api/v1/shops"

    def get(address):
        return client.get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address).status_code

    assert [get("203.0.113.9") for _ in range(3)] == [200, 200, 429]
    assert get("203.0.113.10") == 200
