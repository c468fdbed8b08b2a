"""The configured Stripe client: real Stripe in production, the embedded localstripe otherwise.

`card_payments_available()` tells the checkout whether Stripe answers right now, so that
a buyer is offered COD and VietQR instead of a card payment that cannot go through
(docs/decisions/0012-background-tasks.md, "Stripe unreachable").
"""

from __future__ import annotations

import hashlib
import logging

import stripe
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from marketplace import embedded

logger = logging.getLogger(__name__)

#: Seconds one Stripe request may take (stripe-python's own default is 80).
REQUEST_TIMEOUT = 20
#: The availability probe: a short timeout, no retry, its answer kept this many seconds.
PROBE_TIMEOUT = 3
PROBE_CACHE_SECONDS = 20

CARD_UNAVAILABLE = _(
    "Thanh toán bằng thẻ đang tạm ngưng vì chưa kết nối được cổng thanh toán. "
    "Bạn vẫn có thể đặt hàng và trả tiền khi nhận hàng (COD) hoặc chuyển khoản VietQR."
)


def stripe_client() -> stripe.StripeClient:
    """A StripeClient pointed at Stripe, or at localstripe when no keys are configured."""
    api_base = embedded.ensure_stripe()
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": api_base},
        max_network_retries=2,
        http_client=stripe.new_default_http_client(timeout=REQUEST_TIMEOUT),
    )


def publishable_key() -> str:
    embedded.ensure_stripe()
    return settings.STRIPE_PUBLISHABLE_KEY


def stripe_js_url() -> str:
    """Stripe.js: Stripe's own, or localstripe's fake Stripe.js when emulated."""
    if settings.STRIPE_API_BASE:
        return f"{settings.STRIPE_API_BASE}/js.stripe.com/v3/"
    return "https://js.stripe.com/v3/"


def card_payments_available() -> bool:
    """Does Stripe answer? A read-only call (list one PaymentIntent), remembered briefly.

    Without keys the embedded emulator is started on demand by the payment page, so card
    payments count as available. Any failure (no connection, timeout, 5xx, a refused key)
    counts as unavailable: the checkout then offers COD and VietQR only.
    """
    if not settings.STRIPE_SECRET_KEY:
        return True
    api_base = settings.STRIPE_API_BASE or "https://api.stripe.com"
    key = "stripe-available:" + hashlib.sha256(api_base.encode()).hexdigest()[:16]
    try:
        known = cache.get(key)
    except Exception:  # noqa: BLE001 -- a cache outage must not hide card payments
        known = None
    if known is not None:
        return known
    client = stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": api_base},
        max_network_retries=0,
        http_client=stripe.new_default_http_client(timeout=PROBE_TIMEOUT),
    )
    try:
        client.v1.payment_intents.list({"limit": 1})
        available = True
    except stripe.StripeError as exc:
        logger.warning("Stripe unavailable, card payments hidden at checkout: %s", exc)
        available = False
    try:
        cache.set(key, available, PROBE_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        pass
    return available
