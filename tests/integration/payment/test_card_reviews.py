"""/dashboard/payments/card-review/: card payments the webhook left to programme staff, and
their decisions (marketplace/payment/card_reviews.py) — refund in Stripe, accept as paid when
Stripe's intent matches after all, close with a reason — against the real localstripe."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order, Purchase
from marketplace.payment import stripe_payments
from marketplace.payment.models import CardPaymentReview
from shops.models import StockRecord
from tests.factories import card_purchase, make_staff, make_user
from tests.integration.payment.conftest import (
    CARD_OK,
    event_payload,
    pay,
    post_signed,
    refunds_at_stripe,
)

pytestmark = [pytest.mark.stripe, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")
LIST = reverse("payments-dashboard:card-review")


def decide_url(review, action):
    return reverse("payments-dashboard:card-review-decide", kwargs={"pk": review.pk, "action": action})


def mismatched(client, prefix: str, *, received_delta: int = -10_000, really_paid: bool = True):
    """A purchase whose success was reported for another amount: an open case."""
    purchase, products = card_purchase(2, prefix=prefix)
    intent = stripe_payments.card_payment_intent(purchase)
    if really_paid:
        pay(intent.id, CARD_OK)
    event = json.loads(event_payload("payment_intent.succeeded", intent.id, f"evt_{prefix}"))
    event["data"]["object"]["amount_received"] = purchase.total + received_delta
    assert post_signed(client, json.dumps(event).encode()) == (200, {"status": "review"})
    return purchase, products, CardPaymentReview.objects.get(purchase=purchase)


@pytest.fixture
def staff_client(client):
    client.force_login(make_staff())
    return client


def test_staff_refund_in_stripe_cancels_the_purchase_and_releases_stock(stripe_server, staff_client):
    purchase, products, review = mismatched(staff_client, "refund-case")
    response = staff_client.post(decide_url(review, "refund"), {"reason": "Số tiền không khớp"})
    assert response.status_code == 302
    [refund] = refunds_at_stripe(purchase.stripe_payment_intent)
    assert refund.amount == purchase.total and refund.metadata["origin"] == "ocop"
    review.refresh_from_db()
    assert (review.status, review.refund_id, review.decision_reason) == (
        CardPaymentReview.Status.REFUNDED, refund.id, "Số tiền không khớp"
    )
    assert review.decided_by.email == "canbo@so-congthuong.vn"
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.CANCELLED
    assert [StockRecord.objects.get(product=p).num_allocated for p in products] == [0, 0]
    assert AuditEvent.objects.filter(action="card_review.refunded", data__refund=refund.id).count() == 1
    # A second decision (double click, another staff member): refused, nothing at Stripe.
    staff_client.post(decide_url(review, "refund"))
    assert len(refunds_at_stripe(purchase.stripe_payment_intent)) == 1


def test_accept_as_paid_only_when_stripe_says_the_total_was_paid(stripe_server, staff_client):
    # The event said less, but Stripe's intent did succeed for the total: staff accept it.
    purchase, _products, review = mismatched(staff_client, "accept-case")
    staff_client.post(decide_url(review, "accept"), {"reason": "Đã đối chiếu trên Stripe"})
    review.refresh_from_db()
    assert review.status == CardPaymentReview.Status.ACCEPTED
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert {o.payment_status for o in purchase.orders.all()} == {Order.PaymentStatus.PAID}
    assert AuditEvent.objects.filter(action="card_review.accepted", object_id=str(purchase.pk)).count() == 1

    # Stripe's intent never succeeded: refused, the case stays open, nothing paid.
    other, _products, open_case = mismatched(staff_client, "accept-refused", really_paid=False)
    response = staff_client.post(decide_url(open_case, "accept"), follow=True)
    assert "không thể ghi nhận là đã thanh toán" in response.content.decode()
    open_case.refresh_from_db()
    assert open_case.status == CardPaymentReview.Status.OPEN
    assert Purchase.objects.get(pk=other.pk).status == Purchase.Status.AWAITING_PAYMENT


def test_close_needs_a_reason(stripe_server, staff_client):
    _purchase, _products, review = mismatched(staff_client, "close-case")
    staff_client.post(decide_url(review, "close"), {"reason": ""})
    review.refresh_from_db()
    assert review.status == CardPaymentReview.Status.OPEN
    staff_client.post(decide_url(review, "close"), {"reason": "Đã hoàn tiền mặt cho khách"})
    review.refresh_from_db()
    assert (review.status, review.decision_reason) == (CardPaymentReview.Status.CLOSED, "Đã hoàn tiền mặt cho khách")
    assert AuditEvent.objects.filter(action="card_review.closed").count() == 1


def test_queue_page_for_staff_only_open_cases_first_fixed_queries(stripe_server, client):
    purchases = [mismatched(client, f"list-{i}")[0] for i in range(3)]
    CardPaymentReview.objects.filter(purchase=purchases[0]).update(status=CardPaymentReview.Status.CLOSED)

    assert client.get(LIST).status_code == 302  # anonymous: sign in
    client.force_login(make_user("nguoi.mua@example.com"))
    assert client.get(LIST).status_code == 403
    client.force_login(make_staff())
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thanh toán thẻ cần quyết định" in html
    positions = [html.index(p.number) for p in purchases]
    assert positions[0] > max(positions[1:])  # the closed case after the open ones
    assert "Hoàn tiền trên Stripe" in html and "Số tiền hoặc loại tiền khác với giao dịch" in html
    few = len(queries)
    mismatched(client, "list-more")
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    assert len(queries) == few
    assert client.get(LIST + "?status=closed").content.decode().count('id="review-') == 1
    assert client.get(LIST + "?status=nonsense").status_code == 200
