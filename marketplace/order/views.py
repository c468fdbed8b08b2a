"""The buyer says "Đã nhận hàng": every parcel of their shop order still on its way is delivered.

Two doors, POST only (Django's CSRF check applies):
- a signed-in buyer, from their order page: `/accounts/orders/<number>/received/` (mounted in
  marketplace/urls.py before Oscar's account URLs; only the buyer's own order, else 404);
- anyone holding the signed purchase link (guests): `/checkout/purchases/<purchase>/<token>/
  orders/<number>/received/` (marketplace/checkout/apps.py; the token is checked and the order
  must belong to that purchase, else 404).

Both call marketplace/order/shipments.py:order_received_by_buyer, which moves each parcel by a
conditional update: a second tap, or the shop recording an outcome at the same moment, applies
once and the buyer reads what happened.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from marketplace.core.errors import Refused
from marketplace.order.links import purchase_from_token, purchase_link
from marketplace.order.models import Order, Shipment
from marketplace.order.shipments import order_received_by_buyer


def receipt_confirm(request, order: Order) -> None:
    """Record the buyer's "Đã nhận hàng" for `order` and say what happened."""
    try:
        order_received_by_buyer(order=order, actor=request.user)
    except Refused as refusal:
        parcels = set(order.shipments.values_list("status", flat=True))
        if Shipment.Status.DELIVERED in parcels and Shipment.Status.IN_TRANSIT not in parcels:
            # A second tap, or the shop confirmed the delivery a moment before.
            messages.info(request, _("Đơn hàng đã được ghi nhận là đã giao. Cảm ơn bạn!"))
        else:
            for message in refusal.messages:
                messages.error(request, message)
        return
    messages.success(request, _("Cảm ơn bạn đã xác nhận đã nhận hàng."))


class OrderReceivedView(LoginRequiredMixin, View):
    """A signed-in buyer's "Đã nhận hàng" on their own order."""

    http_method_names = ["post"]

    def post(self, request, order_number):
        order = get_object_or_404(Order, user=request.user, number=order_number)
        receipt_confirm(request, order)
        return redirect("customer:order", order_number=order.number)


class PurchaseOrderReceivedView(View):
    """ "Đã nhận hàng" from the signed purchase page (a guest has no account)."""

    http_method_names = ["post"]

    def post(self, request, number, token, order_number):
        purchase = purchase_from_token(number, token)
        if purchase is None:
            raise Http404
        order = get_object_or_404(Order, purchase=purchase, number=order_number)
        receipt_confirm(request, order)
        return redirect(f"{purchase_link(purchase)}#tracking-{order.number}")
