"""Where each side reads a case: the buyer's page (signed in, or the signed purchase link for
a guest), the shop's page in the seller workspace, programme staff's page."""

from __future__ import annotations

from django.urls import reverse

from marketplace.complaints.models import Complaint
from marketplace.order.links import purchase_access_token


def buyer_complaint_path(order, *, signed: bool = False) -> str:
    """The buyer's complaint page of `order`: the account page when the order has a buyer's
    account (unless `signed`), else the page behind the signed purchase link."""
    if order.user_id and not signed:
        return reverse("complaints:buyer", kwargs={"order_number": order.number})
    purchase = order.purchase
    if purchase is None or not purchase.number:
        return ""
    return reverse(
        "complaints:guest",
        kwargs={"number": purchase.number, "token": purchase_access_token(purchase),
                "order_number": order.number},
    )


def seller_complaint_path(complaint: Complaint) -> str:
    return reverse(
        "seller:complaint-detail",
        kwargs={"shop_code": complaint.shop.code, "complaint_pk": complaint.pk},
    )


def staff_complaint_path(complaint: Complaint) -> str:
    return reverse("complaints-dashboard:detail", kwargs={"pk": complaint.pk})
