"""First-load weight of a page: gzip bytes of its HTML and the CSS, JS and fonts it pulls in.

Shared by `benchmarks/pages.py` (recorded in docs/benchmarks.md) and the budget test
(tests/integration/theme/test_budgets.py), so both use one measure:

- the HTML as served (Django test client), gzip level 9;
- every `<link rel="stylesheet" href>` and `<script src>` of that HTML, and every
  `@import` and `@font-face` `url()` of those stylesheets, read through the staticfiles
  finders (or the configured storage), each gzip level 9 — as WhiteNoise serves them;
- images are not counted: they are lazy-loaded, sized by `srcset`, and outside the budget.

Cross-origin references are listed separately: the theme must not pull anything from a CDN.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

BUDGET_BYTES = 150 * 1024

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""")
_FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.S)


@dataclass
class Asset:
    url: str
    kind: str  # html, css, js, font
    raw: int
    gzip: int


@dataclass
class PageWeight:
    url: str
    assets: list[Asset] = field(default_factory=list)
    cross_origin: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def gzip(self) -> int:
        return sum(a.gzip for a in self.assets)

    @property
    def raw(self) -> int:
        return sum(a.raw for a in self.assets)

    def gzip_of(self, kind: str) -> int:
        return sum(a.gzip for a in self.assets if a.kind == kind)


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "stylesheet" in (a.get("rel") or "").lower().split() and a.get("href"):
            self.css.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])


def _gzip_len(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def _static_bytes(url: str) -> bytes | None:
    """Bytes of a /static/ URL from the finders (dev, tests) or the storage (collected)."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    path = urlsplit(url).path
    if not path.startswith(settings.STATIC_URL):
        return None
    name = path[len(settings.STATIC_URL) :]
    found = finders.find(name)
    if found:
        with open(found, "rb") as fh:
            return fh.read()
    try:
        with staticfiles_storage.open(name) as fh:
            return fh.read()
    except (FileNotFoundError, OSError, ValueError):
        return None


def measure(client, url: str) -> PageWeight:
    """Weigh `url` as a first visit (empty cache) would download it."""
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    html = response.content
    weight = PageWeight(url=url)
    weight.assets.append(Asset(url, "html", len(html), _gzip_len(html)))
    refs = _Refs()
    refs.feed(html.decode(response.charset or "utf-8", "replace"))
    seen: set[str] = set()

    def add(ref: str, kind: str, base: str) -> bytes | None:
        absolute = urljoin(base, ref)
        if not _same_origin(absolute):
            weight.cross_origin.append(absolute)
            return None
        key = urlsplit(absolute).path
        if key in seen:
            return None
        seen.add(key)
        data = _static_bytes(absolute)
        if data is None:
            weight.missing.append(absolute)
            return None
        weight.assets.append(Asset(key, kind, len(data), _gzip_len(data)))
        return data

    stylesheets = [(ref, url) for ref in refs.css]
    while stylesheets:
        ref, base = stylesheets.pop(0)
        css = add(ref, "css", base)
        if css is None:
            continue
        text = css.decode("utf-8", "replace")
        css_url = urljoin(base, ref)
        for imported in _CSS_IMPORT.findall(text):
            stylesheets.append((imported, css_url))
        for face in _FONT_FACE.findall(text):
            for _quote, font in _CSS_URL.findall(face):
                if not font.startswith("data:"):
                    add(font, "font", css_url)
    for ref in refs.js:
        add(ref, "js", url)
    return weight
