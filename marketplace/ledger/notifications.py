"""Who hears about the shop's money: its owners, when a payout has been transferred or
cancelled (with the reason staff gave), and every open shop when a fee change is announced.

The services call these once their transaction has committed (`transaction.on_commit`);
each only enqueues `marketplace.ledger.tasks.payout_mail` with the payout's id
(docs/decisions/0012-background-tasks.md). A notice never undoes the move that triggered it.
"""

from __future__ import annotations

import logging

from marketplace.ledger import tasks
from marketplace.ledger.models import FeeRate, Payout

logger = logging.getLogger(__name__)


def payout_paid(payout: Payout) -> None:
    """Queue the mail telling the shop's owners the transfer was made."""
    _enqueue(payout)


def payout_cancelled(payout: Payout, reason: str) -> None:
    """Queue the mail telling the shop's owners why the payout will not be made."""
    _enqueue(payout, reason)


def _enqueue(payout: Payout, reason: str = "") -> None:
    try:
        tasks.payout_mail.enqueue(payout.pk, reason)
    except Exception:  # noqa: BLE001 -- a mail must never undo the payment it reports
        logger.exception("Payout %s: enqueueing its mail failed", payout.pk)


def fee_rate_announced(rate: FeeRate) -> None:
    """Queue the mails telling every open shop about the new fee (fee_notices.py)."""
    try:
        tasks.fee_change_notices.enqueue(rate.pk)
    except Exception:  # noqa: BLE001 -- the daily `fee_change_notices` run sends them then
        logger.exception("Fee rate %s: enqueueing its notices failed", rate.pk)
