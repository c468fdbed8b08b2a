"""StreamField blocks of the promotional pages (home page, campaigns, stories, info pages).

Blocks tied to the catalogue (product grid, collection, shop spotlight, campaign teaser)
never trust what was true when the editor chose: at render time they ask the page's
`Promotions` (marketplace/cms/selectors.py, `promo` in the template context) which of
their products are public, approved, in stock and of an approved shop — that object
fetched every product, collection, campaign and image of the whole page in one go, so a
page costs the same number of SQL queries whatever the number of blocks.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from catalogue.selectors import FEATURED_PER_SHOP
from marketplace.cms.choosers import CollectionChooserBlock, ProductChooserBlock, ShopChooserBlock
from marketplace.cms.selectors import Promotions
from marketplace.ledger.selectors import fee_schedule
from search import ranking

#: Rich text editors may use these and nothing else (Wagtail's whitelist drops the rest
#: when the page is saved: no scripts, no inline styles, no embedded frames).
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"]

MAX_GRID_PRODUCTS = 24


def promotions_for(context, *values):
    """The page's `Promotions` from the template context, or one made for these values
    (a block rendered on its own, e.g. in a test or a preview of a snippet)."""
    promo = (context or {}).get("promo")
    if promo is None:
        promo = Promotions.from_values(values)
    return promo


class _LinkMixin:
    """A page or an address, not both; `url` resolves whichever is set."""

    def clean(self, value):
        value = super().clean(value)
        if value.get("link_page") and value.get("link_url"):
            raise StructBlockValidationError(
                block_errors={"link_url": ValidationError(_("Chọn một trang hoặc nhập địa chỉ, không cả hai."))}
            )
        return value


class LinkStructValue(blocks.StructValue):
    def url(self) -> str:
        page = self.get("link_page")
        if page is not None:
            return page.url or ""
        return self.get("link_url") or ""


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Ảnh"))
    alt = blocks.CharBlock(
        label=_("Mô tả ảnh (alt)"), required=False, max_length=255,
        help_text=_("Cho người dùng trình đọc màn hình. Để trống nếu ảnh chỉ để trang trí."),
    )
    caption = blocks.CharBlock(label=_("Chú thích"), required=False, max_length=255)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        image = value.get("image")
        context["img"] = promotions_for(parent_context, value).image(image.pk if image else None)
        return context

    class Meta:
        icon = "image"
        label = _("Ảnh")
        template = "cms/blocks/image.html"


class HeroSlideBlock(_LinkMixin, blocks.StructBlock):
    image = ImageChooserBlock(label=_("Ảnh"))
    title = blocks.CharBlock(label=_("Tiêu đề"), max_length=120)
    text = blocks.TextBlock(label=_("Nội dung"), required=False, max_length=300)
    link_label = blocks.CharBlock(label=_("Chữ trên nút"), required=False, max_length=40)
    link_page = blocks.PageChooserBlock(label=_("Liên kết tới trang"), required=False)
    link_url = blocks.CharBlock(
        label=_("hoặc địa chỉ"), required=False, max_length=255,
        help_text=_("Ví dụ /search/?q=mat+ong hoặc https://…"),
    )

    class Meta:
        icon = "image"
        label = _("Trang chiếu")
        value_class = LinkStructValue


class HeroCarouselBlock(blocks.StructBlock):
    """Slides side by side; CSS scroll-snap makes the carousel, no JavaScript needed."""

    slides = blocks.ListBlock(HeroSlideBlock(), min_num=1, max_num=6, label=_("Trang chiếu"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        promo = promotions_for(parent_context, value)
        context["slides"] = [
            {"slide": slide, "img": promo.image(slide["image"].pk if slide.get("image") else None)}
            for slide in value["slides"]
        ]
        promo.linked_pages.update(slide["link_page"].pk for slide in value["slides"] if slide.get("link_page"))
        return context

    class Meta:
        icon = "image"
        label = _("Băng ảnh đầu trang")
        template = "cms/blocks/hero_carousel.html"


class ProductGridBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tiêu đề"), required=False, max_length=120)
    products = blocks.ListBlock(
        ProductChooserBlock(), min_num=1, max_num=MAX_GRID_PRODUCTS, label=_("Sản phẩm")
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        ids = [product.pk for product in value["products"] if product is not None]
        context["products"] = promotions_for(parent_context, value).products(ids)
        return context

    class Meta:
        icon = "tag"
        label = _("Lưới sản phẩm")
        template = "cms/blocks/product_grid.html"


class CollectionBlock(blocks.StructBlock):
    collection = CollectionChooserBlock(label=_("Bộ sưu tập"))
    title = blocks.CharBlock(
        label=_("Tiêu đề"), required=False, max_length=120,
        help_text=_("Để trống: dùng tên bộ sưu tập."),
    )
    limit = blocks.IntegerBlock(label=_("Số sản phẩm tối đa"), default=8, min_value=1, max_value=24)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        collection = value.get("collection")
        found = promotions_for(parent_context, value).collection(
            collection.pk if collection else None, limit=value.get("limit") or 8
        )
        context["collection"], context["products"] = found
        return context

    class Meta:
        icon = "list-ul"
        label = _("Bộ sưu tập")
        template = "cms/blocks/collection.html"


class ShopSpotlightBlock(blocks.StructBlock):
    shop = ShopChooserBlock(label=_("Cửa hàng"))
    text = blocks.RichTextBlock(label=_("Giới thiệu"), features=["bold", "italic", "link"], required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        shop = value.get("shop")
        context["shop"] = promotions_for(parent_context, value).shop(shop.pk if shop else None)
        return context

    class Meta:
        icon = "home"
        label = _("Giới thiệu cửa hàng")
        template = "cms/blocks/shop_spotlight.html"


class CampaignTeaserBlock(blocks.StructBlock):
    campaign = blocks.PageChooserBlock(page_type="cms.CampaignPage", label=_("Chương trình"))
    text = blocks.TextBlock(label=_("Lời giới thiệu"), required=False, max_length=300)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        campaign = value.get("campaign")
        promo = promotions_for(parent_context, value)
        # Already a slide of the hero above it on this page: shown once.
        shown = campaign is not None and campaign.pk in promo.linked_pages
        context["campaign"] = None if shown else promo.campaign(campaign.pk if campaign else None)
        return context

    class Meta:
        icon = "date"
        label = _("Chương trình khuyến mại")
        template = "cms/blocks/campaign_teaser.html"


class CallToActionBlock(_LinkMixin, blocks.StructBlock):
    title = blocks.CharBlock(label=_("Tiêu đề"), max_length=120)
    text = blocks.TextBlock(label=_("Nội dung"), required=False, max_length=400)
    link_label = blocks.CharBlock(label=_("Chữ trên nút"), max_length=40)
    link_page = blocks.PageChooserBlock(label=_("Liên kết tới trang"), required=False)
    link_url = blocks.CharBlock(label=_("hoặc địa chỉ"), required=False, max_length=255)

    class Meta:
        icon = "pick"
        label = _("Lời kêu gọi")
        template = "cms/blocks/call_to_action.html"
        value_class = LinkStructValue


# --- published rules: rendered from the code and the settings, never typed by staff --------


class RankingFactorsBlock(blocks.StaticBlock):
    """What search and the home page rank by, from search/ranking.py (the data the query
    builder itself uses): staff write the prose around it, the numbers cannot drift."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context.update(
            text_factors=[f for f in ranking.RANKING_FACTORS if f.kind == ranking.TEXT],
            multipliers=[f for f in ranking.RANKING_FACTORS if f.kind == ranking.MULTIPLIER],
            sorts=[(ranking.SORT_LABELS[key], ranking.SORT_RULES[key] % {"window": ranking.RESCORE_WINDOW}
                    if key == "relevance" else ranking.SORT_RULES[key]) for key in ranking.SORT_LABELS],
            match_rules=ranking.MATCH_RULES,
            fallback_rule=ranking.FALLBACK_RULE,
            featured_per_shop=FEATURED_PER_SHOP,
        )
        return context

    class Meta:
        icon = "list-ol"
        label = _("Các yếu tố xếp hạng (tự động theo hệ thống)")
        admin_text = _("Danh sách các yếu tố xếp hạng lấy trực tiếp từ mã nguồn tìm kiếm; không sửa ở đây.")
        template = "cms/blocks/ranking_factors.html"


