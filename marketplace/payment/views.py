"""Payment endpoints: the Stripe webhook (signed by Stripe) and the bank-credit webhook (SePay,
with an API key); neither takes a CSRF token or a login."""

from __future__ import annotations

import json
import logging

import stripe
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from marketplace.payment import bank, stripe_payments

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


MAX_BANK_WEBHOOK_BYTES = 64 * 1024  # one credit is ~500 bytes


@csrf_exempt
def bank_webhook(request):
    """POST /payments/bank/webhook/: a bank credit in SePay's JSON shape.

    200 {"success": true} for every authenticated, well-formed credit (paid, duplicate, or
    kept for staff); 401 without the right `Authorization: Apikey …`; 400 with a JSON
    error for a body we cannot read; 405 for other methods. Never 5xx for bad input; 503 only when the database is unavailable
    (nothing recorded, SePay retries).
    """
    if request.method != "POST":
        response = JsonResponse({"success": False, "error": "method not allowed"}, status=405)
        response["Allow"] = "POST"
        return response
    if not bank.webhook_key_matches(request.headers.get("Authorization", "")):
        return JsonResponse({"success": False, "error": "unauthorized"}, status=401)
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > MAX_BANK_WEBHOOK_BYTES:
        return JsonResponse({"success": False, "error": "body too large"}, status=400)
    try:
        body = request.body
        if len(body) > MAX_BANK_WEBHOOK_BYTES:
            raise ValueError("body too large")
        payload = json.loads(body.decode("utf-8"))
        credit = bank.sepay_credit(payload)
    except (ValueError, RecursionError, UnicodeDecodeError, RequestDataTooBig) as exc:
        return JsonResponse({"success": False, "error": f"malformed JSON: {exc}"[:300]}, status=400)
    except bank.CreditRejected as exc:
        return JsonResponse({"success": False, "error": str(exc)}, status=400)
    try:
        outcome = bank.credit_receive(credit)
    except OperationalError:
        # The database is down or busy: nothing was recorded. 503 (not 200) so SePay sends
        # the credit again; it is an outage, never something a sender's body can cause.
        logger.exception("Bank credit %s not recorded: database unavailable", credit.sepay_id)
        return JsonResponse({"success": False, "error": "temporarily unavailable"}, status=503)
    logger.info("Bank credit %s (%s %s): %s", credit.sepay_id, credit.gateway,
                credit.reference_code, outcome)
    return JsonResponse({"success": True})
