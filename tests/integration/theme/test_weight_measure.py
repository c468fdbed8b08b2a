"""The page-weight measure counts what a browser downloads: it must not under-count."""

from __future__ import annotations

import gzip

import pytest

from benchmarks import weight as weight_module
from benchmarks.weight import measure


class FakeResponse:
    status_code = 200
    charset = "utf-8"

    def __init__(self, html: str):
        self.content = html.encode()


class FakeClient:
    def __init__(self, html: str):
        self.html = html

    def get(self, url):
        return FakeResponse(self.html)


def test_measure_follows_stylesheets_imports_fonts_and_scripts(monkeypatch):
    files = {
        "/static/css/a.css": b"@import url('b.css');\nbody{color:red}",
        "/static/css/b.css": b"@font-face{font-family:X;src:url(../fonts/x.woff2) format('woff2')}",
        "/static/fonts/x.woff2": bytes(range(256)) * 40,
        "/static/js/app.js": b"console.log(1)" * 50,
    }
    monkeypatch.setattr(weight_module, "_static_bytes", lambda url: files.get(url))
    html = (
        '<html><head><link rel="stylesheet" href="/static/css/a.css">'
        '<link rel="icon" href="/static/img/logo.svg">'
        '<link rel="stylesheet" href="https://cdn.example.com/x.css"></head>'
        '<body><script src="/static/js/app.js" defer></script><script src="/static/js/gone.js"></script>'
        "<script>inline()</script></body></html>"
    )
    result = measure(FakeClient(html), "/page/")
    kinds = {a.url: a.kind for a in result.assets}
    assert kinds == {
        "/page/": "html",
        "/static/css/a.css": "css",
        "/static/css/b.css": "css",
        "/static/fonts/x.woff2": "font",
        "/static/js/app.js": "js",
    }
    assert result.cross_origin == ["https://cdn.example.com/x.css"]
    assert result.missing == ["/static/js/gone.js"]
    expected = len(gzip.compress(html.encode(), 9, mtime=0)) + sum(
        len(gzip.compress(data, 9, mtime=0)) for data in files.values()
    )
    assert result.gzip == expected


def test_static_bytes_reads_through_the_finders():
    data = weight_module._static_bytes("/static/css/site.css")
    assert data is not None and b"--brand" in data
    assert weight_module._static_bytes("/static/css/no-such-file.css") is None
    assert weight_module._static_bytes("/media/x.css") is None


def test_measure_refuses_an_error_page():
    class Missing(FakeClient):
        def get(self, url):
            response = FakeResponse("")
            response.status_code = 404
            return response

    with pytest.raises(AssertionError):
        measure(Missing(""), "/nope/")
