"""The demo's bank credits: a few transfers waiting in staff's reconciliation queue
(/dashboard/bank-credits/), as SePay would have sent them.

- one whose memo names no purchase (a stranger's "chuyen tien"): staff close it, or match
  it by hand;
- one that underpays the demo buyer's bank-transfer purchase (20.000 ₫ short): it stays
  awaiting, so the buyer's payment page still shows its one VietQR.

Idempotent: each has a fixed bank reference, and a credit with a reference already recorded
is a duplicate that changes nothing (marketplace/payment/bank.py).
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings

from marketplace.core.dates import VN
from marketplace.order.models import PaymentMethod, Purchase
from marketplace.payment.bank import CreditData, credit_receive
from marketplace.payment.models import BankCredit
from marketplace.payment.services import purchase_transfer_due

GATEWAY = "Vietcombank"


def ensure_demo_bank_credits(buyer_email: str, result, *, today) -> None:
    """Add the demo credits that are missing (counted in `result.created["bank_credits"]`)."""
    account = settings.VIETQR_ACCOUNT_NUMBER
    if not account:
        return
    at = datetime.combine(today, time(9, 30), tzinfo=VN)
    credits = [
        CreditData(
            source=BankCredit.Source.WEBHOOK, gateway=GATEWAY, account_number=account,
            reference_code="DEMO.FT26000000001", amount=450_000, transaction_at=at,
            content="NGUYEN VAN BAY chuyen tien mua yen sao",
            description="BankAPINotify NGUYEN VAN BAY chuyen tien mua yen sao",
        ),
    ]
    purchase = (
        Purchase.objects.filter(user__email=buyer_email, payment_method=PaymentMethod.BANK_TRANSFER)
        .order_by("pk").first()
    )
    due = purchase_transfer_due(purchase) if purchase is not None else 0
    if due > 20_000:
        credits.append(CreditData(
            source=BankCredit.Source.WEBHOOK, gateway=GATEWAY, account_number=account,
            reference_code="DEMO.FT26000000002", amount=due - 20_000, transaction_at=at,
            content=f"MBVCB.3278907687.OCOP {purchase.number}.CT tu 0912000000 KHACH MUA HANG",
        ))
    for credit in credits:
        if credit_receive(credit) != "duplicate":
            result.created["bank_credits"] += 1
