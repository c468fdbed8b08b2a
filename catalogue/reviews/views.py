"""Overrides of Oscar's review views, picked up by name through `get_class`.

Thin: who may review and the writing itself live in `catalogue.reviews.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from oscar.apps.catalogue.reviews import views as oscar_views

from catalogue.reviews import selectors, services


class CreateProductReview(oscar_views.CreateProductReview):
    """Only buyers who received the product; the review is a verified purchase."""

    template_name = "oscar/catalogue/reviews/review_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.product = services.reviewable_product_or_404(kwargs["product_pk"])
        if not request.user.is_authenticated:
            messages.info(request, _("Hãy đăng nhập để viết đánh giá. Chỉ người đã nhận hàng mới đánh giá được."))
            return redirect_to_login(request.get_full_path())
        refusal = services.review_refusal(request.user, self.product)
        if refusal:
            messages.warning(request, refusal)
            return redirect(self.product.get_absolute_url())
        # Skip Oscar's dispatch: it re-reads the product and applies its laxer permission.
        return super(oscar_views.CreateProductReview, self).dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.object = services.review_create(
                user=self.request.user,
                product=self.product,
                score=form.cleaned_data["score"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except services.ReviewRefused as refused:
            messages.warning(self.request, str(refused))
            return redirect(self.product.get_absolute_url())
        response = HttpResponseRedirect(self.get_success_url())
        self.send_signal(self.request, response, self.object)
        return response

    def get_success_url(self):
        messages.success(self.request, _("Cảm ơn bạn đã đánh giá sản phẩm."))
        return self.product.get_absolute_url()


class ProductReviewList(oscar_views.ProductReviewList):
    def get(self, request, *args, **kwargs):
        self.product = services.reviewable_product_or_404(kwargs["product_pk"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = selectors.product_reviews_public(product=self.product)
        self.form = oscar_views.SortReviewsForm(self.request.GET)
        if self.request.GET and self.form.is_valid():
            if self.form.cleaned_data["sort_by"] == oscar_views.SortReviewsForm.SORT_BY_RECENCY:
                return queryset  # newest first
        return queryset.order_by("-score", "-date_created", "-pk")  # Oscar's default

    def get_context_data(self, **kwargs):
        # Oscar's re-reads the product with a laxer filter; ours was checked in get().
        context = super(oscar_views.ProductReviewList, self).get_context_data(**kwargs)
        context["product"] = self.product
        context["form"] = self.form
        return context


class ProductReviewDetail(oscar_views.ProductReviewDetail):
    def get(self, request, *args, **kwargs):
        self.product = services.reviewable_product_or_404(kwargs["product_pk"])
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        # Oscar looks the review up by pk alone: any product's URL would show it.
        return get_object_or_404(selectors.product_reviews_public(product=self.product), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super(oscar_views.ProductReviewDetail, self).get_context_data(**kwargs)
        context["product"] = self.product
        return context
