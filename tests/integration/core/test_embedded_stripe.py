"""The Stripe client talks to the real embedded emulator (localstripe) when no keys are set."""

import pytest

from marketplace.payment.stripe_client import publishable_key, stripe_client, stripe_js_url


@pytest.mark.stripe
def test_payment_intent_round_trip_on_localstripe(stripe_server):
    client = stripe_client()
    created = client.v1.payment_intents.create(params={"amount": 1_250_000, "currency": "vnd"})
    fetched = client.v1.payment_intents.retrieve(created.id)
    assert fetched.id == created.id
    assert fetched.amount == 1_250_000
    assert fetched.status == "requires_payment_method"
    assert publishable_key().startswith("pk_test_")
    assert stripe_js_url() == f"{stripe_server.url}/js.stripe.com/v3/"


@pytest.mark.stripe
def test_stopped_emulator_is_an_error_not_a_hang(stripe_server):
    import stripe

    client = stripe.StripeClient("sk_test_x", base_addresses={"api": "http://127.0.0.1:9"}, max_network_retries=0)
    with pytest.raises(stripe.APIConnectionError):
        client.v1.payment_intents.create(params={"amount": 1000, "currency": "vnd"})
