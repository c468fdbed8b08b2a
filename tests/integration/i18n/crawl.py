"""A bounded crawler for the Vietnamese-language checks (Django test client, no browser).

`Crawl` follows same-site links from start pages, keeps at most a few URLs per shape
(digits folded), submits forms empty to show their validation messages, and gives every
rendered text node and user-visible attribute to `findings()`, which reports:

- English sentences: a text with no Vietnamese letter holding ≥ 2 English function words,
  or made only of English interface words ("Save", "Dashboard", "Next page");
- Django's, Oscar's or Wagtail's default messages: their English msgids (untranslated) and the
  stock Vietnamese that locale/vi replaces (a context or plural mismatch shows it again).

It also records every msgid looked up while pages render (`used_msgids`), which is how the
project's catalogue was sized (see locale/README.md).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

VIETNAMESE = re.compile(
    "[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]", re.IGNORECASE
)
STOPWORDS = frozenset(
    "the your this please enter field required is are you to of and for with not no an "
    "be been has have was were will can could should must may it its which that these those "
    "there here by from into on at or if all any some".split()
)
# Interface words that, standing alone, are English (a button, a heading, a menu entry).
UI_WORDS = frozenset(
    "add edit delete remove save cancel submit search filter reset update create new view "
    "back next previous first last page pages home dashboard settings users user groups "
    "orders order products product catalogue categories category basket checkout account "
    "login logout sign in out register password reports report offers offer vouchers voucher "
    "ranges range partners partner stock reviews review images image documents document "
    "snippets snippet status date total price quantity actions action details detail yes "
    "sites site more help close open show hide loading select choose upload download go "
    "welcome about contact shipping payment address addresses profile history notifications "
    "live draft published unpublished publish preview revisions revision locked unlocked "
    "title slug owner created updated modified".split()
)
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
URL_OR_MAIL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|/\S*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
SKIP_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "template", "svg", "noscript"}
ATTRS = ("placeholder", "title", "aria-label", "alt")


def is_english(text: str, allow: frozenset[str] = frozenset()) -> bool:
    if VIETNAMESE.search(text):
        return False
    for name in allow:
        text = text.replace(name, " ")
    words = [w.lower() for w in WORD.findall(URL_OR_MAIL.sub(" ", text))]
    if not words:
        return False
    if sum(w in STOPWORDS for w in words) >= 2:
        return True
    return all(w in UI_WORDS or w in STOPWORDS for w in words) and any(w in UI_WORDS for w in words)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._skip = 0
        self._form: dict | None = None
        self._link: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in SKIP_TAGS:
            self._skip += 1
            return
        for name in ATTRS:
            if a.get(name):
                self.texts.append(a[name])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.texts.append(a["value"])
        if tag == "a" and a.get("href"):
            # Only links a person can see and click: named by text, an image's alt or a label
            # (Oscar's dashboard renders an empty, unusable sort link for its checkbox column).
            self._link = a["href"] if not (a.get("aria-label") or a.get("title")) else None
            if self._link is None:
                self.links.append(a["href"])
        elif tag == "img" and a.get("alt") and self._link:
            self.links.append(self._link)
            self._link = None
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "hidden": {}, "visible": 0}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea"):
            kind = a.get("type", "text")
            if kind == "hidden":
                self._form["hidden"][a.get("name")] = a.get("value", "")
            elif kind not in ("submit", "button", "checkbox", "radio", "file", "image"):
                self._form["visible"] += 1

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "form":
            self._form = None
        elif tag == "a":
            self._link = None

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)
            if self._link:
                self.links.append(self._link)
                self._link = None


def normalise(text: str) -> str:
    return " ".join(text.split())


def shape(url: str) -> str:
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + ("?" + re.sub(r"=[^&]*", "=", parts.query) if parts.query else "")


@dataclass
class PoEntry:
    context: str | None = None
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    obsolete: bool = False


_PO_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def po_entries(path: Path) -> list[PoEntry]:
    """The entries of a .po file (a small reader: the tests do not depend on polib)."""
    entries: list[PoEntry] = []
    entry, key = PoEntry(), None

    def close():
        nonlocal entry
        if entry.msgid:
            entries.append(entry)
        entry = PoEntry()

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#~"):
            continue
        match = _PO_LINE.match(line)
        if match:
            key, value = match.group(1), _unquote(match.group(2))
            if key in ("msgctxt", "msgid") and (entry.msgstrs or (key == "msgctxt" and entry.msgid)):
                close()
            if key == "msgctxt":
                entry.context = value
            elif key == "msgid":
                entry.msgid = value
            elif key == "msgid_plural":
                entry.msgid_plural = value
            else:
                entry.msgstrs.append(value)
        elif line.startswith('"') and key:
            value = _unquote(line[1:-1])
            if key == "msgctxt":
                entry.context += value
            elif key == "msgid":
                entry.msgid += value
            elif key == "msgid_plural":
                entry.msgid_plural += value
            else:
                entry.msgstrs[-1] += value
    close()
    return entries


SITE = Path(__file__).resolve().parents[3]


def _package_po(*parts: str) -> list[Path]:
    import django

    root = Path(django.__file__).resolve().parents[1]
    return sorted(root.glob("/".join(parts)))


@lru_cache(maxsize=1)
def default_messages() -> re.Pattern:
    """English msgids of Django's and Oscar's catalogues, and the stock Vietnamese our catalogue
    replaces, as one pattern (multi-word messages only; placeholders match anything)."""
    ours = po_entries(SITE / "locale/vi/LC_MESSAGES/django.po")
    ours_by_key = {(e.context, e.msgid): e for e in ours}
    texts: set[str] = set()
    stock_texts: set[str] = set()
    our_texts = {normalise(m) for e in ours for m in e.msgstrs}
    # the project's own (Vietnamese) msgids are never a default message, even when Oscar's
    # stock Vietnamese happens to say the same ("Thêm vào giỏ hàng")
    our_texts |= {normalise(e.msgid) for e in po_entries(SITE / "locale/en/LC_MESSAGES/django.po")}
    files = (
        _package_po("django/conf/locale/vi/LC_MESSAGES/django.po")
        + _package_po("django/contrib/*/locale/vi/LC_MESSAGES/django.po")
        + _package_po("oscar/locale/vi/LC_MESSAGES/django.po")
        + _package_po("wagtail/**/locale/vi/LC_MESSAGES/django.po")
    )
    for path in files:
        for entry in po_entries(path):
            for msgid in (entry.msgid, entry.msgid_plural):
                bare = PLACEHOLDER.sub(" ", msgid)
                if msgid and len(WORD.findall(bare)) >= 2 and is_english(bare):
                    texts.add(msgid)
            mine = ours_by_key.get((entry.context, entry.msgid))
            for stock in entry.msgstrs:
                # (without placeholders: "Nhập %(field)scủa bạn" would match our own wording)
                if mine and len(stock.split()) >= 2 and normalise(stock) not in our_texts and not PLACEHOLDER.search(stock):
                    stock_texts.add(normalise(stock))
    def patterns(found):
        for text in sorted(found, key=len, reverse=True):
            yield re.sub(r"%(?:\\\(\w+\\\))?[sdif]|\\\{\w*\\\}", ".+?", re.escape(normalise(text)))

    # English anywhere in a text; the stock Vietnamese only as a whole text (its words are ours too)
    return re.compile(
        r"(?<!\w)(?:" + "|".join(patterns(texts)) + r")(?!\w)|^(?:" + "|".join(patterns(stock_texts)) + r")$"
    )


@dataclass
class Crawl:
    client: object
    label: str
    max_pages: int = 200
    per_shape: int = 2
    skip: tuple[str, ...] = ()
    allow: frozenset[str] = frozenset()
    submit_forms: bool = True
    pages: dict[str, list[str]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)

    def run(self, *starts: str) -> Crawl:
        self.client.raise_request_exception = False  # a 500 is a finding, not the end of the crawl
        self.errors: list[str] = []
        queue = list(starts)
        seen_shapes: Counter = Counter()
        seen: set[str] = set()
        forms: list[tuple[str, dict]] = []
        while queue and len(self.pages) < self.max_pages:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if seen_shapes[shape(url)] >= self.per_shape:
                continue
            seen_shapes[shape(url)] += 1
            response = self.client.get(url, follow=True)
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.errors.append(f"{self.label} {url}: server error {response.status_code}")
            final = response.request["PATH_INFO"]
            if "text/html" not in response.get("Content-Type", ""):
                continue
            page = _Page()
            page.feed(response.content.decode())
            self.pages[url] = page.texts
            for href in page.links:
                target = self._internal(urljoin(final, href))
                if target and target not in seen:
                    queue.append(target)
            for form in page.forms:
                if form["method"] == "post" and form["visible"]:
                    forms.append((urljoin(final, form["action"]) if form["action"] else final, form))
        if self.submit_forms:
            done: set[str] = set()
            for action, form in forms:
                target = self._internal(action)
                if not target or shape(target) in done or re.search(r"delete|remove|logout|xoa|cancel", target):
                    continue
                done.add(shape(target))
                data = {k: v for k, v in form["hidden"].items() if k == "csrfmiddlewaretoken"}
                response = self.client.post(target, data)
                self.statuses[response.status_code] += 1
                if response.status_code >= 500:
                    self.errors.append(f"{self.label} POST {target}: server error {response.status_code}")
                if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                    page = _Page()
                    page.feed(response.content.decode())
                    self.pages["POST " + target] = page.texts
        return self

    def _internal(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            return None
        path = parts.path
        if re.search(r"/(static|media|i18n|documents)/|logout|/api/|\.(csv|json|pdf|xml|txt|png|jpe?g|webp)$", path):
            return None
        if "format=" in parts.query or any(path.startswith(s) for s in self.skip):
            return None
        return path + ("?" + parts.query if parts.query else "")

    def findings(self) -> list[str]:
        defaults = default_messages()
        found: dict[str, str] = {}
        for url, texts in self.pages.items():
            for raw in texts:
                text = normalise(raw)
                if is_english(text, self.allow):
                    found.setdefault(f"English: {text!r}", url)
                match = defaults.search(text)
                if match:
                    found.setdefault(f"default message: {match.group(0)!r} in {text!r}", url)
        return self.errors + [f"{self.label} {url}: {what}" for what, url in sorted(found.items(), key=lambda i: i[1])]


class record_msgids:
    """Context manager: every (context, msgid, plural) looked up through Django's translation
    machinery while it is active (templates' {% trans %}/{% blocktrans %}, gettext, lazy
    strings), in `self.used`."""

    def __enter__(self):
        from django.utils.translation import trans_real

        self.used: Counter = Counter()
        cls = trans_real.DjangoTranslation
        self._saved = (cls.gettext, cls.ngettext)
        original_gettext, original_ngettext = self._saved
        used = self.used

        def gettext(self_, message):
            context, _, msgid = message.rpartition("\x04")
            used[(context or None, msgid, "")] += 1
            return original_gettext(self_, message)

        def ngettext(self_, msg1, msg2, n):
            context, _, msgid = msg1.rpartition("\x04")
            used[(context or None, msgid, msg2.rpartition("\x04")[2])] += 1
            return original_ngettext(self_, msg1, msg2, n)

        cls.gettext, cls.ngettext = gettext, ngettext
        return self

    def __exit__(self, *exc):
        from django.utils.translation import trans_real

        trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext = self._saved
        return False
