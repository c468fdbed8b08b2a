"""Wagtail pages: the home page (served at `/`), campaigns, producer stories, info pages.

Tree: HomePage → CampaignIndexPage → CampaignPage
                                  → InfoPage (how listings are ranked, fee schedule)
               → StoryIndexPage → ArticlePage
               → InfoPage (marketplace rules, returns and complaints, terms: Decree 52/2013
                 as amended by 85/2021 and the E-commerce Law 122/2025 require the
                 marketplace to publish them).

Pages with catalogue blocks put a `promo` (marketplace.cms.selectors.Promotions) in their
context: it fetches what all the blocks show at once, lazily, and the body is rendered
through `{% cms_body %}` (marketplace/cms/templatetags/cms_tags.py), which caches it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from catalogue.curation.selectors import collection_list_active
from catalogue.selectors import featured_products
from marketplace.cms import blocks as cms_blocks
from marketplace.cms.choosers import ProductChooserBlock
from marketplace.cms.images import with_image_renditions
from marketplace.cms.selectors import Promotions
from shops.selectors import shop_list_approved

STORIES_PER_PAGE = 12
ARCHIVE_PER_PAGE = 12


class PromotionPageMixin:
    """A page whose StreamFields hold catalogue blocks: `promo` for its templates."""

    promotion_fields: tuple[str, ...] = ("body",)

    def promotions(self, now=None):
        return Promotions.for_streams(*(getattr(self, f) for f in self.promotion_fields), now=now)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["promo"] = self.promotions()
        return context


class HomePage(PromotionPageMixin, Page):
    hero_title = models.CharField(_("Tiêu đề"), max_length=255, blank=True)
    hero_intro = models.TextField(_("Giới thiệu"), blank=True)
    body = StreamField(cms_blocks.promotion_blocks(), blank=True, verbose_name=_("Nội dung"))

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_intro"),
        FieldPanel("body"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.CampaignIndexPage", "cms.StoryIndexPage", "cms.InfoPage"]

    class Meta:
        verbose_name = _("Trang chủ")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured_products"] = featured_products(limit=12)
        context["shops"] = shop_list_approved()[:8]
        # Collections the body already shows are not repeated below it.
        shown = context["promo"].refs.get("catalogue.collection", set())
        context["collections"] = [
            c for c in collection_list_active(per_collection=8) if c.pk not in shown
        ]
        return context


# --- campaigns ---------------------------------------------------------------------------


class CampaignIndexPage(Page):
    intro = models.TextField(_("Giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    # Info pages too: the published rules "how listings are ranked" and the fee schedule live
    # at /chuong-trinh/<slug>/ (the public contract).
    subpage_types = ["cms.CampaignPage", "cms.InfoPage"]

    class Meta:
        verbose_name = _("Danh sách chương trình")

    def campaigns(self):
        return with_image_renditions(
            CampaignPage.objects.live().public().child_of(self), "banner_image"
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        campaigns = self.campaigns()
        context["running"] = list(
            campaigns.filter(starts_at__lte=now, ends_at__gt=now).order_by("ends_at", "pk")
        )
        context["upcoming"] = list(campaigns.filter(starts_at__gt=now).order_by("starts_at", "pk")[:6])
        archive = Paginator(campaigns.filter(ends_at__lte=now).order_by("-ends_at", "pk"), ARCHIVE_PER_PAGE)
        context["archive"] = archive.get_page(request.GET.get("page"))
        return context


class CampaignPage(PromotionPageMixin, Page):
    """A promotion with dates. Before it starts it is a 404 (staff preview it in /cms/);
    after it ends its page stays, in the index's archive, saying so, without products."""

    starts_at = models.DateTimeField(_("Bắt đầu"))
    ends_at = models.DateTimeField(_("Kết thúc"))
    banner_image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("Ảnh bìa"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    intro = models.TextField(_("Giới thiệu ngắn"), blank=True, max_length=500)
    body = StreamField(cms_blocks.promotion_blocks(), blank=True, verbose_name=_("Nội dung"))

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Thời gian")),
        FieldPanel("banner_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["cms.CampaignIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Chương trình khuyến mại")
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    def is_running(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def serve(self, request, *args, **kwargs):
        if not self.has_started() and not getattr(request, "is_preview", False):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["running"] = self.is_running()
        context["ended"] = self.has_ended()
        context["not_started"] = not self.has_started()
        return context


# --- stories -----------------------------------------------------------------------------


class StoryIndexPage(Page):
    intro = models.TextField(_("Giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]

    class Meta:
        verbose_name = _("Danh sách câu chuyện")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            with_image_renditions(ArticlePage.objects.live().public().child_of(self), "image")
            .prefetch_related("tags")
            .order_by("-date", "-pk")
        )
        tag = (request.GET.get("tag") or "").strip()[:100]
        if tag:
            articles = articles.filter(tags__slug=tag)
        context["tag"] = tag
        context["articles"] = Paginator(articles, STORIES_PER_PAGE).get_page(request.GET.get("page"))
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey("cms.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items")


class ArticlePage(PromotionPageMixin, Page):
    """A producer story or a news item."""

    class Kind(models.TextChoices):
        STORY = "story", _("Câu chuyện nhà sản xuất")
        NEWS = "news", _("Tin tức")

    kind = models.CharField(_("Loại bài"), max_length=8, choices=Kind.choices, default=Kind.STORY)
    date = models.DateField(_("Ngày đăng"), default=timezone.localdate)
    author = models.CharField(_("Tác giả"), max_length=120, blank=True)
    intro = models.TextField(_("Tóm tắt"), blank=True, max_length=500)
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("Ảnh"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    body = StreamField(cms_blocks.story_blocks(), blank=True, verbose_name=_("Nội dung"))
    related_products = StreamField(
        [("product", ProductChooserBlock())], blank=True, verbose_name=_("Sản phẩm liên quan"),
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True, verbose_name=_("Thẻ"))

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("date"), FieldPanel("author"), FieldPanel("tags")],
            heading=_("Thông tin bài viết"),
        ),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("related_products"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"), index.SearchField("body"), index.FilterField("date"),
    ]
    parent_page_types = ["cms.StoryIndexPage"]
    subpage_types: list[str] = []
    promotion_fields = ("body", "related_products")

    class Meta:
        verbose_name = _("Bài viết")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        ids = [item["value"] for item in self.related_products.raw_data if isinstance(item.get("value"), int)]
        context["related"] = context["promo"].products(ids)
        return context


# --- info pages --------------------------------------------------------------------------


class InfoPage(PromotionPageMixin, Page):
    """A page of the marketplace's published rules (rules, returns and complaints, terms;
    under /chuong-trinh/: how listings are ranked, the fee schedule — E-commerce Law
    122/2025, docs/decisions/0034-published-rules.md).

    Pages with "show in menus" ticked are linked from the site footer and from the
    programme page's "Quy định của sàn" block. Blocks render the ranking factors, the fees
    and the complaint deadlines from the code and settings (cms_blocks.rules_blocks).
    """

    updated_on = models.DateField(_("Cập nhật ngày"), null=True, blank=True)
    body = StreamField(cms_blocks.rules_blocks(), blank=True, verbose_name=_("Nội dung"))

    content_panels = Page.content_panels + [FieldPanel("updated_on"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.CampaignIndexPage"]
    subpage_types: list[str] = []
    show_in_menus_default = True

    class Meta:
        verbose_name = _("Trang thông tin")
