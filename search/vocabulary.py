"""The catalogue's words, for reading what phone users type (search.typed).

Built from the titles of the public products, the category names and the approved shops'
names (three queries), then kept in this process for SEARCH_VOCABULARY_SECONDS (default
600; 0 in tests: built again for each query that needs it). A word new to the catalogue
is therefore recognised inside a joined or Telex-typed query within that time; queries
typed with spaces and accents never need it (docs/decisions/0035-typed-queries.md).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

from catalogue.models import Category
from catalogue.selectors import product_list_public
from search.typed import Reading, Vocabulary, read
from shops.models import Partner

DEFAULT_SECONDS = 600

_lock = threading.Lock()
_memo: tuple[float, Vocabulary] | None = None


def max_age() -> float:
    return float(getattr(settings, "SEARCH_VOCABULARY_SECONDS", DEFAULT_SECONDS))


def build_vocabulary() -> Vocabulary:
    titles = (product_list_public().prefetch_related(None).order_by()
              .values_list("title", "parent__title").distinct())
    categories = Category.objects.values_list("name", flat=True)
    shops = Partner.objects.filter(status=Partner.Status.APPROVED).values_list("name", flat=True)
    return Vocabulary.from_texts([
        *(title or parent_title or "" for title, parent_title in titles), *categories, *shops,
    ])


def catalogue_vocabulary() -> Vocabulary:
    """The vocabulary, from this process's memory while it is younger than max_age()."""
    global _memo
    seconds = max_age()
    now = time.monotonic()
    with _lock:
        if _memo is not None and seconds > 0 and now - _memo[0] < seconds:
            return _memo[1]
    vocabulary = build_vocabulary()
    if seconds > 0:
        with _lock:
            _memo = (now, vocabulary)
    return vocabulary


def forget() -> None:
    """Drop the kept vocabulary (tests)."""
    global _memo
    with _lock:
        _memo = None


def read_query(q: str) -> Reading | None:
    """What the buyer meant by `q` (search.typed.read over the catalogue's words)."""
    return read(q, catalogue_vocabulary) if q else None
