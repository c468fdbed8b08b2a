"""Card payments against the real localstripe, its signed webhooks delivered to a live server.

localstripe POSTs each event about a second after it happens, from its own process, to the
URL registered with it (`/_config/webhooks/...`): the `webhooks` fixture points it at
pytest-django's live server, so our real view verifies and applies the real signed event.
Tests wait for an event by polling the database (and for the live server to have finished
the request, since with in-memory SQLite both threads share one connection).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
import stripe
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import OperationalError
from django.urls import reverse

from marketplace import embedded
from marketplace.payment.models import StripeEvent
from marketplace.payment.stripe_client import stripe_client


class _InFlight:
    """Requests the live server is handling right now."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1


@pytest.fixture
def webhooks(stripe_server, live_server):
    """localstripe delivers its events to our webhook view on the live server."""
    in_flight = _InFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    url = live_server.url + reverse("stripe-webhook")
    embedded.register_stripe_webhook(url, webhook_id="tests")
    hooks = Webhooks(url, in_flight)
    yield hooks
    # No unregister endpoint: subscribe it to no real event type, so later tests in the
    # session (which share this localstripe) post nothing to a live server not theirs.
    embedded.register_stripe_webhook(url, webhook_id="tests", events=["none.disabled"])
    request_started.disconnect(in_flight.started)
    request_finished.disconnect(in_flight.finished)


class Webhooks:
    def __init__(self, url: str, in_flight: _InFlight):
        self.url = url
        self.in_flight = in_flight

    def wait(self, intent_id: str, event_type: str, *, count: int = 1, timeout: float = 15.0):
        """The StripeEvent(s) of this type for this intent, once applied and answered."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                events = list(
                    StripeEvent.objects.filter(payment_intent=intent_id, type=event_type)
                    .exclude(outcome="").order_by("pk")
                )
            except OperationalError:
                # In-memory SQLite: the live server's thread shares this connection's shared
                # cache and may hold the table lock mid-request; look again shortly.
                time.sleep(0.1)
                continue
            if len(events) >= count and self.in_flight.count == 0:
                return events
            time.sleep(0.1)
        raise AssertionError(f"no {event_type} for {intent_id} applied within {timeout}s")

    def idle(self, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while self.in_flight.count and time.monotonic() < deadline:
            time.sleep(0.05)

    def post(self, payload: bytes, signature: str | None) -> tuple[int, dict]:
        """POST a body to the webhook view as Stripe would; (status, JSON body)."""
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if signature is not None:
            headers["Stripe-Signature"] = signature
        request = urllib.request.Request(self.url, data=payload, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())


def sign(payload: bytes, secret: str | None = None) -> str:
    """A Stripe-Signature header for `payload` (what Stripe and localstripe compute)."""
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret or settings.STRIPE_WEBHOOK_SECRET
    )


def localstripe_get(path: str) -> bytes:
    """Raw JSON of a localstripe object, e.g. /v1/events/evt_… (the bytes it would sign)."""
    request = urllib.request.Request(
        settings.STRIPE_API_BASE + path,
        headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read()


def event_payload(event_type: str, intent_id: str, event_id: str) -> bytes:
    """A Stripe event about the intent as it stands at localstripe now (for deliveries
    localstripe cannot produce itself: out of order, repeated under a new id)."""
    intent = json.loads(localstripe_get(f"/v1/payment_intents/{intent_id}"))
    event = {"id": event_id, "object": "event", "type": event_type, "api_version": "2017-08-15",
             "created": int(time.time()), "livemode": False, "data": {"object": intent}}
    return json.dumps(event, indent=2, sort_keys=True).encode()


def post_signed(client, payload: bytes, signature: str | None = "sign"):
    """POST a body to the webhook view in-process (Django's test client, which raises on an
    unhandled exception instead of hiding it in a 500); (status, JSON body)."""
    headers = {}
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = sign(payload) if signature == "sign" else signature
    response = client.post(reverse("stripe-webhook"), data=payload,
                           content_type="application/json", **headers)
    return response.status_code, response.json()


def charge_event_payload(event_type: str, intent_id: str, event_id: str) -> bytes:
    """A Stripe charge event (e.g. charge.refunded) about the intent's latest charge as it
    stands at localstripe now (localstripe sends no charge events itself)."""
    intent = json.loads(localstripe_get(f"/v1/payment_intents/{intent_id}"))
    charge = intent["latest_charge"]  # localstripe gives it expanded
    if isinstance(charge, str):
        charge = json.loads(localstripe_get(f"/v1/charges/{charge}"))
    event = {"id": event_id, "object": "event", "type": event_type, "api_version": "2017-08-15",
             "created": int(time.time()), "livemode": False, "data": {"object": charge}}
    return json.dumps(event, indent=2, sort_keys=True).encode()


def card_method(number: str) -> str:
    """A PaymentMethod for a test card number (what Stripe.js creates from the card form)."""
    return stripe_client().v1.payment_methods.create(
        {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    ).id


def pay(intent_id: str, payment_method: str = "pm_card_visa"):
    """What Stripe.js does on the payment page: attach the card and confirm."""
    client = stripe_client()
    client.v1.payment_intents.update(intent_id, {"payment_method": payment_method})
    return client.v1.payment_intents.confirm(intent_id)


def refunds_at_stripe(intent_id: str) -> list:
    return list(stripe_client().v1.refunds.list({"payment_intent": intent_id}).data)


# Test cards of localstripe (resources.PaymentMethod): 4242424242424242 is charged;
# 4000000000000341 ("pm_card_chargeCustomerFail") is declined when charged. Stripe's generic
# decline card 4000000000000002 is declined when charged too, as at Stripe, through the gap
# our embedded runner closes (marketplace/embedded/localstripe_main.py).
CARD_OK = "pm_card_visa"
CARD_DECLINED = "pm_card_chargeCustomerFail"
GENERIC_DECLINE_NUMBER = "4000000000000002"
