"""Vietnamese text helpers: diacritic folding (with đ → d), slugs, and one-line names.

A name (a shop's, a product's, a person's) ends up in places where a line break is a
syntax: an e-mail's Subject header, a CSV row, a bank file. `validate_single_line` refuses
control characters at the forms; `single_line` flattens what is already stored.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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


# Cc: control characters (CR, LF, tab, NUL, DEL, C1); Cf: invisible format characters
# (U+202E right-to-left override, zero-width spaces and joiners, BOM); Zl/Zp: U+2028/U+2029,
# which Python's and mail clients' line splitting treat as line breaks.
_NOT_IN_A_NAME = frozenset({"Cc", "Cf", "Zl", "Zp"})


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in _NOT_IN_A_NAME for ch in text)


def validate_single_line(value: str) -> None:
    """Form and model validator of names: no line breaks, tabs or invisible control marks."""
    if value and has_control_characters(str(value)):
        raise ValidationError(
            _("Tên không được chứa xuống dòng, tab hoặc ký tự điều khiển ẩn."),
            code="control_characters",
        )


def single_line(text: str) -> str:
    """`text` on one line: control and format characters become spaces, runs of whitespace
    one space (a mail subject built from a name stored before the validator existed)."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in _NOT_IN_A_NAME else ch for ch in str(text)
    )
    return " ".join(cleaned.split())
