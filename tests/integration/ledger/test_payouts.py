"""Payout runs, a payout marked paid or cancelled (marketplace/ledger/payouts.py).

Amounts by hand: each 200.000 ₫ card order leaves a household shop 187.000 ₫ (conftest).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from marketplace.core.models import AuditEvent
from marketplace.ledger.models import Entry, Kind, Payout, PayoutRun
from marketplace.ledger.payouts import (
    PayoutError,
    payout_cancel,
    payout_mark_paid,
    payout_run_create,
)
from marketplace.ledger.posting import post_refund
from marketplace.ledger.selectors import shop_balance
from tests.factories import make_staff
from tests.factories.ledger import DAY, NET_200K, money_shop, paid_order, released_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return make_staff()


def test_a_run_pays_what_is_payable_and_sets_it_aside(staff):
    shop = money_shop("htx-mat-ong")
    released_order(shop)
    released_order(shop, price=100_000)  # 100.000 − 5.000 − 1.000 − 500 = 93.500
    paid_order(shop)  # delivered today: still in its return window

    result = payout_run_create(as_of=timezone.now(), actor=staff)

    [payout] = result.payouts
    assert payout.amount == NET_200K + 93_500 == 280_500
    assert (payout.bank_bin, payout.bank_account_number, payout.bank_account_name) == (
        "970436", "0011001234567", "HTX htx-mat-ong")
    balance = shop_balance(shop)
    assert (balance.payable, balance.in_payout, balance.pending) == (0, 280_500, NET_200K)
    assert Entry.objects.get(payout=payout, kind=Kind.PAYOUT).amount == 280_500
    assert AuditEvent.objects.filter(action="payout_run.created", actor=staff).count() == 1


def test_money_released_after_the_date_waits_for_the_next_run(staff):
    shop = money_shop("htx-tom-kho")
    now = timezone.now()
    released_order(shop, paid_at=now - 30 * DAY)  # payable from 23 days ago
    released_order(shop, paid_at=now - 10 * DAY)  # payable from 3 days ago

    result = payout_run_create(as_of=now - 5 * DAY, actor=staff)

    assert [p.amount for p in result.payouts] == [NET_200K]
    assert shop_balance(shop).payable == NET_200K  # the second order's money, for next time


def test_a_run_releases_money_whose_window_has_passed_first(staff):
    shop = money_shop("htx-ca-kho")
    paid_order(shop, paid_at=timezone.now() - 30 * DAY)  # not released by anyone yet
    result = payout_run_create(as_of=timezone.now(), actor=staff)
    assert [p.amount for p in result.payouts] == [NET_200K]


def test_shops_without_a_bank_account_or_with_a_pending_payout_are_skipped_and_reported(staff):
    no_bank = money_shop("htx-khong-tk", bank=False)
    waiting = money_shop("htx-dang-cho")
    released_order(no_bank)
    released_order(waiting)
    first = payout_run_create(as_of=timezone.now(), actor=staff)
    assert [(s.shop, s.why, s.amount) for s in first.skipped] == [(no_bank, "no_bank_account", NET_200K)]
    released_order(waiting)  # more money while the first payout is still pending

    second = payout_run_create(as_of=timezone.now(), actor=staff)

    assert second.run is None and second.payouts == []
    assert {(s.shop.code, s.why) for s in second.skipped} == {
        ("htx-khong-tk", "no_bank_account"), ("htx-dang-cho", "pending_payout")}
    assert PayoutRun.objects.count() == 1


def test_nothing_to_pay_saves_no_run(staff):
    money_shop("htx-trong")
    assert payout_run_create(as_of=timezone.now(), actor=staff).run is None
    assert not PayoutRun.objects.exists()


def test_marking_paid_moves_the_money_out_once_and_mails_the_owner(staff, django_capture_on_commit_callbacks):
    shop = money_shop("htx-chuoi")
    released_order(shop)
    [payout] = payout_run_create(as_of=timezone.now(), actor=staff).payouts

    with django_capture_on_commit_callbacks(execute=True):
        payout_mark_paid(payout=payout, bank_reference=" FT2634100123 ", actor=staff)

    payout.refresh_from_db()
    assert (payout.status, payout.bank_reference, payout.paid_by) == ("paid", "FT2634100123", staff)
    assert shop_balance(shop).owed == 0
    paid = Entry.objects.get(payout=payout, kind=Kind.PAYOUT_PAID)
    assert (paid.amount, paid.reference) == (NET_200K, "FT2634100123")
    [message] = mail.outbox
    assert message.to == [shop.owner.email]
    assert "187.000 ₫" in message.body and "FT2634100123" in message.body
    assert f"OCOP TT {payout.pk}" in message.body
    with pytest.raises(PayoutError):
        payout_mark_paid(payout=payout, bank_reference="FT-KHAC", actor=staff)
    assert Entry.objects.filter(kind=Kind.PAYOUT_PAID).count() == 1


@pytest.mark.parametrize("reference", ["", "   ", "x" * 65])
def test_a_bank_reference_is_required(staff, reference):
    shop = money_shop("htx-ref")
    released_order(shop)
    [payout] = payout_run_create(as_of=timezone.now(), actor=staff).payouts
    with pytest.raises(PayoutError):
        payout_mark_paid(payout=payout, bank_reference=reference, actor=staff)
    assert Payout.objects.get(pk=payout.pk).status == "pending"


def test_a_cancelled_payout_is_payable_again_in_the_next_run(staff, django_capture_on_commit_callbacks):
    shop = money_shop("htx-huy")
    released_order(shop)
    [payout] = payout_run_create(as_of=timezone.now(), actor=staff).payouts
    with pytest.raises(PayoutError):
        payout_cancel(payout=payout, reason=" ", actor=staff)

    with django_capture_on_commit_callbacks(execute=True):
        payout_cancel(payout=payout, reason="Sai số tài khoản", actor=staff)

    [message] = mail.outbox
    assert message.to == [shop.owner.email] and "Sai số tài khoản" in message.body
    assert "187.000 ₫" in message.body and "đã bị hủy" in message.subject

    assert shop_balance(shop).payable == NET_200K
    with pytest.raises(PayoutError):
        payout_mark_paid(payout=payout, bank_reference="FT1", actor=staff)
    [again] = payout_run_create(as_of=timezone.now(), actor=staff).payouts
    assert again.amount == NET_200K and again.pk != payout.pk
    assert AuditEvent.objects.get(action="payout.cancelled").reason == "Sai số tài khoản"


def test_a_refund_after_the_run_is_taken_from_the_next_one(staff):
    """A negative balance is carried: the shop is paid less next time, never charged."""
    shop = money_shop("htx-hoan")
    order = released_order(shop)
    [first] = payout_run_create(as_of=timezone.now(), actor=staff).payouts
    with transaction.atomic():
        post_refund(order, amount=100_000)  # the fee, VAT and PIT on it come back: −93.500
    assert shop_balance(shop).payable == -93_500
    assert payout_run_create(as_of=timezone.now(), actor=staff).run is None  # nothing while negative

    released_order(shop)  # +187.000
    payout_mark_paid(payout=first, bank_reference="FT1", actor=staff)
    [second] = payout_run_create(as_of=timezone.now(), actor=staff).payouts

    assert second.amount == NET_200K - 93_500 == 93_500
    assert first.amount + second.amount == 2 * NET_200K - 93_500


def test_cod_fees_make_the_balance_negative_until_netted(staff):
    """On money the shop collected itself the platform owes nothing; its fee is owed back."""
    shop = money_shop("htx-cod")
    released_order(shop, route="cod")  # the fee 10.000 ₫ (no tax withheld on COD by default)
    assert shop_balance(shop).payable == -10_000
    assert shop_balance(shop).collected_self == 200_000
    released_order(shop)
    [payout] = payout_run_create(as_of=timezone.now(), actor=staff).payouts
    assert payout.amount == NET_200K - 10_000
