"""QR codes for product pages, printed at fairs and on packaging.

The encoded address is built from the configured site address (settings.SITE_URL, else
WAGTAILADMIN_BASE_URL, both from the SITE_URL environment variable), never from the
request's Host header: a forged Host must not end up printed on thousands of labels.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Four modules of quiet zone is what ISO/IEC 18004 asks for; scanners need it on busy labels.
QUIET_ZONE = 4
# At least M (15 % of the symbol may be damaged); segno raises it when the size allows.
ERROR_LEVEL = "m"
PNG_SCALE = 16  # px per module: a version-4 code is ~ 600 px, sharp at 5 cm / 300 dpi
SVG_SCALE = 8


def site_base_url() -> str:
    """The configured public address of the marketplace, without a trailing slash."""
    base = getattr(settings, "SITE_URL", "") or getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    parts = urlsplit(base or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            "SITE_URL must be the site's absolute address (https://…) to build QR codes."
        )
    return base.rstrip("/")


def product_absolute_url(product) -> str:
    return site_base_url() + product.get_absolute_url()


def _qr(url: str) -> segno.QRCode:
    # make_qr: never a Micro QR, which many phone cameras cannot read.
    return segno.make_qr(url, error=ERROR_LEVEL, boost_error=True)


def product_qr_png(product, *, scale: int = PNG_SCALE) -> bytes:
    buffer = io.BytesIO()
    _qr(product_absolute_url(product)).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()


def product_qr_svg(product, *, scale: int = SVG_SCALE) -> bytes:
    url = product_absolute_url(product)
    buffer = io.BytesIO()
    _qr(url).save(
        buffer,
        kind="svg",
        scale=scale,
        border=QUIET_ZONE,
        xmldecl=True,
        title=url,
        # A white background even where the SVG is placed on a coloured label.
        light="#fff",
    )
    return buffer.getvalue()
