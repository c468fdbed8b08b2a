"""Vietnamese text helpers: diacritic folding (with đ → d) and slugs."""

from __future__ import annotations

import re
import unicodedata

# NFD decomposes "ậ" into "a" + marks but leaves "đ" alone: it is a letter of its own.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """'Mật ong Đất Mũi' -> 'Mat ong Dat Mui'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def slugify_vi(text: str, **_options) -> str:
    """ASCII slug that keeps Vietnamese words readable: "Đầm Dơi" -> "dam-doi".

    Oscar passes allow_unicode; slugs stay ASCII so URLs survive every chat app.
    """
    return _SLUG_STRIP.sub("-", fold(str(text)).lower()).strip("-")
