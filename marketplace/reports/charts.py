"""Server-rendered inline SVG bar charts: no JavaScript, no CDN, readable by screen readers."""

from __future__ import annotations

import hashlib

from django.utils.html import escape

from marketplace.core.money import format_vnd

ROW_HEIGHT = 26
LINE_HEIGHT = 16
LABEL_WIDTH = 250
BAR_WIDTH = 320
VALUE_WIDTH = 140
TOP = 4
LABEL_CHARS = 30  # what fits in LABEL_WIDTH at 13 px


def _lines(label: str, limit: int = LABEL_CHARS) -> list[str]:
    """`label` wrapped at spaces into lines of at most `limit` characters (a longer word is
    split): never cut off."""
    lines: list[str] = []
    for word in label.split():
        while len(word) > limit:
            lines.append(word[:limit])
            word = word[limit:]
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bar_chart(rows: list[tuple[str, int]], *, title: str, money: bool = False) -> str:
    """A horizontal bar chart of (label, value) rows as an SVG string (already escaped).

    `title` is the chart's accessible name (`<title>`), not drawn: the page's heading above
    the chart shows it once. Long labels wrap onto more lines rather than being cut.
    `money`: values are whole đồng and shown as `1.250.000 ₫`.
    """
    fmt = format_vnd if money else (lambda v: f"{int(v):,}".replace(",", "."))
    ident = "chart-" + hashlib.sha1(title.encode()).hexdigest()[:10]
    peak = max((int(v) for _label, v in rows), default=0)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    wrapped = [_lines(str(label)) for label, _value in rows]
    heights = [max(ROW_HEIGHT, LINE_HEIGHT * len(lines) + 10) for lines in wrapped]
    height = TOP + sum(heights) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="bar-chart" '
        f'aria-labelledby="{ident}-title {ident}-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="max-width:100%;height:auto" '
        'font-family="sans-serif" font-size="13">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">'
        + escape("; ".join(f"{label}: {fmt(value)}" for label, value in rows))
        + "</desc>",
    ]
    y = TOP
    for (_label, value), lines, row_height in zip(rows, wrapped, heights, strict=True):
        length = round(BAR_WIDTH * int(value) / peak) if peak > 0 else 0
        middle = y + row_height / 2
        first = middle + 5 - LINE_HEIGHT * (len(lines) - 1) / 2
        tspans = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{first + LINE_HEIGHT * i:g}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts.append(
            f'<g><text text-anchor="end">{tspans}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{middle - (ROW_HEIGHT - 8) / 2:g}" '
            f'width="{max(length, 1 if value else 0)}" height="{ROW_HEIGHT - 8}" fill="#2f7d32"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle + 5:g}">{escape(fmt(value))}</text></g>'
        )
        y += row_height
    parts.append("</svg>")
    return "".join(parts)
