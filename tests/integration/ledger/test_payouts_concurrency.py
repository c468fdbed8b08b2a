"""Staff making payout runs at once, a refund landing during a run, one payout marked paid
twice at once: each shop is paid once and no money is lost.

Needs real row locks: run on PostgreSQL (DATABASE_URL=postgres://…); skipped on SQLite,
whose writers do not run concurrently the way the production database's do.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.ledger.models import Entry, Kind, Payout
from marketplace.ledger.payouts import PayoutError, payout_mark_paid, payout_run_create
from marketplace.ledger.posting import post_refund
from marketplace.ledger.selectors import shop_balances
from tests.concurrency import needs_postgresql, race
from tests.factories import make_staff
from tests.factories.ledger import NET_200K, money_shop, released_order

pytestmark = [pytest.mark.django_db(transaction=True), needs_postgresql]

CALLS = 6


def test_staff_making_runs_at_once_pay_each_shop_once():
    shops = [money_shop(f"htx-cung-luc-{i}") for i in range(4)]
    for shop in shops:
        released_order(shop)
    staff = [make_staff(f"canbo{i}@so-congthuong.vn") for i in range(CALLS)]

    results, _ = race([lambda s=s: payout_run_create(as_of=timezone.now(), actor=s) for s in staff], PayoutError)

    payouts = [p for result in results for p in result.payouts]
    assert sorted(p.shop_id for p in payouts) == sorted(s.pk for s in shops)
    assert all(p.amount == NET_200K for p in payouts)
    assert Payout.objects.count() == 4
    assert Entry.objects.filter(kind=Kind.PAYOUT).count() == 4
    balances = shop_balances(shop_ids=[s.pk for s in shops])
    assert {(b.payable, b.in_payout) for b in balances.values()} == {(0, NET_200K)}


@pytest.mark.parametrize("attempt", range(3))
def test_a_refund_landing_during_a_run_is_in_this_run_or_the_next(attempt):
    shop = money_shop(f"htx-hoan-{attempt}")
    order = released_order(shop)
    released_order(shop)
    staff = make_staff()

    def refund():
        with transaction.atomic():
            return post_refund(order, amount=100_000)  # −93.500 ₫ of the shop's payable money

    results, _ = race([lambda: payout_run_create(as_of=timezone.now(), actor=staff), refund], PayoutError)

    paid = sum(p.amount for p in Payout.objects.filter(shop=shop))
    left = shop_balances(shop_ids=[shop.pk])[shop.pk].payable
    assert paid in (2 * NET_200K, 2 * NET_200K - 93_500)  # before the refund, or after it
    assert paid + left == 2 * NET_200K - 93_500  # either way nothing is lost or paid twice
    assert Entry.objects.filter(kind=Kind.REFUND, order=order).count() == 1


def test_marking_one_payout_paid_twice_at_once_posts_once():
    shop = money_shop("htx-hai-lan")
    released_order(shop)
    staff = make_staff()
    [payout] = payout_run_create(as_of=timezone.now(), actor=staff).payouts

    results, refusals = race([
        lambda i=i: payout_mark_paid(payout=Payout.objects.get(pk=payout.pk), bank_reference=f"FT{i}",
                                     actor=staff)
        for i in range(CALLS)
    ], PayoutError)

    assert (len(results), len(refusals)) == (1, CALLS - 1)
    assert Entry.objects.filter(kind=Kind.PAYOUT_PAID).count() == 1
    assert Payout.objects.get(pk=payout.pk).bank_reference == results[0].bank_reference
    assert shop_balances(shop_ids=[shop.pk])[shop.pk].owed == 0


@pytest.mark.parametrize("attempt", range(3))
def test_a_refund_while_the_order_is_released_is_counted_once(attempt):
    """`post_refund` locks the order as `release_due` does: the refund comes out of the
    pending balance before the release moves it, or out of the payable balance after."""
    from datetime import timedelta

    from marketplace.ledger.posting import release_due
    from tests.factories.ledger import paid_order

    shop = money_shop(f"htx-giai-ngan-{attempt}")
    order = paid_order(shop, paid_at=timezone.now() - timedelta(days=30))  # delivered, window passed

    def refund():
        with transaction.atomic():
            return post_refund(order, amount=100_000)

    race([lambda: release_due(), refund], PayoutError)
    balance = shop_balances(shop_ids=[shop.pk])[shop.pk]
    order_pending = sum(
        e.amount if e.credit == "shop_pending" else -e.amount
        for e in Entry.objects.filter(order=order) if "shop_pending" in (e.debit, e.credit)
    )
    assert order_pending == 0  # nothing left stranded in (or below) pending
    assert balance.payable == NET_200K - 93_500
    assert Entry.objects.filter(kind=Kind.RELEASE, order=order).count() == 1
