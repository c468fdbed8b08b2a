"""What a shop is told about its OCOP certificates: the programme's decisions and the
warning before one expires.

Each function only enqueues a task of catalogue/tasks.py with the certificate's id; the
task finds the recipients (the shop's active owners) and sends when it runs
(docs/decisions/0012-background-tasks.md). A decision's mail is queued once the decision
has committed (catalogue/certificates.py calls it from `transaction.on_commit`); an expiry
warning is queued inside the transaction that claims it, so with the database task backend
the claim and the queued mail commit together.
"""

from __future__ import annotations

import datetime

from django_tasks import TaskResultStatus

from catalogue import tasks
from catalogue.models import OcopCertificate


def certificate_decided(certificate: OcopCertificate, decision: str) -> None:
    """Queue the mail of a decision: verified, rejected or revoked."""
    tasks.certificate_decision_mail.enqueue(certificate.pk, decision)


def certificate_expiry_warning(*, certificate_id: int, today: datetime.date) -> bool:
    """Queue the warning that the certificate expires soon.

    False when nothing was sent: the shop has nobody to warn (nothing is queued), or a
    backend that runs tasks at once (development, tests) could not send it.
    """
    certificate = tasks.certificate_load(certificate_id)
    if certificate is None or not tasks.certificate_recipients(certificate):
        return False
    result = tasks.certificate_expiry_warning_mail.enqueue(certificate.pk, today.isoformat())
    if not result.is_finished:
        return True  # a worker sends it
    return result.status == TaskResultStatus.SUCCESSFUL and bool(result.return_value)
