"""Programme staff curate the storefront: featured products, collections, moderation.

Staff only (`is_staff`): anonymous visitors are sent to the login page, every other
signed-in user gets 403. Every change is a POST with CSRF and goes through
catalogue.curation.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, RedirectView, TemplateView

from catalogue.curation import selectors, services
from catalogue.curation.forms import CollectionForm, ProductSearchForm, RejectForm, products_initial
from catalogue.models import Collection, Product
from marketplace.core.staff import ProgrammeStaffRequiredMixin
from shops.models import Partner


def _back(request, default: str):
    """Redirect to the page the form was on (a local `next`), else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


class IndexView(ProgrammeStaffRequiredMixin, RedirectView):
    pattern_name = "curation:featured"


# --- featured ------------------------------------------------------------------------


class FeaturedListView(ProgrammeStaffRequiredMixin, TemplateView):
    template_name = "catalogue/curation/featured_list.html"

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


class CollectionListView(ProgrammeStaffRequiredMixin, ListView):
    template_name = "catalogue/curation/collection_list.html"
    context_object_name = "collections"

    def get_queryset(self):
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


class ModerationQueueView(ProgrammeStaffRequiredMixin, ListView):
    template_name = "catalogue/curation/moderation_queue.html"
    context_object_name = "products"
    paginate_by = 30

    def get_queryset(self):
        return selectors.moderation_queue()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reject_form"] = RejectForm()
        return context


class ModerationDecisionView(ProgrammeStaffRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, product_pk: int, action: str):
        if action not in ("approve", "reject"):
            raise Http404
        product = get_object_or_404(Product.objects.select_related("shop"), pk=product_pk)
        try:
            if action == "approve":
                services.moderation_approve(product=product, actor=request.user)
                messages.success(request, _("Đã duyệt “%(title)s”.") % {"title": product.title})
            else:
                form = RejectForm(request.POST)
                if not form.is_valid():
                    for error in form.errors.get("reason", []):
                        messages.error(request, error)
                    return _back(request, reverse("curation:moderation"))
                services.moderation_reject(
                    product=product, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Đã từ chối “%(title)s”.") % {"title": product.title})
        except services.CurationError as error:
            messages.error(request, str(error))
        return _back(request, reverse("curation:moderation"))


class ShopModerationListView(ProgrammeStaffRequiredMixin, ListView):
    """“Cửa hàng cần kiểm duyệt”: every shop with its moderation switch."""

    template_name = "catalogue/curation/shop_moderation_list.html"
    context_object_name = "shops"
    paginate_by = 50

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:100]
        return selectors.shop_moderation_list(query=self.query)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
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
