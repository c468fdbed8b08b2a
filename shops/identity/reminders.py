"""Reminders to verify the shop's representative before (and after) the deadline.

`identity_reminders_send` is run daily by `manage.py identity_reminders`. Each approved shop
whose representative is not verified gets the latest stage due of
SELLER_IDENTITY_REMINDER_DAYS (days before the deadline; negative: after), once: the stage
is claimed by inserting an IdentityReminder row (unique per shop, deadline and stage) in
the transaction that queues the mail, so a second run, or two at once, send nothing more.
A day the command did not run is not made up for with several mails: only the latest stage
due goes out. A moved deadline (the setting) starts the stages again.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shops import notifications
from shops.identity.selectors import identity_deadline, shops_identity_unverified
from shops.models import IdentityReminder

logger = logging.getLogger(__name__)


def reminder_stage_due(*, today: datetime.date, deadline: datetime.date) -> int | None:
    """The stage (days before the deadline) whose day has come most lately, or None."""
    due = [
        days for days in settings.SELLER_IDENTITY_REMINDER_DAYS
        if deadline - datetime.timedelta(days=days) <= today
    ]
    return min(due) if due else None


def identity_reminders_send(*, today: datetime.date | None = None) -> int:
    """Queue the reminders due today; the number queued."""
    today = today or timezone.localdate()
    deadline = identity_deadline()
    stage = reminder_stage_due(today=today, deadline=deadline)
    if stage is None:
        return 0
    shops = (
        shops_identity_unverified()
        .exclude(identity_reminders__deadline=deadline, identity_reminders__days_before=stage)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for shop_id in list(shops):
        try:
            with transaction.atomic():
                IdentityReminder.objects.create(shop_id=shop_id, deadline=deadline, days_before=stage)
                notifications.identity_reminder(
                    shop_id=shop_id, days_before=stage, deadline=deadline, today=today
                )
        except IntegrityError:
            continue  # another run claimed it
        except Exception:  # one shop's failure must not stop the others
            logger.exception("Identity reminder for shop %s failed", shop_id)
            continue
        sent += 1
    return sent
