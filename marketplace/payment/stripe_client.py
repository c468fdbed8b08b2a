"""The configured Stripe client: real Stripe in production, the embedded localstripe otherwise."""

from __future__ import annotations

import stripe
from django.conf import settings

from marketplace import embedded


def stripe_client() -> stripe.StripeClient:
    """A StripeClient pointed at Stripe, or at localstripe when no keys are configured."""
    api_base = embedded.ensure_stripe()
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": api_base},
        max_network_retries=2,
    )


def publishable_key() -> str:
    embedded.ensure_stripe()
    return settings.STRIPE_PUBLISHABLE_KEY


def stripe_js_url() -> str:
    """Stripe.js: Stripe's own, or localstripe's fake Stripe.js when emulated."""
    if settings.STRIPE_API_BASE:
        return f"{settings.STRIPE_API_BASE}/js.stripe.com/v3/"
    return "https://js.stripe.com/v3/"
