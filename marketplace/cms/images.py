"""The image renditions the content pages ask for, and the prefetch that fetches exactly those.

`{% srcset_image %}` (themes/base/templates/cms/includes/picture.html) asks for WebP at three
widths; lists of cards and the blocks' `Promotions` (marketplace/cms/selectors.py) prefetch
those renditions with their images, so a card costs no query of its own.
"""

from __future__ import annotations

from django.db.models import Prefetch
from wagtail.images import get_image_model

#: Renditions the templates ask for (`{% srcset_image %}`): WebP at three widths.
IMAGE_WIDTHS = (480, 960, 1440)
IMAGE_FILTER_SPECS = tuple(f"width-{w}|format-webp" for w in IMAGE_WIDTHS)


def with_image_renditions(pages, field: str):
    """The pages with their image and its WebP renditions (no query per card)."""
    Rendition = get_image_model().get_rendition_model()
    return pages.select_related(field).prefetch_related(
        Prefetch(
            f"{field}__renditions",
            queryset=Rendition.objects.filter(filter_spec__in=IMAGE_FILTER_SPECS),
            to_attr="prefetched_renditions",
        )
    )
