"""Announcing a change of the programme's fee, and telling every open shop about it.

- `fee_rate_announce`: the one way a new `FeeRate` is made. It refuses a start date sooner
  than FEE_CHANGE_NOTICE_DAYS after today (Viet Nam's date): the E-commerce Law 122/2025 asks
  a platform to give 20 days' notice of a fee change (docs/decisions/0034-published-rules.md).
  It records who announced it and when, audits it, and after the commit queues the notices.
- the shops are told by `marketplace/ledger/fee_notices.py` (a task queued after the commit,
  and `manage.py fee_change_notices`, daily, for shops approved since and mails that failed).

The posting (marketplace/ledger/posting.py:_fee) charges a sale at the rate in force on the
day it was paid, so an announced rate changes nothing before its date.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.dates import today_vn
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.ledger import notifications
from marketplace.ledger.models import FeeRate

MAX_BASIS_POINTS = 10_000


class FeeRateRefused(Refused):
    """A fee rate that cannot be announced (too soon, a date already taken, a bad rate)."""


def notice_days() -> int:
    return int(getattr(settings, "FEE_CHANGE_NOTICE_DAYS", 20))


def earliest_start(today: datetime.date | None = None) -> datetime.date:
    """The first day a fee announced today may apply from."""
    return (today or today_vn()) + datetime.timedelta(days=notice_days())


def fee_rate_announce(*, valid_from: datetime.date, basis_points: int, actor, category=None,
                      note: str = "", today: datetime.date | None = None) -> FeeRate:
    """A new fee of `basis_points` (1/100 of a per cent) for `category` (None: every
    category) from `valid_from`, announced now by `actor`; every open shop is e-mailed after
    the commit. Refused (FeeRateRefused) when `valid_from` is sooner than the notice period."""
    today = today or today_vn()
    first = earliest_start(today)
    if valid_from < first:
        raise FeeRateRefused(_(
            "Phí mới phải được báo trước ít nhất %(days)d ngày: ngày áp dụng sớm nhất là %(date)s."
        ) % {"days": notice_days(), "date": first.strftime("%d/%m/%Y")})
    if not 0 <= int(basis_points) <= MAX_BASIS_POINTS:
        raise FeeRateRefused(_("Mức phí phải từ 0 % đến 100 %."))
    try:
        with transaction.atomic():
            rate = FeeRate.objects.create(
                category=category, valid_from=valid_from, basis_points=int(basis_points),
                note=(note or "").strip()[:255], announced_at=timezone.now(),
                announced_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise FeeRateRefused(_(
            "Đã có mức phí cho %(what)s áp dụng từ %(date)s."
        ) % {"what": category.name if category else _("mọi sản phẩm"),
             "date": valid_from.strftime("%d/%m/%Y")}) from None
    audit_record(
        action="fee_rate.announced", actor=actor, acting_as=AuditEvent.Capacity.PROGRAMME,
        target=rate,
        data={"valid_from": valid_from.isoformat(), "basis_points": rate.basis_points,
              "category": category.pk if category else None},
    )
    transaction.on_commit(lambda: notifications.fee_rate_announced(rate), robust=True)
    return rate
