"""One pending invitation per shop and address (case-insensitive), as a partial unique index.

Pending duplicates left by the race this closes are settled first: the newest stays pending,
older ones are revoked (their links stop working, as when the owner revokes one).
"""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower
from django.utils import timezone


def revoke_older_duplicates(apps, schema_editor):
    ShopInvitation = apps.get_model("partner", "ShopInvitation")
    seen = set()
    pending = (
        ShopInvitation.objects.filter(status="pending")
        .annotate(address=Lower("email")).order_by("shop_id", "address", "-created_at", "-pk")
    )
    older = []
    for invitation in pending.iterator():
        key = (invitation.shop_id, invitation.address)
        if key in seen:
            older.append(invitation.pk)
        seen.add(key)
    ShopInvitation.objects.filter(pk__in=older, status="pending").update(
        status="revoked", decided_at=timezone.now()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("partner", "0016_legal_representative"),
    ]

    operations = [
        migrations.RunPython(revoke_older_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="shopinvitation",
            constraint=models.UniqueConstraint(
                models.F("shop"), django.db.models.functions.text.Lower("email"),
                condition=models.Q(("status", "pending")),
                name="one_pending_invitation_per_address",
            ),
        ),
    ]
