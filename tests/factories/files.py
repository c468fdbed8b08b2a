"""Small uploads for tests: PNG photos and a minimal PDF document."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def png_bytes(*, size=(12, 8), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def png_upload(name: str = "anh.png", color=(200, 120, 30)) -> SimpleUploadedFile:
    """A 40×30 PNG as a browser uploads it."""
    return SimpleUploadedFile(name, png_bytes(size=(40, 30), color=color), content_type="image/png")
