"""Seller workspace, reviews: the shop's product reviews and the shop's reply to each.

Thin views: reads in `selectors`, the reply in catalogue/reviews/services.py; querysets start
from `self.shop`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from catalogue.reviews import services
from shops.seller.mixins import SellerShopMixin
from shops.seller.reviews import selectors
from shops.seller.reviews.forms import ReviewReplyForm

PAGE_SIZE = 20


class ReviewListView(SellerShopMixin, ListView):
    template_name = "seller/reviews/review_list.html"
    context_object_name = "reviews"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.review_list_for_shop(shop=self.shop)


class ReviewReplyView(SellerShopMixin, FormView):
    template_name = "seller/reviews/review_reply.html"
    form_class = ReviewReplyForm

    def dispatch(self, request, *args, **kwargs):
        self.review = None
        return super().dispatch(request, *args, **kwargs)

    def get_review(self):
        if self.review is None:
            self.review = selectors.review_for_shop_or_404(shop=self.shop, review_pk=self.kwargs["review_pk"])
        return self.review

    def get(self, request, *args, **kwargs):
        self.get_review()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_review()
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["review"] = self.get_review()
        return context

    def form_valid(self, form):
        try:
            services.review_reply(
                shop=self.shop, review=self.get_review(), actor=self.request.user,
                acting_as=self.capacity, text=form.cleaned_data["text"],
            )
        except services.ReviewNotOfShop as error:
            raise Http404("Not a review of this shop's products") from error
        except services.ReviewReplyError as refused:
            form.add_error(None, str(refused))
            self.review = None  # re-read: show the reply that won
            return self.form_invalid(form)
        messages.success(self.request, _("Đã đăng phản hồi của cửa hàng."))
        return redirect("seller:reviews", shop_code=self.shop.code)
