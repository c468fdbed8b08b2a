"""Small uploads for tests: PNG photos and a minimal PDF document."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def _minimal_pdf() -> bytes:
    """One empty page, with the cross-reference table and `startxref` every real PDF has
    (uploads.clean_document parses PDFs and refuses one it cannot read)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


PDF_BYTES = _minimal_pdf()


def png_bytes(*, size=(12, 8), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def png_upload(name: str = "anh.png", color=(200, 120, 30)) -> SimpleUploadedFile:
    """A 40×30 PNG as a browser uploads it."""
    return SimpleUploadedFile(name, png_bytes(size=(40, 30), color=color), content_type="image/png")
