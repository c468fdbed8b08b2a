import pytest
from django.core.exceptions import ValidationError

from marketplace.core.phones import normalise_mobile
from marketplace.core.text import fold, single_line, slugify_vi, validate_single_line


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


@pytest.mark.parametrize("name", [
    "Gian\r\nhàng", "Gian\nhàng", "Gian\rhàng", "Gian\thàng", "Gian\x00hàng",
    "Gian\u202ehàng", "Gian\u200bhàng", "Gian\u2028hàng", "Gian\x85hàng",
])
def test_a_name_with_a_control_character_is_refused(name):
    with pytest.raises(ValidationError):
        validate_single_line(name)
    assert single_line(name) == "Gian hàng"


@pytest.mark.parametrize("name", ["Cơ sở Khô cá Đầm Dơi", "HTX Mật ong U Minh (Cà Mau)", "Bánh pía Sóc Trăng – 5★"])
def test_vietnamese_names_pass(name):
    validate_single_line(name)
    assert single_line(name) == name


def test_single_line_collapses_runs_of_whitespace():
    assert single_line("  Đơn đăng ký cửa hàng Gian\r\n\r\n  hàng  ") == "Đơn đăng ký cửa hàng Gian hàng"
