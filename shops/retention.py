"""How long a shop application's document is kept, and deleting it afterwards.

The document (a business-registration or OCOP certificate, never an ID card) is needed for the
programme's decision on the application only. It is kept until that decision plus
`settings.APPLICATION_DOCUMENT_RETENTION_DAYS` (PDP Law 91/2025, storage limitation; ADR 0031),
then `application_documents_purge` — run daily by `manage.py shops_purge_application_documents`
— deletes the file from storage and clears the field, with an audit event.

Order of the two steps, so that a failure midway leaves nothing behind: the file is deleted
first, then the row is cleared in a short transaction. A crash in between leaves a row pointing
at a missing file (staff get a 404 for it, which already happens for a lost file), and the next
run deletes again (a no-op in every storage) and clears the row: the purge is resumable. The
other order (clear, then delete on commit) could leave a file no row points to, kept forever.
Running twice, or two runs at once, is safe: the clearing is a conditional UPDATE and only the
run that clears a row records the audit event.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.core.audit import audit_record
from shops.models import Partner

PURGED_ACTION = "shop.application_document_purged"


def application_documents_due(*, now: datetime.datetime):
    """Shops decided (approved, rejected or suspended since) longer ago than the retention
    period that still hold an application document. A pending application keeps its document."""
    cutoff = now - datetime.timedelta(days=settings.APPLICATION_DOCUMENT_RETENTION_DAYS)
    return (
        Partner.objects.exclude(status=Partner.Status.PENDING)
        .exclude(application_document="")
        .filter(Q(status_changed_at__lte=cutoff) | Q(status_changed_at__isnull=True))
    )


def application_documents_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete every document past its retention; return how many rows were cleared."""
    now = now or timezone.now()
    storage = Partner._meta.get_field("application_document").storage
    purged = 0
    due = application_documents_due(now=now).values_list("pk", "application_document").order_by("pk")
    for shop_id, name in list(due):
        storage.delete(name)  # missing already (an earlier, interrupted run): nothing happens
        with transaction.atomic():
            cleared = (
                Partner.objects.filter(pk=shop_id, application_document=name)
                .exclude(status=Partner.Status.PENDING)
                .update(application_document="", application_document_purged_at=now)
            )
            if cleared:
                shop = Partner.objects.get(pk=shop_id)
                audit_record(
                    action=PURGED_ACTION, shop=shop, target=shop,
                    reason="APPLICATION_DOCUMENT_RETENTION_DAYS",
                    data={"file": name, "kind": shop.application_document_kind,
                          "retention_days": settings.APPLICATION_DOCUMENT_RETENTION_DAYS},
                )
                purged += 1
    return purged
