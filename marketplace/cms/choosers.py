"""Wagtail admin choosers over the Oscar catalogue: products, shops and collections.

Programme staff pick the products and shops that campaign and home page blocks promote.
Each chooser is a Wagtail `ChooserViewSet` (registered in `wagtail_hooks.py`, URLs under
/cms/product-chooser/ and /cms/shop-chooser/) and gives a ready-made StreamField block:

    from marketplace.cms.choosers import ProductChooserBlock, ShopChooserBlock

The block classes live at module level under their own names, so migrations deconstruct
them as `marketplace.cms.choosers.ProductChooserBlock` / `...ShopChooserBlock`.
Collections, a handful kept by programme staff, are picked from a drop-down instead
(`CollectionChooserBlock`). The blocks (marketplace/cms/blocks.py) and the reads that
collect what they chose (marketplace/cms/selectors.py) both import them from here.

Who may choose: Wagtail admin users (`wagtailadmin.access_admin`, checked by Wagtail for
every /cms/ URL) who may also view products (`catalogue.view_product`) or shops
(`partner.view_partner`): the "Programme staff" group (marketplace/core/roles.py).

What may be chosen: products staff may promote — of an approved shop, not a variant
parent, not rejected in moderation — and any shop, approved ones first. Whether a chosen
product is public right now is shown, and blocks check it again when they render.

The listing costs a constant number of SQL queries (a count and one page of rows, with
shop, best valid OCOP certificate and lowest price joined or annotated), however many rows.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, StatusFlagColumn, StatusTagColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.blocks import FieldBlock

from catalogue.models import Collection, OcopCertificate, Product
from marketplace.core.money import format_vnd
from marketplace.core.text import fold, slugify_vi
from shops.models import Partner, StockRecord

PRODUCT_MODEL = "catalogue.Product"
SHOP_MODEL = "partner.Partner"
PER_PAGE = 20
MAX_QUERY_LENGTH = 100


# --- Reads -----------------------------------------------------------------------------


def promotable_products() -> QuerySet:
    """Products staff may promote, with what the chooser shows, in chooser order.

    Each row carries `chooser_price` (lowest stock record price, None without one),
    `ocop_stars` (best valid certificate, None without one) and `is_listed` (public and
    approved: with the approved shop, what buyers may see).
    """
    best = (
        OcopCertificate.objects.valid()
        .filter(product=OuterRef("pk"))
        .order_by("-stars", "-expires_on")
    )
    lowest = StockRecord.objects.filter(product=OuterRef("pk")).order_by("price", "pk")
    return (
        Product.objects.filter(shop__status=Partner.Status.APPROVED)
        .exclude(structure=Product.CHILD)
        .exclude(moderation_status=Product.Moderation.REJECTED)
        .select_related("shop", "parent")
        .annotate(
            ocop_stars=Subquery(best.values("stars")[:1]),
            chooser_price=Subquery(lowest.values("price")[:1]),
            is_listed=Case(
                When(
                    Q(is_public=True, moderation_status=Product.Moderation.APPROVED),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by(
            "-is_featured", F("ocop_stars").desc(nulls_last=True), "title", "pk"
        )
    )


def chooser_shops() -> QuerySet:
    """Every shop, approved ones first, then by name."""
    return Partner.objects.annotate(
        approved_rank=Case(
            When(status=Partner.Status.APPROVED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("approved_rank", "name", "pk")


def search_products(products: QuerySet, query: str) -> QuerySet:
    """Every word of the query in the title, diacritics folded ("mat ong" finds "Mật ong");
    titles holding the query as typed (with its accents) first."""
    words = fold(query).lower().split()
    for word in words:
        products = products.filter(search_text__contains=word)
    return products.annotate(
        accent_rank=Case(
            When(title__icontains=query, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("accent_rank", *products.query.order_by)


def search_shops(shops: QuerySet, query: str) -> QuerySet:
    """By name as typed, or folded through the shop's code (its slug, "htx-mat-ong-u-minh")."""
    condition = Q(name__icontains=query) | Q(legal_name__icontains=query)
    slug = slugify_vi(query)
    if slug:
        condition |= Q(code__contains=slug)
    return shops.filter(condition)


# --- Views -----------------------------------------------------------------------------


class _SearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        widget=forms.TextInput(attrs={"placeholder": _("Tìm theo tên")}),
        required=False,
        max_length=MAX_QUERY_LENGTH,
    )
    search = None  # the function narrowing the queryset

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = type(self).search(objects, query)
            self.is_searching = True
            self.search_query = query
        return objects


class ProductSearchForm(_SearchForm):
    search = staticmethod(search_products)


class ShopSearchForm(_SearchForm):
    search = staticmethod(search_shops)


class _RequirePermissionMixin:
    """Wagtail checks `access_admin`; choosing also needs the model's view permission."""

    required_permission: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.required_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _price(product) -> str:
    return format_vnd(product.chooser_price) if product.chooser_price is not None else "—"


def _stars(product) -> str:
    return f"{product.ocop_stars}★" if product.ocop_stars else "—"


class _ProductListMixin(_RequirePermissionMixin):
    required_permission = "catalogue.view_product"
    filter_form_class = ProductSearchForm
    per_page = PER_PAGE
    page_title = _("Chọn sản phẩm")

    def get_object_list(self):
        return promotable_products()

    def apply_object_list_ordering(self, objects):
        return objects  # promotable_products() is ordered already

    @property
    def title_column(self):
        column = super().title_column
        column.label = _("Sản phẩm")
        return column

    @property
    def columns(self):
        return [
            self.title_column,
            Column("shop", label=_("Cửa hàng"), accessor="shop.name"),
            Column("price", label=_("Giá"), accessor=_price),
            Column("ocop", label=_("OCOP"), accessor=_stars),
            StatusFlagColumn(
                "is_listed", label=_("Hiển thị"),
                true_label=_("Công khai"), false_label=_("Đang ẩn"),
            ),
        ]


