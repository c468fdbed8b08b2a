"""A SLOW search server: pages answer from the database quickly, readiness reports it down.

The slow server is real: a local HTTP server on 127.0.0.1, in a thread, that
accepts each connection, reads the request and only answers after far longer
than the configured timeouts. (A STOPPED server is covered by test_views.py and
tests/integration/core/test_health.py.)
"""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from search.engine import reset_client

pytestmark = [pytest.mark.search, pytest.mark.django_db]

#: Seconds the slow server keeps a request waiting (unless the test ends first).
STALL = 30
#: Seconds a page may take against the slow server: the timeout, plus rendering.
BOUND = 6
NOTICE = "Tìm kiếm nâng cao tạm thời không hoạt động"


class _StallingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _stall(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.requests += 1
        self.server.release.wait(STALL)  # far longer than the client's timeout
        body = b"{}"
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up long ago
            pass

    do_GET = do_POST = do_PUT = do_HEAD = _stall

    def log_message(self, *args):  # keep the test output clean
        pass


class SlowServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _StallingHandler)
        self.release = threading.Event()
        self.requests = 0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture
def slow_search(catalogue, search_settings):
    """The catalogue indexed on the real server, then settings pointed at a slow one."""
    server = SlowServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    search_settings.ELASTICSEARCH_URL = server.url
    search_settings.ELASTICSEARCH_TIMEOUT = 1
    search_settings.SEARCH_REQUEST_TIMEOUT = 1
    reset_client()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
        reset_client()


def timed_get(client, *args, **kwargs):
    started = time.monotonic()
    response = client.get(*args, **kwargs)
    return response, time.monotonic() - started


def test_search_page_answers_from_the_database_when_the_server_is_slow(client, slow_search):
    response, elapsed = timed_get(client, "/search/", {"q": "mat ong"})
    assert slow_search.requests >= 1  # the page did ask the slow server first
    assert response.status_code == 200
    assert elapsed < BOUND, f"/search/ took {elapsed:.1f} s against a slow server"
    assert response.context["search_unavailable"]
    html = response.content.decode()
    assert NOTICE in html
    titles = {product.title for product in response.context["products"]}
    assert titles == {"Mật ong U Minh", "Mật ong hoa tràm", "Mat ong hoa tram"}
    assert "Khô cá bổi" not in html
    assert "Mật ong chờ duyệt" not in html  # the fallback also keeps hidden shops out
    assert "Mật ong ẩn" not in html


def test_browse_page_answers_from_the_database_when_the_server_is_slow(client, slow_search):
    response, elapsed = timed_get(client, "/catalogue/")
    assert response.status_code == 200
    assert elapsed < BOUND, f"/catalogue/ took {elapsed:.1f} s against a slow server"
    assert response.context["search_unavailable"]
    assert NOTICE in response.content.decode()
    assert len(response.context["products"]) == 6


def test_category_page_answers_from_the_database_when_the_server_is_slow(
    client, catalogue, slow_search
):
    honey = catalogue["u_minh"].categories.get()
    response, elapsed = timed_get(client, honey.get_absolute_url())
    assert response.status_code == 200
    assert elapsed < BOUND
    assert response.context["search_unavailable"]
    assert sorted(p.title for p in response.context["products"]) == [
        "Mat ong hoa tram", "Mật ong U Minh", "Mật ong hoa tràm"]


def test_pages_use_the_short_request_timeout_not_the_client_timeout(
    client, slow_search, search_settings
):
    """Indexing may wait long (ELASTICSEARCH_TIMEOUT, retries); a buyer's page must not."""
    search_settings.ELASTICSEARCH_TIMEOUT = 20
    search_settings.ELASTICSEARCH_MAX_RETRIES = 2
    search_settings.SEARCH_REQUEST_TIMEOUT = 1
    reset_client()
    for path, data in (("/search/", {"q": "mat ong"}), ("/catalogue/", {})):
        response, elapsed = timed_get(client, path, data)
        assert response.status_code == 200
        assert response.context["search_unavailable"]
        assert elapsed < BOUND, f"{path} took {elapsed:.1f} s: the page waited for the client timeout"


def test_readiness_reports_a_slow_search_server_as_down(client, slow_search):
    response, elapsed = timed_get(client, "/health/ready")
    assert response.status_code == 503
    assert elapsed < BOUND, f"/health/ready took {elapsed:.1f} s against a slow server"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["dependencies"]["search"]["status"] == "down"
    assert body["dependencies"]["database"]["status"] == "up"
