"""Generated product photos (Pillow, no network): a coloured square with the name.

The font must render Vietnamese (ậ, đ, ơ, ữ …). Pillow's built-in scalable font
does not, so we look for DejaVu Sans (matplotlib ships it; Debian's
`fonts-dejavu-core` installs it under /usr/share/fonts) and, failing that, draw the
name without diacritics with Pillow's default font.
"""

from __future__ import annotations

import colorsys
import io
import sys
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from marketplace.core.text import fold

from .catalogue_data import stable_int

SIZE = 800
MARGIN = 64
JPEG_QUALITY = 70

# Hue (0–1) per OCOP group, so a group's photos share a colour family.
GROUP_HUES = {
    "thuc-pham": 0.53,  # sea teal
    "do-uong": 0.93,  # wine red
    "duoc-lieu": 0.36,  # leaf green
    "thu-cong-my-nghe": 0.08,  # wood brown/orange
    "sinh-vat-canh": 0.22,  # olive
    "du-lich": 0.58,  # sky blue
    "dac-san-dia-phuong-khac": 0.12,  # amber
}

_FONT_DIRS = [
    # Shipped with the project (DejaVu fonts licence in fonts/LICENSE) so photos look the
    # same on every machine; system folders are only a fallback.
    Path(__file__).resolve().parent / "fonts",
    Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    / "site-packages" / "matplotlib" / "mpl-data" / "fonts" / "ttf",
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
]


@lru_cache(maxsize=4)
def _font_path(bold: bool) -> str | None:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        if (folder / name).is_file():
            return str(folder / name)
    return None


@lru_cache(maxsize=32)
def _font(size: int, bold: bool = True) -> tuple[ImageFont.FreeTypeFont, bool]:
    """(font, renders Vietnamese)."""
    path = _font_path(bold)
    if path:
        return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size=size), False


def font_supports_vietnamese() -> bool:
    return _font(40)[1]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _colour(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return int(r * 255), int(g * 255), int(b * 255)


# The badge names the group, never the OCOP stars: a photo outlives a certificate,
# and stars may only be shown while the certificate is valid.
GROUP_BADGES = {
    "thuc-pham": "Thực phẩm",
    "do-uong": "Đồ uống",
    "duoc-lieu": "Dược liệu",
    "thu-cong-my-nghe": "Thủ công mỹ nghệ",
    "sinh-vat-canh": "Sinh vật cảnh",
    "du-lich": "Du lịch",
    "dac-san-dia-phuong-khac": "Đặc sản Cà Mau",
}


def product_photo(*, title: str, group_code: str, shop_name: str) -> bytes:
    """A SIZE×SIZE JPEG: group colour, the product name in large type, the shop."""
    h = stable_int("photo", title, shop_name)
    hue = GROUP_HUES.get(group_code, 0.0) + ((h % 41) - 20) / 1000
    background = _colour(hue, 0.30 + (h >> 8) % 10 / 100, 0.55)
    accent = _colour(hue, 0.42 + (h >> 12) % 10 / 100, 0.50)
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    # Two soft discs, placed from the hash, so the photos do not all look the same.
    for i in range(2):
        radius = 180 + (h >> (16 + 4 * i)) % 160
        cx = (h >> (24 + 8 * i)) % SIZE
        cy = SIZE - 120 if i else 140
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=accent)

    vietnamese = font_supports_vietnamese()
    text = title if vietnamese else fold(title)
    shop = shop_name if vietnamese else fold(shop_name)
    width = SIZE - 2 * MARGIN
    for size in (84, 72, 62, 54, 46, 40):
        font, _ = _font(size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= 4 and all(draw.textlength(line, font=font) <= width for line in lines):
            break
    line_height = int(size * 1.22)
    y = max(MARGIN + 80, (SIZE - line_height * len(lines)) // 2 - 20)
    for line in lines:
        draw.text((MARGIN + 2, y + 3), line, font=font, fill=(0, 0, 0))  # shadow
        draw.text((MARGIN, y), line, font=font, fill=(255, 255, 255))
        y += line_height

    for shop_size in (30, 26, 22):
        small, _ = _font(shop_size, bold=False)
        if draw.textlength(shop, font=small) <= width:
            break
    draw.text((MARGIN, SIZE - MARGIN - 34), shop, font=small, fill=(240, 240, 240))
    label, _ = _font(28)
    badge = GROUP_BADGES.get(group_code, "Cà Mau")
    badge = badge if vietnamese else fold(badge)
    badge_width = int(draw.textlength(badge, font=label)) + 36
    draw.rounded_rectangle(
        (MARGIN, MARGIN, MARGIN + badge_width, MARGIN + 50), 25, fill=(255, 255, 255)
    )
    draw.text((MARGIN + 18, MARGIN + 9), badge, font=label, fill=(30, 30, 30))

    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
