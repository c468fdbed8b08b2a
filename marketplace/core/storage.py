"""Media on S3-compatible object storage (production, when MEDIA_S3_BUCKET is set).

The same public/private split as /media/ on disk (marketplace.core.media): pictures are
public, shop application documents and OCOP certificate scans are not. Object storage
cannot check a permission, so:

- the *bucket policy* lets anonymous readers get only the public prefixes
  (`PUBLIC_PREFIXES`, docs/deploy.md has the policy); staff and shop members read the
  private files through Django's permission-checked views, which open them with the
  storage's credentials;
- each object is written with the headers a reader should get: pictures with the type of
  their extension (never the type the browser claimed) and a year of caching (names are
  random and never reused), everything else as a private download.
"""

from __future__ import annotations

import mimetypes

from storages.backends.s3 import S3Storage

from marketplace.core.media import public_media_type

#: Where public pictures live: Oscar's product images, Wagtail's originals and renditions,
#: sorl-thumbnail's thumbnails, shop logos and banners.
PUBLIC_PREFIXES = ("images/", "original_images/", "cache/", "shops/logos/", "shops/banners/")
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"


class MediaS3Storage(S3Storage):
    def get_object_parameters(self, name: str) -> dict:
        params = super().get_object_parameters(name)
        content_type = public_media_type(name)
        if content_type is not None:
            params.update(ContentType=content_type, CacheControl=PUBLIC_CACHE_CONTROL)
        else:
            guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
            params.update(
                ContentType=guessed,
                ContentDisposition="attachment",
                CacheControl="private, no-store",
            )
        return params


def s3_media_settings(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    custom_domain: str = "",
) -> tuple[dict, str]:
    """(STORAGES["default"], MEDIA_URL) for media in `bucket`, as production configures them.

    Every URL is built one known way so that MEDIA_URL, which the Content-Security-Policy
    allows pictures from, is exactly where they are: the CDN or public host when given, else
    path style on another provider's endpoint, else AWS's virtual host. URLs are plain (no
    signature): pictures are public through the bucket policy or the CDN; private files never
    leave through a URL. Empty keys let boto3 find credentials itself (an instance role).
    """
    endpoint_url = endpoint_url.rstrip("/")
    domain = custom_domain.removeprefix("https://").removeprefix("http://").strip("/")
    if not domain and not endpoint_url:
        domain = f"{bucket}.s3.{region or 'us-east-1'}.amazonaws.com"
    options: dict = {
        "bucket_name": bucket,
        "querystring_auth": False,
        "file_overwrite": False,  # a new upload never replaces a cached picture
        "default_acl": None,  # access is the bucket policy's job (ACLs are off on new AWS buckets)
    }
    if endpoint_url:
        options["endpoint_url"] = endpoint_url
    if region:
        options["region_name"] = region
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    if domain:
        options["custom_domain"] = domain
        media_url = f"https://{domain}/"
    else:
        options["addressing_style"] = "path"
        media_url = f"{endpoint_url}/{bucket}/"
    return {"BACKEND": "marketplace.core.storage.MediaS3Storage", "OPTIONS": options}, media_url
