"""Reads of shop vouchers (the seller's list)."""

from __future__ import annotations

from django.db.models import F
from oscar.core.loading import get_model

Voucher = get_model("voucher", "Voucher")


def shop_vouchers(*, shop):
    """The shop's vouchers, newest first, each with its terms and uses so far (one query)."""
    return (
        Voucher.objects.filter(offers__shop=shop)
        .annotate(
            kind=F("offers__benefit__type"), amount=F("offers__benefit__value"),
            max_discount=F("offers__benefit__max_discount"), min_basket=F("offers__condition__value"),
            per_buyer=F("offers__max_user_applications"), total=F("offers__max_global_applications"),
            uses=F("offers__num_applications"), discounted=F("offers__total_discount"),
            listed=F("offers__listed"),
        )
        .order_by("-start_datetime", "-pk")
    )
