"""Bank credits: what SePay's webhook and imported statements tell us arrived, and what it pays.

Every credit is kept (`BankCredit`). One whose memo carries exactly one purchase's or
order's transfer code (marketplace/payment/memo.py), paid into the right account, of exactly
the amount still due, marks it paid through the payment services (one conditional update per
order, `_debit` for each, audited). Anything else — no code, an unknown or ambiguous code,
too little, too much, a purchase no longer awaiting the transfer (cancelled meanwhile), the
wrong account — waits in the reconciliation queue (/dashboard/bank-credits/) with the bank's
reference, for staff to match by hand or close with a reason. Nothing is paid on a guess
(docs/decisions/0025-bank-credits.md).

A credit arrives once: inserting it is the dedupe (unique SePay id; unique bank reference
per bank and account), in the same transaction as the payment it causes, so twenty
deliveries of one credit at once insert one row and pay once.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.dates import EARLIEST_YEAR, LATEST_YEAR, VN
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.order.models import Order, PaymentMethod, Purchase
from marketplace.payment.memo import memo_readings
from marketplace.payment.models import BankCredit
from marketplace.payment.services import (
    PaymentError,
    TransferNotApplied,
    order_mark_paid,
    purchase_transfer_paid,
)
from marketplace.payment.transfer import payee_for, payee_of_order

MAX_AMOUNT = 10**13 - 1  # VietQR's amount field holds 13 digits; more is not a real transfer
MAX_TEXT = 2000
_ACCOUNT_NOISE = re.compile(r"[^0-9A-Za-z]")

Problem = BankCredit.Problem
Status = BankCredit.Status


class CreditRejected(Refused):
    """A credit we cannot record as given (missing field, not a whole positive amount…)."""


@dataclass(frozen=True)
class CreditData:
    """One bank movement, validated: from SePay's JSON or a statement row."""

    source: str
    gateway: str
    account_number: str
    reference_code: str
    amount: int
    transfer_type: str = "in"
    transaction_at: datetime | None = None
    sepay_id: int | None = None
    sub_account: str = ""
    accumulated: int | None = None
    code: str = ""
    content: str = ""
    description: str = ""
    extra: dict = field(default_factory=dict)


# --- input ---------------------------------------------------------------------------------

SEPAY_REQUIRED = ("id", "gateway", "transactionDate", "accountNumber", "content",
                  "transferType", "transferAmount", "referenceCode")


def _text(value, name: str, *, limit: int = MAX_TEXT, required: bool = False) -> str:
    if value is None:
        if required:
            raise CreditRejected(f"{name} is required")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise CreditRejected(f"{name} must be text")
    text = str(value).strip()
    if "\x00" in text:
        raise CreditRejected(f"{name} contains a NUL character")
    if required and not text:
        raise CreditRejected(f"{name} is required")
    if len(text) > limit:
        raise CreditRejected(f"{name} is longer than {limit} characters")
    return text


def whole_amount(value, name: str = "transferAmount") -> int:
    """A whole number of đồng, 0 < amount ≤ MAX_AMOUNT (JSON integer, or 150000.0)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CreditRejected(f"{name} must be a number")
    if isinstance(value, float):
        if not value.is_integer():
            raise CreditRejected(f"{name} must be a whole number of dong")
        value = int(value)
    if value <= 0 or value > MAX_AMOUNT:
        raise CreditRejected(f"{name} must be between 1 and {MAX_AMOUNT}")
    return value


def plausible_moment(moment: datetime, message: str = "") -> datetime:
    """A bank movement's time within the years the project handles (year 1 overflows on the
    way to UTC: a 500 instead of a clear refusal)."""
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise CreditRejected(message or f"transaction date must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return moment


def local_datetime(text: str) -> datetime:
    """SePay's "2023-03-25 14:02:37" (the bank's local time, Asia/Ho_Chi_Minh)."""
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"):
        try:
            moment = datetime.strptime(text, pattern).replace(tzinfo=VN)
        except ValueError:
            continue
        return plausible_moment(moment)
    raise CreditRejected("transactionDate must look like 2025-03-25 14:02:37")


def sepay_credit(payload) -> CreditData:
    """SePay's webhook body (a dict from JSON), validated; CreditRejected says what is wrong."""
    if not isinstance(payload, dict):
        raise CreditRejected("the body must be a JSON object")
    missing = [name for name in SEPAY_REQUIRED if name not in payload]
    if missing:
        raise CreditRejected("missing fields: " + ", ".join(missing))
    sepay_id = payload["id"]
    if isinstance(sepay_id, bool) or not isinstance(sepay_id, int) or not 0 < sepay_id < 2**63:
        raise CreditRejected("id must be a positive integer")
    transfer_type = _text(payload["transferType"], "transferType", required=True).lower()
    if transfer_type not in ("in", "out"):
        raise CreditRejected('transferType must be "in" or "out"')
    accumulated = payload.get("accumulated")
    if accumulated is not None and (
        isinstance(accumulated, bool) or not isinstance(accumulated, int | float)
        or abs(accumulated) > 10**15
    ):
        raise CreditRejected("accumulated must be a number")
    return CreditData(
        source=BankCredit.Source.WEBHOOK,
        sepay_id=sepay_id,
        gateway=_text(payload["gateway"], "gateway", limit=100, required=True),
        account_number=_text(payload["accountNumber"], "accountNumber", limit=32, required=True),
        sub_account=_text(payload.get("subAccount"), "subAccount", limit=64),
        reference_code=_text(payload["referenceCode"], "referenceCode", limit=128),
        transaction_at=local_datetime(_text(payload["transactionDate"], "transactionDate",
                                            limit=32, required=True)),
        transfer_type=transfer_type,
        amount=whole_amount(payload["transferAmount"]),
        accumulated=int(accumulated) if accumulated is not None else None,
        code=_text(payload.get("code"), "code", limit=255),
        content=_text(payload["content"], "content"),
        description=_text(payload.get("description"), "description"),
    )


