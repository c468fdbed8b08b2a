"""Links to a purchase and an order: the buyer's signed purchase link and the seller's page.

A guest has no account, so the confirmation e-mail carries a link signed with the site's
key: the purchase number and its signature open the purchase page (and the card payment
page) without signing in. The signature never expires (the link in the mail must keep
working) and is checked in constant time.
"""

from __future__ import annotations

from django.core import signing
from django.urls import NoReverseMatch, reverse

from marketplace.core.mail import site_url
from marketplace.order.models import Order, Purchase

ACCESS_SALT = "purchase-access"


def _signer() -> signing.Signer:
    return signing.Signer(salt=ACCESS_SALT)


def purchase_access_token(purchase: Purchase) -> str:
    """The signature of the purchase number (URL-safe base64): with the number, it opens the
    purchase page. The number is in the URL already, so the token is the signature alone."""
    return _signer().signature(str(purchase.number))


def purchase_from_token(number, token) -> Purchase | None:
    """The purchase `number` when `token` is its signature, else None (constant-time check)."""
    if not number or not token:
        return None
    number, token = str(number), str(token)
    if len(number) > 32 or len(token) > 128:
        return None
    try:
        # unsign compares with constant_time_compare (and accepts SECRET_KEY_FALLBACKS).
        value = _signer().unsign(f"{number}{_signer().sep}{token}")
    except signing.BadSignature:
        return None
    if value != number:
        return None
    return Purchase.objects.filter(number=number).first()


def purchase_link(purchase: Purchase, name: str = "checkout:purchase") -> str:
    """The signed path of the purchase page (or, with `checkout:pay`, its card payment page)."""
    return reverse(name, kwargs={"number": purchase.number, "token": purchase_access_token(purchase)})


def purchase_url(purchase: Purchase) -> str:
    """Absolute URL of the buyer's purchase page (VietQR for a bank transfer)."""
    return site_url(purchase_link(purchase))


def seller_order_url(order: Order) -> str:
    """Absolute URL of the order in its shop's seller workspace ("" for an order of no shop)."""
    if order.shop_id is None:
        return ""
    try:
        path = reverse(
            "seller:order-detail",
            kwargs={"shop_code": order.shop.code, "order_number": order.number},
        )
    except NoReverseMatch:
        return ""
    return site_url(path)
