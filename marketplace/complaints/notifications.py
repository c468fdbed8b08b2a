"""Who hears about a return or complaint case, and when.

The services call `complaint_event` once their transaction has committed; it only enqueues
`marketplace.complaints.tasks.complaint_mail` with the case's id and what happened, and the
task composes the mails when it runs (marketplace/complaints/mails.py), so a late mail tells
the case as it stands (docs/decisions/0012-background-tasks.md). A notice never breaks the
move that triggered it: a failure to enqueue is logged and swallowed.

- opened: the shop (its answer deadline);
- answered, refund_recorded: the buyer;
- agreed: the shop;
- escalated, decided: the buyer and the shop.
"""

from __future__ import annotations

import logging

from marketplace.complaints import tasks
from marketplace.complaints.models import Complaint

logger = logging.getLogger(__name__)


def complaint_event(complaint: Complaint, event: str) -> None:
    """Queue the mails of `event` about `complaint`."""
    try:
        tasks.complaint_mail.enqueue(complaint.pk, event)
    except Exception:  # noqa: BLE001 -- a mail must never undo the move that triggered it
        logger.exception("Complaint %s: enqueueing the %s mail failed", complaint.pk, event)