# --- recording and matching ----------------------------------------------------------------

def credit_receive(data: CreditData) -> str:
    """Record a credit once and apply it. Returns "duplicate", "outgoing", "paid" or "review"."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                credit = BankCredit.objects.create(
                    source=data.source, sepay_id=data.sepay_id, gateway=data.gateway,
                    account_number=data.account_number, sub_account=data.sub_account,
                    reference_code=data.reference_code, transaction_at=data.transaction_at,
                    transfer_type=data.transfer_type, amount=data.amount,
                    accumulated=data.accumulated, code=data.code, content=data.content,
                    description=data.description,
                    status=Status.OUTGOING if data.transfer_type == "out" else Status.REVIEW,
                )
        except IntegrityError:
            return "duplicate"
        if credit.status == Status.OUTGOING:
            audit_record(action="bank_credit.outgoing", target=credit,
                         data={"amount": credit.amount, "reference": credit.reference_code})
            return "outgoing"
        return _apply(credit)


def _lookup(code: str):
    if "-" in code:
        return Order.objects.filter(number=code, purchase__isnull=False).first()
    return Purchase.objects.filter(number=code).first()


def credit_targets(credit: BankCredit) -> list:
    """The purchases and orders the credit's memo names (each once), in memo order."""
    targets: list = []
    for reading in memo_readings(credit.code, credit.content, credit.description):
        found = [target for target in map(_lookup, reading.codes) if target is not None]
        if reading.first_wins:
            found = found[:1]
        for target in found:
            if target not in targets:
                targets.append(target)
    return targets


def _same_account(a: str, b: str) -> bool:
    return _ACCOUNT_NOISE.sub("", a or "") == _ACCOUNT_NOISE.sub("", b or "")


def _expected_account(target) -> str:
    payee = payee_of_order(target) if isinstance(target, Order) else payee_for(None)
    return payee.account if payee is not None else ""


def _apply(credit: BankCredit) -> str:
    """Pay what the credit names, or say in the queue why not. Inside the caller's atomic."""
    targets = credit_targets(credit)
    if not targets:
        readings = memo_readings(credit.code, credit.content, credit.description)
        return _to_review(credit, Problem.UNKNOWN_CODE if readings else Problem.NO_CODE)
    if len(targets) > 1:
        return _to_review(credit, Problem.AMBIGUOUS)
    target = targets[0]
    link = {"order": target} if isinstance(target, Order) else {"purchase": target}
    expected = _expected_account(target)
    if expected and credit.account_number and not _same_account(expected, credit.account_number):
        return _to_review(credit, Problem.WRONG_ACCOUNT, **link)
    try:
        _pay(target, amount=credit.amount, reference=_reference(credit), exact=True)
    except TransferNotApplied as refusal:
        return _to_review(credit, refusal.problem, expected=refusal.due, **link)
    BankCredit.objects.filter(pk=credit.pk).update(status=Status.PAID, **link)
    audit_record(action="bank_credit.paid", target=credit,
                 data={"amount": credit.amount, "paid": str(target)})
    return "paid"


def _reference(credit: BankCredit) -> str:
    return f"{credit.gateway} {credit.reference_code or credit.sepay_id}".strip()


