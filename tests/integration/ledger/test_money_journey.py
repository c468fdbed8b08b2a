"""Issue 19's "done when", end to end through the real services and pages.

A buyer pays a three-shop purchase with one VietQR transfer; a SePay-shaped credit confirms
it; two shops deliver and one parcel comes back (refused at the door, money given back); the
settlement shows exactly what is owed, a payout run pays it once, and the month's
withholding rows are 1 % and 0.5 % of the households' delivered revenue minus returns while
the cooperative's are zero. Every amount below is computed by hand.
"""

from __future__ import annotations

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone
from freezegun import freeze_time

from marketplace.ledger.models import Payout
from marketplace.ledger.payouts import payout_mark_paid, payout_run_create
from marketplace.ledger.selectors import shop_balance
from marketplace.order.lifecycle import order_transition, refund_due
from marketplace.order.models import Order, Purchase, Shipment
from marketplace.order.shipments import (
    shipment_delivered,
    shipment_failed,
    shipment_hand_over,
    shipment_returned,
)
from marketplace.payment.refunds import order_refund
from marketplace.payment.transfer import purchase_transfer_qr
from marketplace.tax.models import SellerType
from tests.factories.catalogue import make_product
from tests.factories.orders import make_basket, place, sepay_payload
from tests.factories.shops import make_option, make_shop
from tests.factories.tax import make_tax_profile
from tests.factories.users import make_staff, make_user

pytestmark = pytest.mark.django_db

WEBHOOK_KEY = "Apikey embedded-bank-webhook-key"


@pytest.fixture(autouse=True)
def fee_rate(db):
    """No programme fee in this journey (the default, 0 %)."""
    return None


def _shop(code: str, *, cooperative: bool = False):
    owner = make_user(f"chu@{code}.vn")
    shop = make_shop(code, owner=owner, cooperative=cooperative, bank_bin="970436",
                     bank_account_number="0011001234567", bank_account_name=f"CHU {code.upper()}",
                     transfers_to_shop=False)  # buyers pay the programme; payouts go here
    make_option(shop, "Giao tận nơi", fee=20_000)
    return shop, owner


def _ship(order, owner, code):
    order_transition(order=order, to_status="confirmed", actor=owner, acting_as="owner")
    return shipment_hand_over(shop=order.shop, order=order, carrier="ghn", tracking_code=code,
                              actor=owner, acting_as="owner")


