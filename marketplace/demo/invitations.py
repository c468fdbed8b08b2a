"""The demo's shop invitations: one pending invitation on the first demo shop, so its owner's
members page (/seller/<shop>/members/) shows the "Lời mời đang chờ" list with a revoke button.

The invited address has no account (like most real invitees); its mail is not sent (the demo
loader sends no mail). The demo's accepted members are the community helper of two household
shops (marketplace/demo/services.py). Idempotent: nothing is added while the shop already has
an invitation to that address.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from shops.models import Partner, ShopInvitation, ShopMember

INVITED_EMAIL = "nhanvien-moi@demo.ocop.vn"
#: demo invitations are kept open longer than real ones, so a demo loaded today still shows one
DEMO_INVITATION_DAYS = 365


def ensure_demo_invitations(owner_email: str, shop: Partner, result) -> None:
    """Add the pending invitation when missing (counted in `result.created["invitations"]`)."""
    if ShopInvitation.objects.filter(shop=shop, email=INVITED_EMAIL).exists():
        return
    owner = ShopMember.objects.active().filter(
        shop=shop, role=ShopMember.Role.OWNER, user__email=owner_email
    ).select_related("user").first()
    invitation = ShopInvitation(
        shop=shop, email=INVITED_EMAIL, role=ShopMember.Role.STAFF,
        invited_by=owner.user if owner else None, nonce=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(days=DEMO_INVITATION_DAYS),
    )
    invitation.token_hash = ShopInvitation.hash_token(invitation.link_token())
    invitation.save()
    result.created["invitations"] += 1
