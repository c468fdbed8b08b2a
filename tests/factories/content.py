"""Wagtail content: the home page, StreamField blocks, images, built as staff would."""

from __future__ import annotations

import io
import json
import uuid

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from marketplace.cms.models import HomePage
from marketplace.demo.content import banner_bytes


def raw(blocks: list[dict]) -> str:
    for block in blocks:
        block.setdefault("id", str(uuid.uuid4()))
    return json.dumps(blocks)


def items(values) -> list[dict]:
    return [{"type": "item", "value": v, "id": str(uuid.uuid4())} for v in values]


def grid(products, title="Lưới") -> dict:
    return {
        "type": "product_grid",
        "value": {"title": title, "products": items(p.pk for p in products)},
    }


def collection_block(collection, limit=8) -> dict:
    return {
        "type": "collection",
        "value": {"collection": collection.pk, "title": "", "limit": limit},
    }


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_home_page(body: list[dict] | None = None, *, slug: str = "home-cms",
                   published: bool = True, **fields):
    """The default site's home page with `body` blocks; `published` adds a published revision."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(
        title="Trang chủ", slug=slug, hero_title="Chợ", body=raw(body or []), **fields
    ))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return publish(home) if published else home


def set_body(page, body: list[dict]):
    page.body = raw(body)
    return publish(page)


def make_image(title="Ảnh thử"):
    image = get_image_model()(title=title)
    image.file = ImageFile(
        io.BytesIO(banner_bytes(title, "thử", 0.3, size=(1600, 900))), name="thu.jpg"
    )
    image.save()
    return image
