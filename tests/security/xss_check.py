"""Finds what an XSS payload would leave in a rendered page (tests/security/test_xss.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
_RAW_SCRIPT = re.compile(r"<script[^>]*>[^<]*alert\(", re.IGNORECASE)


class _Scanner(HTMLParser):
    def __init__(self, marks):
        super().__init__(convert_charrefs=True)
        self.marks = marks
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "alert" in value:  # Oscar's own onclick=history…
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in _URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            self._in_script = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            if "alert(" in data:
                self.problems.append(f"script text {data.strip()[:80]!r}")
        else:
            self.text.append(data)


def scan(html: str, marks) -> tuple[list[str], set[str]]:
    """(what would run, the marks shown as text) of an HTML page."""
    scanner = _Scanner(marks)
    scanner.feed(html)
    scanner.close()
    problems = list(scanner.problems)
    if _RAW_SCRIPT.search(html):
        problems.append("a raw <script>alert( in the markup")
    text = "".join(scanner.text)
    return problems, {mark for mark in marks if mark in text}
