"""The basket's voucher buttons: a code typed or picked under a shop (or for the whole
basket), and "Bỏ mã". POST only; both go back to the basket with a message.

Codes are short, so refused codes are limited per client address (an IPv6 client: per /64;
FORM_RATE_LIMITS["voucher"]); codes that apply do not count. Over the limit the basket says
to wait, nothing is tried and nothing in the basket is lost.
Oscar's own /basket/vouchers/add/ is this view too (marketplace.config), so no route applies a
code without these rules."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from marketplace.checkout.vouchers import (
    VoucherUnavailable,
    basket_voucher_apply,
    basket_voucher_remove,
)
from marketplace.core.ratelimit import client_network, hit, peek


def _shop_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _rate() -> str | None:
    return (getattr(settings, "FORM_RATE_LIMITS", None) or {}).get("voucher")


@require_POST
def voucher_apply(request):
    rate, client = _rate(), client_network(request)
    if rate and not (verdict := peek("voucher", client, rate)).allowed:
        minutes = -(-verdict.retry_after // 60)
        messages.error(request, _("Bạn đã thử quá nhiều mã giảm giá. Vui lòng thử lại sau %(minutes)s phút.")
                       % {"minutes": minutes})
        return redirect("basket:summary")
    # A picked voucher's button sends `code`; the field beside it `typed_code`.
    code = (request.POST.get("code") or request.POST.get("typed_code") or "")[:64]
    try:
        voucher = basket_voucher_apply(
            basket=request.basket, user=request.user, code=code,
            shop_id=_shop_id(request.POST.get("shop")), request=request,
        )
    except VoucherUnavailable as refusal:
        if rate:  # only refused codes count: guessing is what the limit stops
            hit("voucher", client, rate)
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


class VoucherApplyView(View):
    """`voucher_apply` where Oscar's basket app expects a class (its /basket/vouchers/add/)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        return voucher_apply(request)
