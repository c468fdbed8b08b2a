"""/seller/<shop>/vouchers/: the shop's own vouchers — list with uses, create, end early."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, View

from marketplace.offer.selectors import shop_vouchers
from marketplace.offer.services import VoucherRefused, shop_voucher_create, shop_voucher_end
from shops.seller.mixins import SellerShopMixin
from shops.seller.vouchers.forms import ShopVoucherForm


class VoucherListView(SellerShopMixin, ListView):
    template_name = "seller/vouchers/list.html"
    context_object_name = "vouchers"
    paginate_by = 50

    def get_queryset(self):
        return shop_vouchers(shop=self.shop)

    def get_context_data(self, **kwargs):
        return super().get_context_data(now=timezone.now(), **kwargs)


class VoucherCreateView(SellerShopMixin, FormView):
    template_name = "seller/vouchers/form.html"
    form_class = ShopVoucherForm

    def form_valid(self, form):
        try:
            voucher = shop_voucher_create(
                shop=self.shop, actor=self.request.user, terms=form.terms(), acting_as=self.capacity,
            )
        except VoucherRefused as refused:
            for message in refused.messages:
                form.add_error(refused.field if refused.field in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã tạo mã giảm giá “%(code)s”.") % {"code": voucher.code})
        return redirect("seller:vouchers", shop_code=self.shop.code)


class VoucherEndView(SellerShopMixin, View):
    def get_voucher(self):
        return get_object_or_404(shop_vouchers(shop=self.shop), pk=self.kwargs["voucher_pk"])

    def get(self, request, *args, **kwargs):
        self.get_voucher()  # another shop's voucher: 404, as every seller URL
        return redirect("seller:vouchers", shop_code=self.shop.code)

    def post(self, request, *args, **kwargs):
        voucher = self.get_voucher()
        if shop_voucher_end(shop=self.shop, voucher=voucher, actor=request.user, acting_as=self.capacity):
            messages.success(request, _("Đã kết thúc mã “%(code)s”.") % {"code": voucher.code})
        else:
            messages.info(request, _("Mã “%(code)s” đã kết thúc từ trước.") % {"code": voucher.code})
        return redirect("seller:vouchers", shop_code=self.shop.code)
