"""The Elasticsearch 8 client: one per process, built from settings.

Production points ELASTICSEARCH_URL at an Elasticsearch 8 cluster; dev, tests and
demo leave it empty and an in-memory osmem-server (OpenSearch-compatible) is
started instead — with its index built — by `search.indexing.search_server_ensure()`
(or by `manage.py serve`, through it). This module only talks to the server the
settings name: `get_client()` starts nothing and builds nothing.

The Elasticsearch 8 client sends `application/vnd.elasticsearch+json;
compatible-with=8`; OpenSearch-compatible servers answer 406 to that media type.
`PlainJsonNode` sends plain `application/json`, which Elasticsearch 8 accepts too
(see docs/decisions/0002-search-engine.md).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.conf import settings
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import HttpHeaders, TransportError, Urllib3HttpNode
from elasticsearch import ApiError, Elasticsearch

_COMPAT_MIMETYPE = re.compile(r"application/vnd\.elasticsearch\+([\w.-]+)\s*;\s*compatible-with=\d+")

#: What the views catch to fall back to the database: any failure to talk to the server.
SearchUnavailable = (TransportError, TransportConnectionError, ApiError, ConnectionError)


class SearchServerUnavailable(ConnectionError):
    """No search server: none configured, or the embedded one could not be started."""


class PlainJsonNode(Urllib3HttpNode):
    """An urllib3 node that sends `application/json` instead of the ES 8 compat type."""

    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = HttpHeaders(headers)
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value:
                    headers[name] = _COMPAT_MIMETYPE.sub(r"application/\1", value)
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


@dataclass
class _Cached:
    key: tuple
    client: Elasticsearch


_lock = threading.RLock()
_cached: _Cached | None = None


def _settings_key(url: str) -> tuple:
    return (
        url,
        settings.ELASTICSEARCH_TIMEOUT,
        settings.ELASTICSEARCH_MAX_RETRIES,
        getattr(settings, "ELASTICSEARCH_API_KEY", ""),
        getattr(settings, "ELASTICSEARCH_CA_CERTS", ""),
    )


def build_client(url: str) -> Elasticsearch:
    """A client for `url`: one node, or a cluster's nodes separated by commas.

    Credentials come as user:password in the URLs or ELASTICSEARCH_API_KEY; a cluster with
    its own CA (Elasticsearch 8's default security) needs ELASTICSEARCH_CA_CERTS (docs/deploy.md).
    """
    options = {}
    if api_key := getattr(settings, "ELASTICSEARCH_API_KEY", ""):
        options["api_key"] = api_key
    if ca_certs := getattr(settings, "ELASTICSEARCH_CA_CERTS", ""):
        options["ca_certs"] = ca_certs
    return Elasticsearch(
        [node.strip() for node in url.split(",") if node.strip()],
        node_class=PlainJsonNode,
        request_timeout=settings.ELASTICSEARCH_TIMEOUT,
        max_retries=settings.ELASTICSEARCH_MAX_RETRIES,
        retry_on_timeout=True,
        **options,
    )


def get_client() -> Elasticsearch:
    """The process's client of ELASTICSEARCH_URL; rebuilt when it (or the timeouts) change.

    Raises SearchServerUnavailable when no server is configured: the embedded one is
    started by `search.indexing.search_server_ensure()`, never here.
    """
    global _cached
    url = settings.ELASTICSEARCH_URL
    if not url:
        raise SearchServerUnavailable("no search server: ELASTICSEARCH_URL is empty")
    with _lock:
        key = _settings_key(url)
        if _cached is None or _cached.key != key:
            _cached = _Cached(key, build_client(url))
        return _cached.client


def reset_client() -> None:
    """Forget the cached client (tests switching servers call this)."""
    global _cached
    with _lock:
        if _cached is not None:
            try:
                _cached.client.close()
            except Exception:  # noqa: BLE001 -- closing a dead pool must not raise
                pass
        _cached = None


def index_alias() -> str:
    return settings.ELASTICSEARCH_INDEX


def ping() -> dict:
    """Details of the search server; raises when it does not answer (health check)."""
    client = get_client().options(request_timeout=2, max_retries=0)
    info = client.info()
    version = info.get("version", {})
    details = {
        "cluster": info.get("cluster_name"),
        "version": version.get("number"),
        "distribution": version.get("distribution", "elasticsearch"),
        "index": index_alias(),
    }
    try:
        details["documents"] = client.count(index=index_alias())["count"]
    except ApiError as exc:  # the alias may not exist yet: the server is up all the same
        details["documents"] = None
        details["index_error"] = str(exc.message)[:200]
    return details
