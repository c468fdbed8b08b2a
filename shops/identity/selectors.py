"""Reads of seller identity: the deadline, a shop's status against it, and the shops
programme staff must look at (docs/decisions/0033-seller-identity.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shops.models import LegalRepresentative, Partner

#: Shops whose representative is verified (a reverse one-to-one: a shop without one is not).
VERIFIED = Q(representative__verified_at__isnull=False)


def identity_deadline() -> datetime.date:
    """The date by which every shop's representative must be verified (a setting: the
    decree's date is reported, not final)."""
    return settings.SELLER_IDENTITY_DEADLINE


@dataclass(frozen=True)
class IdentityStatus:
    representative: LegalRepresentative | None
    deadline: datetime.date
    today: datetime.date

    @property
    def verified(self) -> bool:
        return self.representative is not None and self.representative.is_verified

    @property
    def days_left(self) -> int:
        """Days until the deadline; negative once it has passed."""
        return (self.deadline - self.today).days

    @property
    def overdue(self) -> bool:
        return not self.verified and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)


def shop_identity_status(*, shop: Partner, today: datetime.date | None = None) -> IdentityStatus:
    """Where the shop stands (one query)."""
    return IdentityStatus(
        representative=LegalRepresentative.objects.filter(shop=shop).select_related("verified_by").first(),
        deadline=identity_deadline(),
        today=today or timezone.localdate(),
    )


def shops_identity_unverified() -> QuerySet[Partner]:
    """Approved shops whose representative is not verified (or not given at all)."""
    return Partner.objects.approved().exclude(VERIFIED)


def identity_counts() -> dict[str, int]:
    """For the staff list: approved shops verified / not, and pending applications not
    verified yet (one query)."""
    return Partner.objects.aggregate(
        approved_verified=Count("pk", filter=Q(status=Partner.Status.APPROVED) & VERIFIED),
        approved_unverified=Count("pk", filter=Q(status=Partner.Status.APPROVED) & ~VERIFIED),
        pending_unverified=Count("pk", filter=Q(status=Partner.Status.PENDING) & ~VERIFIED),
    )
