"""Media on S3-compatible object storage: a seller's photo goes to the bucket, the product page
shows thumbnails made from it and stored beside it, private papers are stored as private.

The storage is configured by `s3_media_settings`, as production configures it from
MEDIA_S3_*; the bucket lives in moto's S3 server, a separate process speaking the S3 API
over HTTP on a loopback port.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse

from catalogue.models import Product
from marketplace.core.storage import PUBLIC_CACHE_CONTROL, s3_media_settings

from .conftest import jpeg_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.search]

POLICY = Path(__file__).resolve().parents[3] / "deploy" / "s3-bucket-policy.json"


def anonymous_get(url: str):
    """(status, Content-Type, first bytes) of a GET without credentials, as a browser's."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read(12)
    except urllib.error.HTTPError as error:
        return error.code, None, b""


@pytest.fixture
def bucket(s3_server, settings):
    name = f"ocop-media-{uuid.uuid4().hex[:8]}"
    s3_server.client().create_bucket(Bucket=name)
    # The policy docs/deploy.md tells operators to set: anonymous reads of pictures only.
    policy = POLICY.read_text(encoding="utf-8").replace(
        "arn:aws:s3:::ocop-media/", f"arn:aws:s3:::{name}/"
    )
    s3_server.client().put_bucket_policy(Bucket=name, Policy=json.dumps(json.loads(policy)))
    storage, media_url = s3_media_settings(
        bucket=name,
        endpoint_url=s3_server.endpoint,
        region="us-east-1",
        access_key="ocop-test",
        secret_key="ocop-test-secret",
    )
    from django.utils.functional import empty
    from sorl.thumbnail import default as sorl_default

    # sorl keeps the storage it first resolved for the whole process (an earlier test's local
    # storage in a full run): forget it on the way in and out, as a fresh process would.
    sorl_default.storage._wrapped = empty
    try:
        with override_settings(
            STORAGES={**settings.STORAGES, "default": storage}, MEDIA_URL=media_url
        ):
            yield name
    finally:
        sorl_default.storage._wrapped = empty


def objects(s3_server, bucket: str, prefix: str) -> list[str]:
    listing = s3_server.client().list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_a_product_photo_uploaded_by_a_seller_lands_in_the_bucket(
    small_site, bucket, s3_server, client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    shop, owner = small_site["shop"], small_site["owner"]
    client.force_login(owner)
    photo = SimpleUploadedFile("IMG_0042.jpg", jpeg_bytes(), content_type="image/jpeg")
    data = {
        "title": "Tôm khô Rạch Gốc",
        "category": small_site["product"].categories.get().pk,
        "price": "450.000",
        "stock": "5",
        "description": "",
        "sku": "",
        "traceability_url": "",
        "photos": [photo],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("seller:product-create", kwargs={"shop_code": shop.code}), data
        )
    assert response.status_code == 302

    product = Product.objects.get(title="Tôm khô Rạch Gốc")
    image = product.images.get()
    (key,) = objects(s3_server, bucket, "images/products/")
    assert key == image.original.name and key.endswith(".jpg")
    head = s3_server.client().head_object(Bucket=bucket, Key=key)
    assert head["ContentType"] == "image/jpeg"  # from the name, not the browser's claim
    assert head["CacheControl"] == PUBLIC_CACHE_CONTROL

    page = client.get(product.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    media_url = f"{s3_server.endpoint}/{bucket}/"
    thumbnails = set(re.findall(re.escape(media_url) + r"(cache/[^\s\"']+\.webp)", html))
    assert thumbnails, "the product page should show thumbnails from the bucket"
    assert thumbnails <= set(objects(s3_server, bucket, "cache/"))  # sorl stored them there
    # The page's address of a thumbnail serves it to anyone, as a browser asks for it.
    status, content_type, start = anonymous_get(media_url + sorted(thumbnails)[0])
    assert (status, content_type, start[8:12]) == (200, "image/webp", b"WEBP")
    assert anonymous_get(media_url + key)[:2] == (200, "image/jpeg")


def test_private_papers_are_stored_as_private_downloads(bucket, s3_server):
    name = default_storage.save(
        "ocop/certificates/2026/scan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n")
    )
    head = s3_server.client().head_object(Bucket=bucket, Key=name)
    assert head["ContentDisposition"] == "attachment"
    assert head["CacheControl"] == "private, no-store"
    assert head["ContentType"] == "application/pdf"
    with default_storage.open(name) as stored:  # what the staff's view streams
        assert stored.read().startswith(b"%PDF-")
