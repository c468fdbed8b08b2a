"""What of MEDIA_ROOT is public, and how `make run` (DEBUG) serves it.

Public media are pictures only: product photos, shop logos and banners, Wagtail images and
the thumbnails made from them — all re-encoded by marketplace.core.uploads or by Wagtail.
Everything else under MEDIA_ROOT is refused at /media/:
- PRIVATE_PREFIXES: shop application documents and OCOP certificate scans (papers with
  names, addresses, tax numbers), and the photos buyers attach to a complaint (they may show
  a home or a face). Staff read them through /dashboard/shops/…/document/,
  /dashboard/ocop/…/scan/ and /dashboard/complaints/…/photos/…, the shop's members through
  /seller/<shop>/certificates/…/scan/ and /seller/<shop>/complaints/…/photos/…, the buyer
  through their complaint page's photos/…, each behind its permission check, never cached,
  with `nosniff`.
- any other type (Wagtail documents are served by /documents/, which checks privacy).
Every answer carries `X-Content-Type-Options: nosniff` and the type of its extension, so a
file can never be read as HTML or script. Production's web server must apply the same rules
(docs/decisions/0011-content-security-policy.md has the nginx block).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404
from django.urls import re_path
from django.views.static import serve

PUBLIC_IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".avif": "image/avif",
}
PRIVATE_PREFIXES = ("shops/applications/", "ocop/certificates/", "complaints/")


def public_media_type(path: str) -> str | None:
    """The Content-Type of a public media file, or None when /media/ must not serve it."""
    clean = PurePosixPath(path.lstrip("/"))
    if ".." in clean.parts or str(clean).startswith(PRIVATE_PREFIXES):
        return None
    return PUBLIC_IMAGE_TYPES.get(clean.suffix.lower())


def serve_public_media(request, path: str):
    content_type = public_media_type(path)
    if content_type is None:
        raise Http404
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response


def media_urlpatterns() -> list:
    """/media/ for development (DEBUG); production's web server serves it instead."""
    prefix = settings.MEDIA_URL
    if not settings.DEBUG or "://" in prefix:
        return []
    return [re_path(rf"^{prefix.lstrip('/')}(?P<path>.*)$", serve_public_media, name="media")]
