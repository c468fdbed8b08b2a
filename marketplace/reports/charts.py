"""Server-rendered inline SVG bar charts: no JavaScript, no CDN, readable by screen readers."""

from __future__ import annotations

import hashlib

from django.utils.html import escape

from marketplace.core.money import format_vnd

ROW_HEIGHT = 26
LABEL_WIDTH = 250
BAR_WIDTH = 320
VALUE_WIDTH = 140
TITLE_HEIGHT = 28


def _shorten(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(rows: list[tuple[str, int]], *, title: str, money: bool = False) -> str:
    """A horizontal bar chart of (label, value) rows as an SVG string (already escaped).

    `money`: values are whole đồng and shown as `1.250.000 ₫`.
    """
    fmt = format_vnd if money else (lambda v: f"{int(v):,}".replace(",", "."))
    ident = "chart-" + hashlib.sha1(title.encode()).hexdigest()[:10]
    peak = max((int(v) for _label, v in rows), default=0)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TITLE_HEIGHT + ROW_HEIGHT * max(len(rows), 1) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="bar-chart" '
        f'aria-labelledby="{ident}-title {ident}-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="max-width:100%;height:auto" '
        'font-family="sans-serif" font-size="13">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">'
        + escape("; ".join(f"{label}: {fmt(value)}" for label, value in rows))
        + "</desc>",
        f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(rows):
        y = TITLE_HEIGHT + index * ROW_HEIGHT
        length = round(BAR_WIDTH * int(value) / peak) if peak > 0 else 0
        parts.append(
            f'<g><text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_shorten(str(label)))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{max(length, 1 if value else 0)}" '
            f'height="{ROW_HEIGHT - 8}" fill="#2f7d32"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 17}">{escape(fmt(value))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
