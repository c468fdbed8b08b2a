"""Paying shops what they are owed: payout runs, a payout marked paid or cancelled.

- `payout_run_create`: what each shop may be paid as of a date becomes one pending payout
  per shop, its money set aside (payable → payout_pending) in the same transaction;
- `payout_mark_paid`: the bank confirmed the transfer (payout_pending → programme_cash),
  the shop's owners are told by mail after the commit;
- `payout_cancel`: the transfer was not made after all (payout_pending → payable), the
  shop's owners are told why.

Lock order (the same as the ledger's postings, docs/decisions/0027-settlement-and-payouts.md):
shop rows (Partner) in primary-key order, then the payout row. A run locks every shop it may
pay before reading any balance, so two staff making a run at once pay each shop once, and a
refund landing meanwhile (it locks the shop row too) is in this run or the next.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.ledger import notifications
from marketplace.ledger.models import Payout, PayoutRun
from marketplace.ledger.posting import (
    post_payout_cancelled,
    post_payout_paid,
    post_payout_reserved,
    release_due,
)
from marketplace.ledger.selectors import payable_as_of, shop_balances
from shops.models import Partner

ACTING_AS = AuditEvent.Capacity.PROGRAMME


class PayoutError(Refused):
    """A payout decision that cannot be taken (already paid, no bank reference…)."""


@dataclass
class Skipped:
    shop: Partner
    amount: int
    why: str  # "pending_payout" | "no_bank_account"

    @property
    def reason(self) -> str:
        if self.why == "pending_payout":
            return _("đang có khoản thanh toán chờ chuyển")
        return _("chưa khai báo tài khoản ngân hàng")


@dataclass
class RunResult:
    run: PayoutRun | None
    payouts: list[Payout] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(p.amount for p in self.payouts)


def _has_bank_account(shop: Partner) -> bool:
    return bool(shop.bank_bin and shop.bank_account_number and shop.bank_account_name)


def payout_run_create(*, as_of: datetime.datetime, actor, now: datetime.datetime | None = None,
                      note: str = "") -> RunResult:
    """Pay each shop what was payable `as_of` and still is (the smaller of the two).

    Money whose return window has passed is released first. Shops with a payout still
    pending, or without a bank account, are skipped and reported. No run is saved when
    nobody is paid (`RunResult.run` is None).
    """
    now = now or timezone.now()
    as_of = min(as_of, now)
    release_due(now=now)  # each release is its own transaction, before the run locks shops
    with transaction.atomic():
        # Which shops may be paid, read without locks; then each is locked and read again.
        maybe = [shop_id for shop_id, payable in payable_as_of(as_of=as_of).items() if payable > 0]
        shops = list(Partner.objects.select_for_update().filter(pk__in=maybe).order_by("pk"))
        ids = [shop.pk for shop in shops]
        owed_then = payable_as_of(as_of=as_of, shop_ids=ids)
        owed_now = shop_balances(shop_ids=ids)
        pending = set(
            Payout.objects.filter(shop_id__in=ids, status=Payout.Status.PENDING).values_list("shop_id", flat=True)
        )
        result = RunResult(run=None)
        for shop in shops:
            now_payable = owed_now[shop.pk].payable if shop.pk in owed_now else 0
            amount = min(owed_then.get(shop.pk, 0), now_payable)
            if amount <= 0:
                continue  # paid by a run that got the lock first, or refunded since
            if shop.pk in pending:
                result.skipped.append(Skipped(shop, amount, "pending_payout"))
                continue
            if not _has_bank_account(shop):
                result.skipped.append(Skipped(shop, amount, "no_bank_account"))
                continue
            if result.run is None:
                result.run = PayoutRun.objects.create(as_of=as_of, created_by=_user(actor), note=note[:255])
            payout = Payout.objects.create(
                run=result.run, shop=shop, amount=amount, bank_bin=shop.bank_bin,
                bank_account_number=shop.bank_account_number, bank_account_name=shop.bank_account_name,
            )
            post_payout_reserved(payout, at=now)
            result.payouts.append(payout)
        if result.run is not None:
            audit_record(
                action="payout_run.created", actor=actor, acting_as=ACTING_AS, target=result.run,
                data={"as_of": as_of.isoformat(), "payouts": len(result.payouts), "total": result.total,
                      "skipped": [s.shop.pk for s in result.skipped]},
            )
    return result


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def payout_mark_paid(*, payout: Payout, bank_reference: str, actor, now=None) -> Payout:
    """The bank made the transfer: record its reference (once; a second call is refused)."""
    reference = (bank_reference or "").strip()
    if not reference:
        raise PayoutError(_("Vui lòng nhập mã giao dịch của ngân hàng."))
    if len(reference) > 64:
        raise PayoutError(_("Mã giao dịch ngân hàng dài tối đa 64 ký tự."))
    now = now or timezone.now()
    with transaction.atomic():
        updated = Payout.objects.filter(pk=payout.pk, status=Payout.Status.PENDING).update(
            status=Payout.Status.PAID, bank_reference=reference, paid_at=now, paid_by=_user(actor)
        )
        if not updated:
            raise PayoutError(_("Khoản thanh toán này đã được xác nhận hoặc đã hủy."))
        payout.refresh_from_db()
        post_payout_paid(payout, reference=reference, at=now)
        audit_record(
            action="payout.paid", actor=actor, acting_as=ACTING_AS, shop=payout.shop, target=payout,
            data={"amount": payout.amount, "bank_reference": reference},
        )
        transaction.on_commit(lambda: notifications.payout_paid(payout))
    return payout


def payout_cancel(*, payout: Payout, reason: str, actor, now=None) -> Payout:
    """The transfer will not be made: the money is payable again, in the next run."""
    reason = (reason or "").strip()
    if not reason:
        raise PayoutError(_("Vui lòng ghi lý do."))
    now = now or timezone.now()
    with transaction.atomic():
        # The cancellation makes money payable again: the shop's row first, as a run does.
        Partner.objects.select_for_update().filter(pk=payout.shop_id).first()
        updated = Payout.objects.filter(pk=payout.pk, status=Payout.Status.PENDING).update(
            status=Payout.Status.CANCELLED
        )
        if not updated:
            raise PayoutError(_("Khoản thanh toán này đã được xác nhận hoặc đã hủy."))
        payout.refresh_from_db()
        post_payout_cancelled(payout, at=now)
        audit_record(
            action="payout.cancelled", actor=actor, acting_as=ACTING_AS, shop=payout.shop, target=payout,
            reason=reason, data={"amount": payout.amount},
        )
        transaction.on_commit(lambda: notifications.payout_cancelled(payout, reason))
    return payout