def _pay(target, *, amount: int, reference: str, exact: bool, actor=None,
         acting_as: str = AuditEvent.Capacity.SYSTEM, note: str = "") -> None:
    """Mark the purchase (its programme-payee orders) or the one order paid, or refuse."""
    if isinstance(target, Purchase):
        purchase_transfer_paid(target, amount=amount, reference=reference, actor=actor,
                               acting_as=acting_as, exact=exact, note=note)
        return
    # A shop's own account: its order alone (order_mark_paid, the shop's own "received").
    locked = Order.objects.select_for_update().filter(pk=target.pk).first()
    if locked is None or locked.payment_method != PaymentMethod.BANK_TRANSFER or (
        locked.payment_status != Order.PaymentStatus.AWAITING_TRANSFER
    ):
        raise TransferNotApplied(_("Đơn này không còn chờ chuyển khoản."), problem=Problem.NOT_AWAITED)
    due = int(locked.total_incl_tax)
    if exact and amount != due:
        raise TransferNotApplied(
            _("Số tiền chuyển khác số cần thu."),
            problem=Problem.UNDERPAID if amount < due else Problem.OVERPAID, due=due,
        )
    try:
        order_mark_paid(locked, actor=actor, acting_as=acting_as,
                        note=f"{reference} {note}".strip())
    except PaymentError as exc:  # lost a race with another "received" in between
        raise TransferNotApplied(str(exc), problem=Problem.NOT_AWAITED) from exc


def _to_review(credit: BankCredit, problem: str, *, expected=None, **link) -> str:
    BankCredit.objects.filter(pk=credit.pk).update(
        status=Status.REVIEW, problem=problem, expected_amount=expected, **link
    )
    audit_record(action="bank_credit.review", target=credit,
                 data={"amount": credit.amount, "problem": problem, "expected": expected,
                       "reference": credit.reference_code})
    return "review"


# --- staff decisions -------------------------------------------------------------------------

def credit_match(*, credit: BankCredit, number: str, actor, reason: str = "") -> BankCredit:
    """Staff say what a queued credit pays (a purchase or an order number); it is marked paid
    through the same services. An amount different from what is due needs a reason."""
    number = (number or "").strip()
    target = _lookup(number) if number else None
    if target is None:
        raise PaymentError(_("Không tìm thấy giao dịch mua hay đơn hàng số “%(number)s”.")
                           % {"number": number})
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = BankCredit.objects.select_for_update().filter(pk=credit.pk).first()
        if locked is None or locked.status != Status.REVIEW:
            raise PaymentError(_("Giao dịch này đã được xử lý."))
        try:
            _pay(target, amount=locked.amount, reference=_reference(locked), exact=not reason,
                 actor=actor, acting_as=AuditEvent.Capacity.PROGRAMME, note=reason)
        except TransferNotApplied as refusal:
            if refusal.problem in (Problem.UNDERPAID, Problem.OVERPAID):
                raise PaymentError(
                    _("%(why)s Nếu vẫn muốn ghi nhận (ví dụ: phần còn lại đã được hoàn hoặc chuyển "
                      "riêng), hãy ghi lý do.") % {"why": str(refusal)}
                ) from refusal
            raise PaymentError(str(refusal)) from refusal
        link = {"order": target, "purchase": None} if isinstance(target, Order) else {
            "purchase": target, "order": None}
        BankCredit.objects.filter(pk=locked.pk).update(
            status=Status.MATCHED, resolved_by=actor, resolved_at=timezone.now(),
            resolution_note=reason, **link,
        )
        audit_record(action="bank_credit.matched", actor=actor,
                     acting_as=AuditEvent.Capacity.PROGRAMME, target=locked, reason=reason,
                     data={"amount": locked.amount, "paid": number})
    credit.refresh_from_db()
    return credit


def credit_close(*, credit: BankCredit, actor, reason: str) -> BankCredit:
    """Staff close a queued credit without paying anything (refunded to the sender outside
    the system, not a buyer's payment…); the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Vui lòng nêu lý do đóng giao dịch."))
    with transaction.atomic():
        moved = BankCredit.objects.filter(pk=credit.pk, status=Status.REVIEW).update(
            status=Status.CLOSED, resolved_by=actor, resolved_at=timezone.now(),
            resolution_note=reason,
        )
        if not moved:
            raise PaymentError(_("Giao dịch này đã được xử lý."))
        audit_record(action="bank_credit.closed", actor=actor,
                     acting_as=AuditEvent.Capacity.PROGRAMME, target=credit, reason=reason,
                     data={"amount": credit.amount, "reference": credit.reference_code})
    credit.refresh_from_db()
    return credit


def webhook_key_matches(header: str) -> bool:
    """`Authorization: Apikey <BANK_WEBHOOK_API_KEY>`, compared in constant time."""
    expected = settings.BANK_WEBHOOK_API_KEY
    prefix = "Apikey "
    if not expected or not header.startswith(prefix):
        return False
    return hmac.compare_digest(header[len(prefix):].strip().encode(), expected.encode())
