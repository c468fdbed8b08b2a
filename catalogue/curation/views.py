"""Programme staff curate the storefront: featured products, collections, moderation.

Staff only (`is_staff`): anonymous visitors are sent to the login page, every other
signed-in user gets 403. Every change is a POST with CSRF and goes through
catalogue.curation.services.

Product moderation is a decision queue (marketplace.core.decision_queue). Featured products,
collections and the per-shop moderation switch are not: they are settings staff flip either
way, with no status to decide, no reason and nothing refused; their pages only share the
queue's list page and header.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, RedirectView, TemplateView

from catalogue.curation import selectors, services
from catalogue.curation.forms import CollectionForm, ProductSearchForm, RejectForm, products_initial
from catalogue.models import Collection, Product
from marketplace.core.decision_queue import (
    Decision,
    DecisionView,
    QueueListView,
    StaffPageMixin,
    next_or,
)
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from shops.models import Partner


def _back(request, default: str):
    """Redirect to the page the form was on (a local `next`), else `default`."""
    return redirect(next_or(request, default))


class IndexView(ProgrammeStaffRequiredMixin, RedirectView):
    pattern_name = "curation:featured"


# --- featured ------------------------------------------------------------------------


class FeaturedListView(StaffPageMixin, TemplateView):
    template_name = "catalogue/curation/featured_list.html"
    title = gettext_lazy("Sản phẩm nổi bật")
    body_class = "curation-featured"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = ProductSearchForm(self.request.GET or None)
        query = form.cleaned_data["q"] if form.is_valid() else ""
        context.update(
            featured=selectors.featured_list(),
            search_form=form,
            query=query,
            results=selectors.product_search(query=query) if query else [],
        )
        return context


class ProductFeatureView(ProgrammeStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, product_pk: int):
        product = get_object_or_404(Product.objects.select_related("shop"), pk=product_pk)
        featured = request.POST.get("featured") == "1"
        services.product_feature(product=product, actor=request.user, featured=featured)
        if featured:
            messages.success(
                request, _("Đã đưa “%(title)s” vào mục nổi bật.") % {"title": product.title}
            )
        else:
            messages.success(
                request, _("Đã bỏ “%(title)s” khỏi mục nổi bật.") % {"title": product.title}
            )
        return _back(request, reverse("curation:featured"))


# --- collections ---------------------------------------------------------------------


class CollectionListView(QueueListView):
    """Not a queue (nothing to decide), but the same list page: tabs, items, no pages."""

    template_name = "catalogue/curation/collection_list.html"
    context_object_name = "collections"
    paginate_by = None
    title = gettext_lazy("Bộ sưu tập")
    body_class = "curation-collections"

    def list_items(self):
        return selectors.collection_list()


class CollectionFormView(ProgrammeStaffRequiredMixin, FormView):
    """Create (no collection_pk) or edit a collection and its ordered products."""

    template_name = "catalogue/curation/collection_form.html"
    form_class = CollectionForm

    def dispatch(self, request, *args, **kwargs):
        pk = kwargs.get("collection_pk")
        self.collection = get_object_or_404(Collection, pk=pk) if pk is not None else None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["collection"] = self.collection
        return kwargs

    def get_initial(self):
        if self.collection is None:
            return {"is_active": True}
        return {
            "name": self.collection.name,
            "slug": self.collection.slug,
            "description": self.collection.description,
            "is_active": self.collection.is_active,
            "products": products_initial(selectors.collection_items(self.collection)),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        search_form = ProductSearchForm(self.request.GET or None)
        query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
        context.update(
            collection=self.collection,
            search_form=search_form,
            query=query,
            results=selectors.product_search(query=query) if query else [],
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "slug": data["slug"],
            "description": data["description"],
            "is_active": data["is_active"],
        }
        try:
            if self.collection is None:
                collection = services.collection_create(actor=self.request.user, **fields)
                message = _("Đã tạo bộ sưu tập “%(name)s”.")
            else:
                collection = services.collection_update(
                    collection=self.collection, actor=self.request.user, **fields
                )
                message = _("Đã lưu bộ sưu tập “%(name)s”.")
        except services.CurationError as error:
            form.add_error("slug", str(error))
            return self.form_invalid(form)
        services.collection_set_products(
            collection=collection, product_ids=data["products"], actor=self.request.user
        )
        messages.success(self.request, message % {"name": collection.name})
        return redirect("curation:collection-edit", collection_pk=collection.pk)


class CollectionDeleteView(ProgrammeStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, collection_pk: int):
        collection = get_object_or_404(Collection, pk=collection_pk)
        name = collection.name
        services.collection_delete(collection=collection, actor=request.user)
        messages.success(request, _("Đã xóa bộ sưu tập “%(name)s”.") % {"name": name})
        return redirect("curation:collections")


# --- moderation ----------------------------------------------------------------------

MODERATION_DECISIONS = {
    "approve": Decision(
        service=services.moderation_approve,
        asks_reason=False,
        success=gettext_lazy("Đã duyệt “%(title)s”."),
    ),
    "reject": Decision(
        service=services.moderation_reject,
        reason_required=True,
        success=gettext_lazy("Đã từ chối “%(title)s”."),
    ),
}


class ModerationQueueView(QueueListView):
    template_name = "catalogue/curation/moderation_queue.html"
    context_object_name = "products"
    paginate_by = 30
    title = gettext_lazy("Chờ kiểm duyệt")
    heading = gettext_lazy("Sản phẩm chờ kiểm duyệt")
    body_class = "curation-moderation"

    def list_items(self):
        return selectors.moderation_queue()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reject_form"] = RejectForm()
        return context


class ModerationDecisionView(DecisionView):
    queryset = Product.objects.select_related("shop")
    pk_url_kwarg = "product_pk"
    decisions = MODERATION_DECISIONS
    subject = "product"
    refusals = (services.CurationError,)

    def describe(self, item) -> dict:
        return {"title": item.title}

    def get_success_url(self) -> str:
        return next_or(self.request, reverse("curation:moderation"))


class ShopModerationListView(QueueListView):
    """“Cửa hàng cần kiểm duyệt”: every shop with its moderation switch.

    A list, not a decision queue: the switch is a setting staff may flip either way at any
    time (ShopModerationToggleView), with no reason and nothing to refuse.
    """

    template_name = "catalogue/curation/shop_moderation_list.html"
    context_object_name = "shops"
    title = gettext_lazy("Cửa hàng cần kiểm duyệt")
    body_class = "curation-shops"

    def get_filters(self) -> dict:
        return {"query": self.request.GET.get("q", "").strip()[:100]}

    def list_items(self, *, query: str):
        return selectors.shop_moderation_list(query=query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.filters["query"]
        return context


class ShopModerationToggleView(ProgrammeStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, shop_code: str):
        shop = get_object_or_404(Partner, code=shop_code)
        required = request.POST.get("required") == "1"
        services.shop_set_moderation(shop=shop, required=required, actor=request.user)
        if required:
            messages.success(
                request,
                _("Sản phẩm mới và sửa đổi của “%(name)s” sẽ cần duyệt.") % {"name": shop.name},
            )
        else:
            messages.success(request, _("Đã tắt kiểm duyệt cho “%(name)s”.") % {"name": shop.name})
        return _back(request, reverse("curation:shops"))
