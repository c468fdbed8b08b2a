"""The demo shops' money: ledger entries, money released after the return window, a payout
settled with a bank reference and one still waiting to be transferred.

The demo buyer's own purchases (services.DEMO_PURCHASES) already post ledger entries when
they are paid. For settlement to show something, a second demo customer buys by card from
two shops with their own bank account; both orders are delivered, their delivery dated one
return window ago (`COMPLAINT_WINDOW_DAYS`) so the money is released now, and a payout run
pays both: Yến sào Đất Mũi's payout is marked paid, Muối Bạc Liêu's waits for the transfer.
Made once: nothing is added while a demo payout exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from marketplace.ledger.models import Payout
from marketplace.ledger.payouts import payout_mark_paid, payout_run_create
from marketplace.ledger.posting import release_due
from marketplace.order.lifecycle import order_lines_transition
from marketplace.order.models import Order, Shipment
from marketplace.order.shipments import shipment_delivered, shipment_hand_over
from marketplace.order.statuses import OrderStatus
from marketplace.payment.services import purchase_card_paid
from shops.models import Partner

from . import catalogue_data as data

CUSTOMER_EMAIL = f"khach-quen@{data.DEMO_EMAIL_DOMAIN}"
SETTLED_SHOP = "yen-sao-dat-mui"
WAITING_SHOP = "cong-ty-cp-muoi-bac-lieu"
BANK_REFERENCE = "FT26DEMO0001"
# A household business (tax profile from marketplace/demo/tax.py): its card sale this month has
# VAT and PIT withheld, so /dashboard/tax/ and the shop's tax page have a row to show.
HOUSEHOLD_SHOP = "co-ba-gan"


def ensure_demo_money(users: dict, shops: dict[str, Partner], result, *, place: Callable) -> None:
    """`place(buyer, shops, method, [(shop code, quantity)])` places a purchase through the
    checkout (services._demo_purchase)."""
    if Payout.objects.filter(shop__code__in=[SETTLED_SHOP, WAITING_SHOP]).exists():
        return
    if not all(code in shops for code in (SETTLED_SHOP, WAITING_SHOP)):
        return
    customer, _ = get_user_model().objects.get_or_create(
        email=CUSTOMER_EMAIL,
        defaults={"username": CUSTOMER_EMAIL, "first_name": "Khách quen", "last_name": "(demo)",
                  "password": make_password(settings.DEMO_PASSWORD)},
    )
    purchase = place(customer, shops, "card", [(SETTLED_SHOP, 1), (WAITING_SHOP, 2)])
    purchase_card_paid(purchase, amount=purchase.total, reference=f"demo-{purchase.number}")
    window = datetime.timedelta(days=settings.COMPLAINT_WINDOW_DAYS)
    for order in Order.objects.filter(purchase=purchase).select_related("shop"):
        owner = users[f"seller-{order.shop.code}@{data.DEMO_EMAIL_DOMAIN}"]
        as_owner = {"actor": owner, "acting_as": "owner"}
        order_lines_transition(shop=order.shop, order=order, from_status=OrderStatus.PENDING,
                               to_status=OrderStatus.CONFIRMED, **as_owner)
        shipment = shipment_hand_over(shop=order.shop, order=order, carrier="self", **as_owner)
        shipment_delivered(shipment=shipment, **as_owner)
        # Delivered one return window ago: the money is released now, not in a week.
        Shipment.objects.filter(pk=shipment.pk).update(delivered_at=timezone.now() - window)
    release_due(now=timezone.now())
    staff = users.get(f"staff@{data.DEMO_EMAIL_DOMAIN}")
    run = payout_run_create(as_of=timezone.now(), actor=staff, note="Đợt thanh toán minh họa (demo)")
    for payout in run.payouts:
        if payout.shop.code == SETTLED_SHOP:
            payout_mark_paid(payout=payout, bank_reference=BANK_REFERENCE, actor=staff)
    result.created["payouts"] += len(run.payouts)
    if HOUSEHOLD_SHOP in shops:
        sale = place(customer, shops, "card", [(HOUSEHOLD_SHOP, 2)])
        purchase_card_paid(sale, amount=sale.total, reference=f"demo-{sale.number}")