def test_one_transfer_three_shops_a_return_settlement_payout_and_withholding(client):
    honey, honey_owner = _shop("ho-mat-ong")  # household business
    fish, fish_owner = _shop("ho-kho-ca")  # household business
    shrimp, shrimp_owner = _shop("htx-tom-kho", cooperative=True)
    make_tax_profile(honey, seller_type=SellerType.HOUSEHOLD, tax_code="096123456789")
    make_tax_profile(fish, seller_type=SellerType.HOUSEHOLD, tax_code="089123456789")
    make_tax_profile(shrimp, seller_type=SellerType.COOPERATIVE, tax_code="2100123456")
    basket = make_basket([
        (make_product(honey, "Mật ong U Minh", price=200_000, stock=5), 1),
        (make_product(fish, "Khô cá lóc", price=100_000, stock=5), 2),
        (make_product(shrimp, "Tôm khô Rạch Gốc", price=150_000, stock=5), 1),
    ])
    purchase = place(basket, payment_method="bank_transfer").purchase
    orders = {o.shop_id: o for o in Order.objects.filter(purchase=purchase)}
    honey_order, fish_order, shrimp_order = orders[honey.pk], orders[fish.pk], orders[shrimp.pk]
    # goods + 20.000 ₫ delivery each
    assert [int(o.total_incl_tax) for o in (honey_order, fish_order, shrimp_order)] == [220_000, 220_000, 170_000]

    # One QR for the whole purchase, to the programme's account.
    qr = purchase_transfer_qr(purchase)
    assert (qr.amount, qr.memo, qr.payee.is_programme) == (610_000, f"OCOP {purchase.number}", True)

    # The bank's credit, memo mangled the way banking apps do, confirms it.
    memo = f"MBVCB.8812345.OCOP{purchase.number.lower()}.CT tu 0123456789 NGUYEN THI MUA"
    response = client.generic("POST", "/payments/bank/webhook/", json.dumps(sepay_payload(memo, 610_000)),
                              content_type="application/json", HTTP_AUTHORIZATION=WEBHOOK_KEY)
    assert response.status_code == 200 and response.json() == {"success": True}
    purchase.refresh_from_db()
    assert purchase.status == Purchase.Status.PAID
    assert set(Order.objects.filter(purchase=purchase).values_list("payment_status", flat=True)) == {"paid"}

    # Two shops deliver; the fish parcel is refused at the door and comes back.
    for order, owner, code in ((honey_order, honey_owner, "GHNMO0001"), (shrimp_order, shrimp_owner, "GHNTO0002")):
        shipment_delivered(shipment=_ship(order, owner, code), actor=owner, acting_as="owner")
    parcel = _ship(fish_order, fish_owner, "GHNKC0003")
    shipment_failed(shipment=parcel, reason=Shipment.FailureReason.REFUSED, actor=fish_owner, acting_as="owner")
    shipment_returned(shipment=parcel, actor=fish_owner, acting_as="owner")
    fish_order.refresh_from_db()
    assert refund_due(fish_order) == 220_000
    staff = make_staff()
    order_refund(fish_order, amount=220_000, actor=staff, acting_as="staff", reason="Hoàn về, người mua từ chối")

    # Still in the return window: nothing is payable yet.
    assert shop_balance(honey).payable == 0 and shop_balance(honey).pending == 216_700

    later = timezone.now() + datetime.timedelta(days=8)
    with freeze_time(later):
        client.force_login(staff)
        page = client.get("/dashboard/settlement/")
        assert page.status_code == 200
        first = payout_run_create(as_of=timezone.now(), actor=staff)
        again = payout_run_create(as_of=timezone.now(), actor=staff)
    # Hand-computed: honey 220.000 − 1 % VAT 2.200 − 0,5 % PIT 1.100; the cooperative is
    # not withheld; the returned fish order owes nothing (sale, refund and tax offsets net 0).
    assert {p.shop_id: p.amount for p in first.payouts} == {honey.pk: 216_700, shrimp.pk: 170_000}
    assert again.run is None and not again.payouts  # the same payout is not made twice
    assert shop_balance(fish).owed == 0
    for payout in first.payouts:
        payout_mark_paid(payout=payout, bank_reference=f"FT26{payout.pk:06d}", actor=staff)
    assert set(Payout.objects.values_list("status", flat=True)) == {"paid"}
    assert all(shop_balance(shop).owed == 0 for shop in (honey, fish, shrimp))

    # The month's withholding: 1 % and 0,5 % of the households' revenue minus returns.
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(f"/dashboard/tax/withholding.csv?month={month}")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = {row["shop_slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert list(csv.reader(io.StringIO(text)))[0] == [
        "shop_slug", "seller_name", "tax_code", "resident", "category", "revenue", "vat_withheld", "pit_withheld"]
    figures = {slug: (int(r["revenue"]), int(r["vat_withheld"]), int(r["pit_withheld"])) for slug, r in rows.items()}
    assert figures["ho-mat-ong"] == (220_000, 2_200, 1_100)
    assert figures["ho-kho-ca"] == (0, 0, 0)  # 220.000 sold, 220.000 came back
    assert figures.get("htx-tom-kho", (0, 0, 0))[1:] == (0, 0)
    revenue = sum(v[0] for slug, v in figures.items() if slug.startswith("ho-"))
    assert sum(v[1] for v in figures.values()) == revenue // 100
    assert sum(v[2] for v in figures.values()) == revenue // 200
