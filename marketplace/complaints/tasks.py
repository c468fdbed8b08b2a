"""E-mails about return and complaint cases as background tasks (django-tasks).

`marketplace.complaints.notifications` enqueues `complaint_mail` with the case's id; the task
loads the case when it runs (marketplace/complaints/mails.py).
"""

from __future__ import annotations

from django_tasks import task

from marketplace.complaints import mails


@task()
def complaint_mail(complaint_id: int, event: str) -> int:
    """Send the mails of `event`; returns how many went out."""
    return mails.send_complaint_event(complaint_id, event)
