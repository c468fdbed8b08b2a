"""The basket's voucher buttons: a code typed or picked under a shop (or for the whole
basket), and "Bỏ mã". POST only; both go back to the basket with a message."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.checkout.vouchers import (
    VoucherUnavailable,
    basket_voucher_apply,
    basket_voucher_remove,
)


def _shop_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@require_POST
def voucher_apply(request):
    # A picked voucher's button sends `code`; the field beside it `typed_code`.
    code = (request.POST.get("code") or request.POST.get("typed_code") or "")[:64]
    try:
        voucher = basket_voucher_apply(
            basket=request.basket, user=request.user, code=code,
            shop_id=_shop_id(request.POST.get("shop")), request=request,
        )
    except VoucherUnavailable as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã áp dụng mã “%(code)s”.") % {"code": voucher.code})
    return redirect("basket:summary")


@require_POST
def voucher_remove(request, pk: int):
    if basket_voucher_remove(basket=request.basket, voucher_id=pk, user=request.user, request=request):
        messages.info(request, _("Đã bỏ mã giảm giá."))
    return redirect("basket:summary")
