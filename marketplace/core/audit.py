"""Write to the audit log. Every service that decides something calls `audit_record`."""

from __future__ import annotations

from django.db import models

from marketplace.core.models import AuditEvent


def audit_record(
    *,
    action: str,
    actor=None,
    acting_as: str = AuditEvent.Capacity.SYSTEM,
    shop=None,
    target: models.Model | None = None,
    reason: str = "",
    data: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        acting_as=acting_as,
        shop=shop,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        reason=reason,
        data=data or {},
    )
