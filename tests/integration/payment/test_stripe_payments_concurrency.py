"""20 simultaneous requests for one purchase's PaymentIntent create one intent at Stripe.

Needs real row locks: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite,
whose writers do not run concurrently the way the production database's do.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from marketplace.order.models import Purchase
from marketplace.payment import stripe_payments
from marketplace.payment.stripe_client import stripe_client
from tests.factories import card_purchase

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

CALLS = 20


def test_concurrent_intent_requests_create_one_intent(stripe_server):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with DATABASE_URL=postgres://…")
    purchase, _ = card_purchase(2, prefix="race")
    before = set(_intents_at_stripe())
    barrier = threading.Barrier(CALLS)
    ids, errors = [], []

    def call():
        try:
            barrier.wait(10)
            intent = stripe_payments.card_payment_intent(Purchase.objects.get(pk=purchase.pk))
            ids.append(intent.id)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(CALLS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert len(ids) == CALLS and len(set(ids)) == 1
    purchase.refresh_from_db()
    assert purchase.stripe_payment_intent == ids[0]
    created = {pk: number for pk, number in _intents_at_stripe().items() if pk not in before}
    assert created == {ids[0]: purchase.number}  # one intent at Stripe, none cancelled extra


def _intents_at_stripe() -> dict[str, str]:
    """Every PaymentIntent localstripe holds: id → its purchase number."""
    listing = stripe_client().v1.payment_intents.list({"limit": 100})
    return {
        intent.id: intent.metadata.to_dict().get("purchase", "")
        for intent in listing.auto_paging_iter()
    }
