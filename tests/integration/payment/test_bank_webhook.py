"""POST /payments/bank/webhook/: SePay's bank-credit notifications, in SePay's published
shape, mark transfers paid once, keep everything else for staff, and never answer 5xx."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from marketplace.core.models import AuditEvent
from marketplace.order.models import Order, Purchase
from marketplace.payment.models import BankCredit
from marketplace.payment.services import purchase_transfer_due
from tests.factories import sepay_payload, transfer_purchase

pytestmark = pytest.mark.django_db

URL = "/payments/bank/webhook/"
KEY = "Apikey embedded-bank-webhook-key"


def post(client, payload, *, key=KEY, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    headers = {"HTTP_AUTHORIZATION": key} if key is not None else {}
    return client.generic("POST", URL, body, content_type="application/json", **headers)


def states(purchase):
    return sorted(Order.objects.filter(purchase=purchase).values_list("payment_status", flat=True))


def test_the_url_is_the_published_one():
    assert reverse("bank-webhook") == URL


def test_one_transfer_for_the_purchase_pays_every_programme_order_once(client):
    purchase = transfer_purchase()
    due = purchase_transfer_due(purchase)
    assert due == purchase.total == 360_000
    payload = sepay_payload(f"MBVCB.3278907687.OCOP {purchase.number}.CT tu 0123456789 NGUYEN VAN A", due)
    response = post(client, payload)
    assert response.status_code == 200 and response.json() == {"success": True}
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID and purchase.paid_at is not None
    assert states(purchase) == ["paid", "paid"]
    orders = Order.objects.filter(purchase=purchase)
    assert sorted(o.amount_paid for o in orders) == [180_000, 180_000]
    # Oscar's payment source of each order was debited (the ledger hooks in there).
    assert all(o.sources.get().amount_debited == 180_000 for o in orders)
    credit = BankCredit.objects.get()
    assert (credit.status, credit.purchase, credit.amount) == ("paid", purchase, due)
    assert AuditEvent.objects.filter(action="purchase.transfer_paid").count() == 1

    # SePay retries (same id), or sends the same bank reference again: nothing changes.
    assert post(client, payload).json() == {"success": True}
    again = dict(payload, id=payload["id"] + 1)
    assert post(client, again).json() == {"success": True}
    assert BankCredit.objects.count() == 1
    assert AuditEvent.objects.filter(action="purchase.transfer_paid").count() == 1


def test_a_shop_with_its_own_account_is_paid_by_the_order_code(client):
    purchase = transfer_purchase(own_account=True)
    own, programme = Order.objects.filter(purchase=purchase).order_by("pk")
    assert purchase_transfer_due(purchase) == 180_000  # only the programme's order
    # The shop's account is the payee of its order: a credit on it (SePay set up by the shop).
    payload = sepay_payload(f"ocop{own.number}", 180_000, account="0987654321")
    assert post(client, payload).status_code == 200
    own.refresh_from_db(), programme.refresh_from_db()
    assert (own.payment_status, programme.payment_status) == ("paid", "awaiting_transfer")
    assert BankCredit.objects.get().order == own
    post(client, sepay_payload(f"OCOP {purchase.number}", 180_000))
    programme.refresh_from_db()
    purchase.refresh_from_db()
    assert programme.payment_status == "paid" and purchase.status == "paid"


@pytest.mark.parametrize(
    ("memo", "amount", "problem"),
    [
        ("OCOP {purchase}", 359_000, "underpaid"),
        ("OCOP {purchase}", 400_000, "overpaid"),
        ("OCOP 999999", 360_000, "unknown_code"),
        ("chuyen tien mua mat ong", 360_000, "no_code"),
    ],
)
def test_anything_but_the_exact_amount_for_a_known_code_waits_for_staff(client, memo, amount, problem):
    purchase = transfer_purchase()
    response = post(client, sepay_payload(memo.format(purchase=purchase.number), amount))
    assert response.status_code == 200 and response.json() == {"success": True}
    credit = BankCredit.objects.get()
    assert (credit.status, credit.problem) == ("review", problem)
    assert credit.reference_code.startswith("MBVCB.")
    assert states(purchase) == ["awaiting_transfer", "awaiting_transfer"]
    if problem in ("underpaid", "overpaid"):
        assert credit.purchase == purchase and credit.expected_amount == 360_000


def test_a_late_transfer_for_a_cancelled_order_waits_for_staff(client):
    from marketplace.order.lifecycle import order_transition
    from marketplace.order.statuses import OrderStatus

    purchase = transfer_purchase()
    for order in Order.objects.filter(purchase=purchase):
        order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=None,
                         acting_as="system", reason="Hết hàng")
    post(client, sepay_payload(f"OCOP {purchase.number}", 360_000))
    credit = BankCredit.objects.get()
    assert (credit.status, credit.problem, credit.purchase) == ("review", "not_awaited", purchase)
    assert states(purchase) == ["void", "void"]


def test_a_transfer_into_another_account_is_not_taken_as_paid(client):
    purchase = transfer_purchase()
    post(client, sepay_payload(f"OCOP {purchase.number}", 360_000, account="1234567890"))
    credit = BankCredit.objects.get()
    assert (credit.status, credit.problem) == ("review", "wrong_account")
    assert states(purchase) == ["awaiting_transfer", "awaiting_transfer"]


def test_outgoing_transfers_are_recorded_and_never_match(client):
    purchase = transfer_purchase()
    post(client, sepay_payload(f"OCOP {purchase.number}", 360_000, transfer_type="out"))
    assert BankCredit.objects.get().status == "outgoing"
    assert states(purchase) == ["awaiting_transfer", "awaiting_transfer"]


@pytest.mark.parametrize("key", [None, "", "Apikey wrong", "Bearer embedded-bank-webhook-key",
                                 "embedded-bank-webhook-key", "Apikey "])
def test_a_wrong_or_missing_key_is_401_and_records_nothing(client, key):
    purchase = transfer_purchase()
    response = post(client, sepay_payload(f"OCOP {purchase.number}", 360_000), key=key)
    assert response.status_code == 401 and response.json()["success"] is False
    assert BankCredit.objects.count() == 0


def test_an_empty_setting_refuses_every_call(client, settings):
    settings.BANK_WEBHOOK_API_KEY = ""
    assert post(client, sepay_payload("OCOP 100001", 1000), key="Apikey ").status_code == 401


def _bad_bodies():
    good = sepay_payload("OCOP 100001", 150_000, sepay_id=1)
    yield "not json", b"{not json"
    yield "not utf-8", b"\xff\xfe{}"
    yield "a list", b"[]"
    yield "a string", b'"x"'
    yield "empty", b""
    yield "deep nesting", b"[" * 1500 + b"]" * 1500
    yield "deep object", b'{"a":' * 1500 + b"1" + b"}" * 1500
    for field in ("id", "transferAmount", "referenceCode", "content", "accountNumber", "gateway",
                  "transactionDate", "transferType"):
        yield f"missing {field}", json.dumps({k: v for k, v in good.items() if k != field}).encode()
    for amount in (-150_000, 0, 10**13, 1.5, "150000", True, None, 1e300):
        yield f"amount {amount!r}", json.dumps(dict(good, transferAmount=amount)).encode()
    yield "id text", json.dumps(dict(good, id="abc")).encode()
    yield "id negative", json.dumps(dict(good, id=-1)).encode()
    yield "type sideways", json.dumps(dict(good, transferType="sideways")).encode()
    yield "date", json.dumps(dict(good, transactionDate="25/03/2026")).encode()
    yield "year one", json.dumps(dict(good, transactionDate="0001-01-01 00:00:00")).encode()
    yield "content object", json.dumps(dict(good, content={"a": 1})).encode()
    yield "content huge", json.dumps(dict(good, content="x" * 5000)).encode()
    yield "NUL", json.dumps(dict(good, content="OCOP\x00")).encode()
    yield "too large", json.dumps(dict(good, description="x" * 70_000)).encode()


@pytest.mark.parametrize(("name", "body"), list(_bad_bodies()), ids=[n for n, _b in _bad_bodies()])
def test_malformed_bodies_are_400_with_a_json_reason_and_record_nothing(client, name, body):
    response = post(client, None, raw=body)
    assert response.status_code == 400, name
    assert response["Content-Type"] == "application/json"
    assert response.json()["success"] is False and response.json()["error"]
    assert BankCredit.objects.count() == 0


def test_only_post(client):
    response = client.get(URL, HTTP_AUTHORIZATION=KEY)
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_a_float_amount_with_no_fraction_is_read_as_dong(client):
    purchase = transfer_purchase()
    post(client, sepay_payload(f"OCOP {purchase.number}", 360_000.0))
    assert BankCredit.objects.get().status == "paid"


def test_the_buyer_is_told_once_what_was_received(client, django_capture_on_commit_callbacks, mailoutbox):
    purchase = transfer_purchase()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, sepay_payload(f"OCOP {purchase.number}", 360_000))
    to_buyer = [m for m in mailoutbox if purchase.email in m.to]
    assert len(to_buyer) == 1 and "360.000" in to_buyer[0].body


def test_a_part_payment_of_a_mixed_purchase_tells_about_those_orders_only(
    client, django_capture_on_commit_callbacks, mailoutbox,
):
    purchase = transfer_purchase(own_account=True)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, sepay_payload(f"OCOP {purchase.number}", 180_000))
    purchase.refresh_from_db()
    assert purchase.status == "placed"  # the shop with its own account is still to be paid
    bodies = " ".join(m.body for m in mailoutbox if purchase.email in m.to)
    assert "360.000" not in bodies  # never "we received the whole total"


def test_a_busy_database_is_503_and_the_retry_is_applied(client, monkeypatch):
    """SQLite's "database is locked" (or PostgreSQL gone) after the credit row was written:
    the whole transaction rolls back, nothing is recorded, SePay retries."""
    from django.db import OperationalError

    from marketplace.payment import bank

    purchase = transfer_purchase()
    payload = sepay_payload(f"OCOP {purchase.number}", purchase_transfer_due(purchase))

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(bank, "_apply", locked)  # runs after the credit's INSERT
    response = post(client, payload)
    assert response.status_code == 503 and response.json()["success"] is False
    assert not BankCredit.objects.exists()
    monkeypatch.undo()
    assert post(client, payload).json() == {"success": True}
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
