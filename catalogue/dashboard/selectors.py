"""Reads of the OCOP certificate review: the queue, its counts, one certificate's history."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from catalogue.certificates import certificates_expiring
from catalogue.models import OcopCertificate
from marketplace.core.models import AuditEvent


def certificate_review_list(*, status: str | None = None, expiring: bool = False) -> QuerySet:
    """Pending certificates first (oldest submission first), then the rest, newest first."""
    queryset = certificates_expiring() if expiring else OcopCertificate.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("product", "product__shop", "decided_by")
        .annotate(
            pending_first=Case(
                When(status=OcopCertificate.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "expires_on" if expiring else "-created_at", "pk")
    )


def certificate_status_counts() -> dict[str, int]:
    rows = OcopCertificate.objects.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def certificate_expiring_count() -> int:
    return certificates_expiring().count()


def certificate_history(*, certificate: OcopCertificate) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.filter(
            object_type=OcopCertificate._meta.label_lower, object_id=str(certificate.pk)
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
