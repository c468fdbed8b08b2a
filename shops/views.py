"""Buyer-facing shop pages: the directory, a storefront with legal disclosure, applying."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from shops.forms import ShopApplicationForm, ShopFilterForm
from shops.models import Partner
from shops.selectors import shop_get_public, shop_list_approved, shop_rating, storefront_products
from shops.services import ShopApplicationError, shop_apply

STOREFRONT_PAGE_SIZE = 24


class ShopListView(ListView):
    template_name = "shops/shop_list.html"
    context_object_name = "shops"
    paginate_by = 24

    def get(self, request, *args, **kwargs):
        self.filter_form = ShopFilterForm(request.GET or None)
        self.filters = self.filter_form.filters() if request.GET else {}
        if request.GET and self.filter_form.errors:
            bad = [
                str(self.filter_form.fields[name].label)
                for name in self.filter_form.errors
                if name in self.filter_form.fields
            ]
            messages.warning(
                request,
                _("Bộ lọc không hợp lệ đã được bỏ qua: %(fields)s.") % {"fields": ", ".join(bad)},
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return shop_list_approved(**self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["filters_active"] = any(self.filters.values()) if self.filters else False
        return context

    def paginate_queryset(self, queryset, page_size):
        # A bad ?page= shows the nearest page instead of a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class ShopDetailView(DetailView):
    template_name = "shops/shop_detail.html"
    context_object_name = "shop"

    def get_object(self, queryset=None):
        # Pending, rejected and suspended shops do not exist for buyers.
        try:
            return shop_get_public(slug=self.kwargs["slug"])
        except Partner.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(storefront_products(shop=self.object), STOREFRONT_PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            products=page.object_list,
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            rating=shop_rating(shop=self.object),
        )
        return context


class ShopApplyView(LoginRequiredMixin, FormView):
    template_name = "shops/apply.html"
    form_class = ShopApplicationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "applicant": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending_application"] = (
            Partner.objects.filter(applicant=self.request.user, status=Partner.Status.PENDING)
            .order_by("-created_at")
            .first()
        )
        return context

    def form_valid(self, form):
        try:
            shop_apply(applicant=self.request.user, **form.service_kwargs())
        except ShopApplicationError as error:
            messages.error(self.request, str(error))
            return self._rerender(form)
        return redirect("shops:apply-done")

    def form_invalid(self, form):
        messages.error(
            self.request, _("Đơn chưa gửi được: vui lòng sửa các mục được đánh dấu bên dưới.")
        )
        return self._rerender(form)

    def _rerender(self, form):
        if self.request.FILES:
            # Browsers never refill a file input: say so rather than let it look attached.
            messages.warning(
                self.request,
                _("Vì lý do an toàn, vui lòng chọn lại tệp giấy tờ (và logo) trước khi gửi."),
            )
        return self.render_to_response(self.get_context_data(form=form))


class ShopApplyDoneView(LoginRequiredMixin, TemplateView):
    template_name = "shops/apply_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["application"] = (
            Partner.objects.filter(applicant=self.request.user)
            .order_by("-created_at", "-pk")
            .first()
        )
        return context