class FeeScheduleBlock(blocks.StaticBlock):
    """The programme's fees in force today and the changes announced for later, from the
    ledger's dated `FeeRate` rows (marketplace/ledger/selectors.py:fee_schedule)."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["schedule"] = fee_schedule(today=timezone.localdate())
        context["notice_days"] = settings.FEE_CHANGE_NOTICE_DAYS
        return context

    class Meta:
        icon = "table"
        label = _("Biểu phí (tự động theo hệ thống)")
        admin_text = _("Các mức phí đang áp dụng và sắp áp dụng, lấy từ dữ liệu phí của sàn.")
        template = "cms/blocks/fee_schedule.html"


class ComplaintDeadlinesBlock(blocks.StaticBlock):
    """The returns and complaints deadlines as the code applies them (settings; ADR 0021)."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context.update(
            window_days=settings.COMPLAINT_WINDOW_DAYS,
            answer_days=settings.COMPLAINT_ANSWER_DAYS,
            auto_delivered_days=settings.ORDER_AUTO_DELIVERED_DAYS,
        )
        return context

    class Meta:
        icon = "time"
        label = _("Thời hạn đổi trả, khiếu nại (tự động theo hệ thống)")
        admin_text = _("Các thời hạn lấy từ cấu hình của sàn; không sửa ở đây.")
        template = "cms/blocks/complaint_deadlines.html"


def heading_block():
    return blocks.CharBlock(form_classname="title", label=_("Tiêu đề mục"), template="cms/blocks/heading.html")


def rich_text_block():
    return blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Văn bản"))


def content_blocks():
    """Text and pictures: every page type."""
    return [
        ("heading", heading_block()),
        ("paragraph", rich_text_block()),
        ("image", ImageBlock()),
        ("call_to_action", CallToActionBlock()),
    ]


def rules_blocks():
    """Info pages: text and pictures, and the blocks that render the published rules."""
    return [
        *content_blocks(),
        ("ranking_factors", RankingFactorsBlock()),
        ("fee_schedule", FeeScheduleBlock()),
        ("complaint_deadlines", ComplaintDeadlinesBlock()),
    ]


def promotion_blocks():
    """Everything, catalogue blocks included: home page and campaigns."""
    return [
        ("hero_carousel", HeroCarouselBlock()),
        *content_blocks(),
        ("product_grid", ProductGridBlock()),
        ("collection", CollectionBlock()),
        ("shop_spotlight", ShopSpotlightBlock()),
        ("campaign_teaser", CampaignTeaserBlock()),
    ]


def story_blocks():
    return [*content_blocks(), ("product_grid", ProductGridBlock())]
