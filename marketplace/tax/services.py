"""Writing a shop's tax profile (the seller workspace's owner, or programme staff).

Only the number of an ID card is kept, never an image of it (Decree 356/2025: ID images are
sensitive personal data; the tax office needs only the number).
"""

from __future__ import annotations

from django.db import transaction

from marketplace.core.audit import audit_record
from marketplace.tax.models import TaxProfile

FIELDS = ("seller_type", "tax_code", "seller_name", "resident", "business_group")


def tax_profile_save(*, shop, data: dict, actor, acting_as: str) -> TaxProfile:
    """Create or update the shop's profile from validated `data` (the FIELDS); the audit log
    records what changed (the tax code itself is not copied into the log)."""
    with transaction.atomic():
        # The shop's row is the lock: two first saves at once would both insert otherwise.
        type(shop).objects.select_for_update().filter(pk=shop.pk).first()
        profile = TaxProfile.objects.filter(shop=shop).first() or TaxProfile(shop=shop)
        before = {name: getattr(profile, name) for name in FIELDS} if profile.pk else {}
        for name in FIELDS:
            setattr(profile, name, data[name])
        profile.full_clean(exclude=["shop"])
        profile.save()
        changed = sorted(name for name in FIELDS if before.get(name) != getattr(profile, name))
        audit_record(
            action="tax.profile_saved", actor=actor, acting_as=acting_as, shop=shop, target=profile,
            data={"changed": changed, "seller_type": profile.seller_type},
        )
    return profile
