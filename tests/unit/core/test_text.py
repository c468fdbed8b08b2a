import pytest
from django.core.exceptions import ValidationError

from marketplace.core.phones import normalise_mobile
from marketplace.core.text import fold, slugify_vi


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Mật ong U Minh Hạ", "Mat ong U Minh Ha"),
        ("Đầm Dơi", "Dam Doi"),
        ("đũa đước", "dua duoc"),
        ("Bánh phồng tôm", "Banh phong tom"),
    ],
)
def test_fold_removes_marks_and_maps_d_stroke(text, folded):
    assert fold(text) == folded


def test_slug_is_ascii_and_readable():
    assert slugify_vi("HTX Ba Khía Đầm Dơi") == "htx-ba-khia-dam-doi"
    assert slugify_vi("  Tôm khô – hộp 500 g ") == "tom-kho-hop-500-g"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("0912 345 678", "+84912345678"), ("+84 389-123-456", "+84389123456"), ("84912345678", "+84912345678")],
)
def test_mobile_numbers_are_stored_in_e164(typed, stored):
    assert normalise_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["", "0212345678", "091234567", "+8491234567890", "abc"])
def test_bad_mobile_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_mobile(typed)


def test_every_recorded_action_has_a_label():
    """Histories show words, not codes: each action written by the code has a label."""
    import re
    from pathlib import Path

    from marketplace.core.models import ACTION_LABELS

    root = Path(__file__).resolve().parents[3]
    written = set()
    for folder in ("shops", "catalogue", "marketplace", "search"):
        for path in (root / folder).rglob("*.py"):
            written |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
            written |= set(re.findall(r'_ACTION = "([a-z_]+\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    written |= {"shipping.option_changed"}
    assert written, "no actions found: the pattern is stale"
    assert written <= set(ACTION_LABELS), sorted(written - set(ACTION_LABELS))
