"""Payment endpoints: the Stripe webhook (signed by Stripe, so no CSRF token and no login)."""

from __future__ import annotations

import logging

import stripe
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from marketplace.payment import stripe_payments

logger = logging.getLogger(__name__)


@csrf_exempt
def stripe_webhook(request):
    """POST /payments/stripe/webhook/: 200 {"status": outcome}; 400 for anything unsigned or
    malformed; 503 when a call back to Stripe failed (nothing recorded, Stripe retries)."""
    if request.method != "POST":
        response = JsonResponse({"error": "method not allowed"}, status=405)
        response["Allow"] = "POST"
        return response
    try:
        outcome = stripe_payments.webhook_receive(
            request.body, request.headers.get("Stripe-Signature", "")
        )
    except stripe_payments.WebhookRejected as exc:
        logger.warning("Stripe webhook rejected: %s", exc)
        return JsonResponse({"error": str(exc)}, status=400)
    except stripe.StripeError as exc:
        logger.warning("Stripe webhook not applied, Stripe will retry: %s", exc)
        return JsonResponse({"error": "payment processor unavailable"}, status=503)
    return JsonResponse({"status": outcome})
