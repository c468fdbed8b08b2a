"""Wagtail pages. The home page is served at `/`."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page


class HomePage(Page):
    hero_title = models.CharField(_("Tiêu đề"), max_length=255, blank=True)
    hero_intro = models.TextField(_("Giới thiệu"), blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(form_classname="title", label=_("Tiêu đề mục"))),
            ("paragraph", blocks.RichTextBlock(features=["bold", "italic", "link", "ul"])),
        ],
        blank=True,
        use_json_field=True,
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_intro"),
        FieldPanel("body"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("Trang chủ")

    def get_context(self, request, *args, **kwargs):
        from catalogue.curation.selectors import collection_list_active
        from catalogue.selectors import featured_products
        from shops.selectors import shop_list_approved

        context = super().get_context(request, *args, **kwargs)
        context["featured_products"] = featured_products(limit=12)
        context["shops"] = shop_list_approved()[:8]
        context["collections"] = collection_list_active(per_collection=8)
        return context
