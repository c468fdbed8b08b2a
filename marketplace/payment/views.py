"""Payment endpoints: the Stripe webhook (signed by Stripe, so no CSRF token and no login)."""

from __future__ import annotations

import logging

import stripe
from django.db import OperationalError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from marketplace.payment import stripe_payments

logger = logging.getLogger(__name__)


@csrf_exempt
def stripe_webhook(request):
    """POST /payments/stripe/webhook/: 200 {"status": outcome}; 400 {"error"} for anything
    unsigned or malformed; 503 {"error"} only when a retry can help — a call back to Stripe
    failed transiently or the database was busy (nothing recorded, Stripe retries). A
    permanent refusal by Stripe is settled by sending the case to staff, answered 200."""
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
    except stripe_payments.EventInProgress:
        return JsonResponse({"error": "event being processed, retry later"}, status=503)
    except stripe.StripeError as exc:
        if not stripe_payments.is_transient(exc):
            # The handlers settle permanent refusals themselves; one that escapes must still
            # not make Stripe retry for days.
            logger.error("Stripe webhook hit a permanent Stripe error: %s", exc)
            return JsonResponse({"status": "stripe_refused"})
        logger.warning("Stripe webhook not applied, Stripe will retry: %s", exc)
        return JsonResponse({"error": "payment processor unavailable"}, status=503)
    except OperationalError as exc:  # e.g. SQLite "database is locked"
        logger.warning("Stripe webhook not applied, database busy, Stripe will retry: %s", exc)
        return JsonResponse({"error": "temporarily unavailable"}, status=503)
    return JsonResponse({"status": outcome})
