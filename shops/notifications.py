"""What a shop's people are told about the shop: its application received, and each of the
programme's decisions on it (approved, rejected, suspended, reinstated).

The services call these once their transaction has committed (`transaction.on_commit`);
each only enqueues `shops.tasks.shop_event_mail` with the shop's id, which finds the
recipients and sends when it runs (docs/decisions/0012-background-tasks.md).
"""

from __future__ import annotations

from shops import tasks
from shops.models import Partner, ShopInvitation


def shop_applied(shop: Partner) -> None:
    """Queue the applicant's acknowledgement of the application."""
    tasks.shop_event_mail.enqueue(shop.pk, "applied")


def shop_decided(shop: Partner, decision: str) -> None:
    """Queue the mail of a decision: approved, rejected, suspended or reinstated."""
    tasks.shop_event_mail.enqueue(shop.pk, decision)


def shop_invitation_sent(invitation: ShopInvitation) -> None:
    """Queue the invitation's mail to the address the owner typed (with the link)."""
    tasks.shop_invitation_mail.enqueue(invitation.pk)
def identity_reminder(*, shop_id: int, days_before: int, deadline, today) -> None:
    """Queue the reminder to verify the shop's representative (shops/identity/reminders.py)."""
    tasks.identity_reminder_mail.enqueue(shop_id, days_before, deadline.isoformat(), today.isoformat())
