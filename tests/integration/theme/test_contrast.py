"""Colour contrast of the theme's custom properties: WCAG 2 AA (4.5:1 for text).

Reads the custom properties of the base theme (css/site.css) overridden by the selected
province's css/brand.css, as the browser does, and checks each text/background pair the
stylesheet uses.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

# (text, background) pairs used by site.css; a value is a custom property or a colour.
PAIRS = [
    ("--text", "--bg"),
    ("--text", "--surface"),
    ("--text", "--accent-soft"),  # search button, notices
    ("--muted", "--bg"),
    ("--muted", "--surface"),  # footer legal, facts
    ("--brand", "--bg"),  # links
    ("--brand", "--surface"),
    ("--brand-ink", "--brand"),  # header, primary buttons
    ("--brand-ink", "--brand-dark"),  # top bar, hover
    ("--brand", "--brand-ink"),  # basket count
    ("--accent", "--accent-soft"),  # OCOP badge
    ("--star", "--accent-soft"),  # OCOP stars
    ("--accent", "--bg"),  # eyebrow
    ("--danger", "--bg"),
    ("--danger", "#fdecea"),  # error message
    ("--success", "--bg"),
    ("--success", "#e7f5ee"),
    ("--warning", "--accent-soft"),
    ("#fff", "--danger"),  # danger button
]
NON_TEXT = [("--focus", "--bg"), ("--muted", "--bg")]  # focus ring, input borders: 3:1


def custom_properties() -> dict[str, str]:
    values: dict[str, str] = {}
    for theme in ("base", settings.THEME):
        css = (settings.THEMES_DIR / theme / "static" / "css").glob("*.css")
        for path in sorted(css, key=lambda p: p.name != "site.css"):  # site.css, then brand.css
            for block in re.findall(r":root\s*{([^}]*)}", path.read_text(encoding="utf-8")):
                for name, value in re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})\b", block):
                    values[name] = value
    return values


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_ratio_matches_wcag_reference_values():
    assert ratio("#000", "#fff") == pytest.approx(21)
    assert ratio("#777", "#fff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_text_colours_meet_aa(fg, bg):
    props = custom_properties()
    colours = [props[c] if c.startswith("--") else c for c in (fg, bg)]
    assert ratio(*colours) >= 4.5, f"{fg} on {bg}: {ratio(*colours):.2f}:1"


@pytest.mark.parametrize(("fg", "bg"), NON_TEXT)
def test_focus_ring_and_borders_meet_non_text_contrast(fg, bg):
    props = custom_properties()
    assert ratio(props[fg], props[bg]) >= 3