class _ShopListMixin(_RequirePermissionMixin):
    required_permission = "partner.view_partner"
    filter_form_class = ShopSearchForm
    per_page = PER_PAGE
    page_title = _("Chọn cửa hàng")

    def get_object_list(self):
        return chooser_shops()

    def apply_object_list_ordering(self, objects):
        return objects

    @property
    def columns(self):
        title = self.title_column
        title.label = _("Cửa hàng")
        return [
            title,
            StatusTagColumn(
                "status", label=_("Trạng thái"), accessor="get_status_display",
                primary=lambda shop: shop.is_approved,
            ),
            Column("commune", label=_("Xã/phường"), accessor="commune_name"),
        ]


class ProductChooseView(_ProductListMixin, chooser_views.ChooseView):
    pass


class ProductChooseResultsView(_ProductListMixin, chooser_views.ChooseResultsView):
    pass


class ProductChosenView(_RequirePermissionMixin, chooser_views.ChosenView):
    required_permission = "catalogue.view_product"

    def get_object(self, pk):
        return promotable_products().get(pk=pk)


class ProductChosenMultipleView(_RequirePermissionMixin, chooser_views.ChosenMultipleView):
    required_permission = "catalogue.view_product"

    def get_objects(self, pks):
        return promotable_products().filter(pk__in=[pk for pk in pks if str(pk).isdigit()])


class ShopChooseView(_ShopListMixin, chooser_views.ChooseView):
    pass


class ShopChooseResultsView(_ShopListMixin, chooser_views.ChooseResultsView):
    pass


class ShopChosenView(_RequirePermissionMixin, chooser_views.ChosenView):
    required_permission = "partner.view_partner"


class ShopChosenMultipleView(_RequirePermissionMixin, chooser_views.ChosenMultipleView):
    required_permission = "partner.view_partner"

    def get_objects(self, pks):
        return super().get_objects([pk for pk in pks if str(pk).isdigit()])


# --- Viewsets and blocks ---------------------------------------------------------------


class ProductChooserViewSet(ChooserViewSet):
    model = PRODUCT_MODEL
    icon = "tag"
    choose_one_text = _("Chọn sản phẩm")
    choose_another_text = _("Chọn sản phẩm khác")
    edit_item_text = _("Sửa")
    page_title = _("Chọn sản phẩm")
    per_page = PER_PAGE
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    chosen_view_class = ProductChosenView
    chosen_multiple_view_class = ProductChosenMultipleView


class ShopChooserViewSet(ChooserViewSet):
    model = SHOP_MODEL
    icon = "home"
    choose_one_text = _("Chọn cửa hàng")
    choose_another_text = _("Chọn cửa hàng khác")
    edit_item_text = _("Sửa")
    page_title = _("Chọn cửa hàng")
    per_page = PER_PAGE
    choose_view_class = ShopChooseView
    choose_results_view_class = ShopChooseResultsView
    chosen_view_class = ShopChosenView
    chosen_multiple_view_class = ShopChosenMultipleView


product_chooser_viewset = ProductChooserViewSet("product_chooser", url_prefix="product-chooser")
shop_chooser_viewset = ShopChooserViewSet("shop_chooser", url_prefix="shop-chooser")

ProductChooserBlock = product_chooser_viewset.get_block_class(
    name="ProductChooserBlock", module_path="marketplace.cms.choosers"
)
ShopChooserBlock = shop_chooser_viewset.get_block_class(
    name="ShopChooserBlock", module_path="marketplace.cms.choosers"
)


class CollectionChooserBlock(FieldBlock):
    """A curated collection (catalogue.Collection) from a drop-down: there are only a
    handful, kept by programme staff under /dashboard/. Stored as the collection's id."""

    model_class = Collection

    def __init__(self, required=True, help_text=None, validators=(), **kwargs):
        self._required = required
        self._help_text = help_text
        self._validators = validators
        super().__init__(**kwargs)

    @cached_property
    def field(self):
        return forms.ModelChoiceField(
            queryset=self.model_class.objects.order_by("name", "pk"),
            required=self._required,
            validators=self._validators,
            help_text=self._help_text,
        )

    def to_python(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, self.model_class):
            return value
        return self.model_class.objects.filter(pk=value).first()

    def bulk_to_python(self, values):
        ids = [v for v in values if v not in (None, "")]
        objects = self.model_class.objects.in_bulk(ids)
        return [objects.get(v) if v not in (None, "") else None for v in values]

    def normalize(self, value):
        return self.to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, self.model_class):
            return value.pk
        return value

    def value_for_form(self, value):
        return value.pk if isinstance(value, self.model_class) else value

    def value_from_form(self, value):
        return value  # ModelChoiceField.clean gives the instance (or None)

    def get_form_state(self, value):
        return self.field.widget.format_value(self.value_for_form(value))

    def extract_references(self, value):
        if value is not None:
            yield self.model_class, str(self.get_prep_value(value)), "", ""

    class Meta:
        icon = "list-ul"


# Wagtail names a block in migrations by this alias when its module has one: the stored
# migrations know the collection block by its first home, which still exposes it.
DECONSTRUCT_ALIASES = {CollectionChooserBlock: "marketplace.cms.blocks.CollectionChooserBlock"}
