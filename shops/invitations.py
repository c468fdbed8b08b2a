"""Invitations to work in a shop (shops.ShopInvitation): the owner's way to add a member.

The owner types an e-mail and a role; `invitation_send` answers the same whether the address
has an account or not, keeps only what was typed, and mails a link. The invitee, signed in
with that address, accepts (`invitation_accept`, which then calls `membership.member_add`) or
declines; the owner may revoke a pending one. Each change is a conditional UPDATE from
`pending` and is audited. A helper named in a shop's application is invited the same way when
programme staff approve the shop (shops/services.py:shop_approve): nobody joins a shop without
accepting. One invitation per shop and address waits at a time (a partial unique index backs
the check up); an invitee who is already a member is refused, the role unchanged.
docs/decisions/0030-shop-invitations-and-account-enumeration.md.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused
from marketplace.core.models import AuditEvent
from marketplace.core.ratelimit import hit
from shops import notifications
from shops.membership import member_add
from shops.models import Partner, ShopInvitation, ShopMember

#: the roles an owner may invite; owners are made by the programme, not by invitation
INVITABLE_ROLES = (ShopMember.Role.STAFF, ShopMember.Role.HELPER)

class InvitationError(Refused):
    """The invitation cannot be sent or answered; the message says why (Vietnamese)."""


def invitation_is_open(invitation: ShopInvitation) -> bool:
    return invitation.status == ShopInvitation.Status.PENDING and invitation.expires_at > timezone.now()


def _check_limits(*, shop: Partner, actor) -> None:
    """Per shop and per owner per day (settings.SHOP_INVITATION_LIMITS); both are counted."""
    limits = settings.SHOP_INVITATION_LIMITS
    by_shop = hit("shop_invitation_shop", str(shop.pk), limits["shop"])
    by_owner = hit("shop_invitation_owner", str(getattr(actor, "pk", "")), limits["owner"])
    if not (by_shop.allowed and by_owner.allowed):
        hours = -(-max(by_shop.retry_after, by_owner.retry_after) // 3600)
        raise InvitationError(
            _("Đã gửi quá nhiều lời mời trong hôm nay. Hãy thử lại sau khoảng %(hours)d giờ.")
            % {"hours": hours}
        )


@transaction.atomic
def invitation_send(
    *, shop: Partner, email: str, role: str, consent_note: str, actor, acting_as: str
) -> ShopInvitation:
    """Invite `email` to the shop in `role` and mail it a link; nothing about any account is read."""
    if role not in INVITABLE_ROLES:
        raise InvitationError(_("Vai trò không hợp lệ."))
    email = email.strip()
    if (
        ShopInvitation.objects.filter(
            shop=shop, email__iexact=email, status=ShopInvitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        ).exists()
    ):
        raise _pending_refusal()
    _check_limits(shop=shop, actor=actor)
    return invitation_create(
        shop=shop, email=email, role=role, consent_note=consent_note, actor=actor,
        acting_as=acting_as,
    )


def _pending_refusal() -> InvitationError:
    return InvitationError(
        _("Địa chỉ này đã có một lời mời đang chờ. Hãy thu hồi lời mời cũ nếu muốn gửi lại.")
    )


def invitation_create(
    *, shop: Partner, email: str, role: str, consent_note: str, actor, acting_as: str
) -> ShopInvitation:
    """Record the invitation and mail it once committed (no role or limit checks: callers do;
    programme staff use it at approval for a helper named in the application).

    Raises InvitationError when the address already has an open invitation to the shop, also
    when one was written a moment ago by a concurrent request (the partial unique index
    `one_pending_invitation_per_address`)."""
    email = email.strip()
    # A pending one past its expiry still holds the index's slot: written down as expired first.
    ShopInvitation.objects.filter(
        shop=shop, email__iexact=email, status=ShopInvitation.Status.PENDING,
        expires_at__lte=timezone.now(),
    ).update(status=ShopInvitation.Status.EXPIRED)
    nonce = secrets.token_urlsafe(32)
    invitation = ShopInvitation(
        shop=shop, email=email, role=role, consent_note=consent_note.strip(), nonce=nonce,
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + timedelta(days=settings.SHOP_INVITATION_DAYS),
    )
    invitation.token_hash = ShopInvitation.hash_token(invitation.link_token())
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise _pending_refusal() from None
    audit_record(
        action="shop.member_invited", actor=actor, acting_as=acting_as, shop=shop,
        target=invitation, data={"email": email, "role": role, "consent_note": invitation.consent_note},
    )
    transaction.on_commit(lambda: notifications.shop_invitation_sent(invitation))
    return invitation


def invitation_for_token(*, token: str, user) -> ShopInvitation | None:
    """The invitation of `token` when it was sent to `user`'s e-mail (case-insensitive), else None."""
    if not token or not getattr(user, "is_authenticated", False) or not user.email:
        return None
    invitation = (
        ShopInvitation.objects.select_related("shop", "invited_by")
        .filter(token_hash=ShopInvitation.hash_token(token)).first()
    )
    if invitation is None or invitation.email.casefold() != user.email.casefold():
        return None
    return invitation


def invitation_expire_if_due(invitation: ShopInvitation) -> None:
    """Write down that a pending invitation is past its expiry (it already counts as expired)."""
    ShopInvitation.objects.filter(
        pk=invitation.pk, status=ShopInvitation.Status.PENDING, expires_at__lte=timezone.now()
    ).update(status=ShopInvitation.Status.EXPIRED)


def _refusal(invitation: ShopInvitation) -> InvitationError:
    invitation.refresh_from_db()
    messages = {
        ShopInvitation.Status.ACCEPTED: _("Lời mời này đã được chấp nhận."),
        ShopInvitation.Status.DECLINED: _("Lời mời này đã bị từ chối."),
        ShopInvitation.Status.REVOKED: _("Chủ cửa hàng đã thu hồi lời mời này."),
        ShopInvitation.Status.EXPIRED: _("Lời mời này đã hết hạn. Hãy nhờ chủ cửa hàng gửi lại."),
    }
    return InvitationError(messages.get(invitation.status, _("Lời mời này không còn hiệu lực.")))


def _decide(invitation: ShopInvitation, *, to: str, by) -> None:
    """pending → `to`, only while pending and not past its expiry; refused otherwise."""
    invitation_expire_if_due(invitation)
    now = timezone.now()
    changed = ShopInvitation.objects.filter(
        pk=invitation.pk, status=ShopInvitation.Status.PENDING, expires_at__gt=now
    ).update(status=to, decided_at=now, decided_by=by)
    if not changed:
        raise _refusal(invitation)
    invitation.status, invitation.decided_at, invitation.decided_by = to, now, by


@transaction.atomic
def invitation_accept(*, invitation: ShopInvitation, user) -> ShopMember:
    """The invitee joins the shop: only now is the membership created (and order mails start).

    Someone already working in the shop is refused and keeps their role: the invitation stays
    pending (they may decline it; the owner may revoke it). A role changes only by the owner
    revoking the membership and inviting again (ADR 0030)."""
    if invitation.email.casefold() != (user.email or "").casefold():
        raise InvitationError(_("Lời mời này không dành cho tài khoản của bạn."))
    _decide(invitation, to=ShopInvitation.Status.ACCEPTED, by=user)
    # After the decision (so a used or expired link says so); raising rolls the decision back.
    current = ShopMember.objects.active().filter(shop=invitation.shop_id, user=user).first()
    if current is not None:
        invitation.status, invitation.decided_at, invitation.decided_by = (
            ShopInvitation.Status.PENDING, None, None,
        )
        raise InvitationError(
            _("Bạn đã là thành viên của cửa hàng này với vai trò %(current)s, nên lời mời làm "
              "%(invited)s không được áp dụng và vai trò của bạn không thay đổi. Nếu cần đổi vai "
              "trò, hãy nhờ chủ cửa hàng thu hồi quyền hiện tại rồi mời lại.")
            % {"current": current.get_role_display(), "invited": invitation.get_role_display()}
        )
    member = member_add(
        shop=invitation.shop, user=user, role=invitation.role, granted_by=invitation.invited_by,
        acting_as=AuditEvent.Capacity.OWNER, consent_note=invitation.consent_note,
    )
    ShopInvitation.objects.filter(pk=invitation.pk).update(member=member)
    invitation.member = member
    audit_record(
        action="shop.invitation_accepted", actor=user, acting_as=AuditEvent.Capacity.SYSTEM,
        shop=invitation.shop, target=invitation, data={"email": invitation.email, "role": invitation.role},
    )
    return member


@transaction.atomic
def invitation_decline(*, invitation: ShopInvitation, user) -> ShopInvitation:
    if invitation.email.casefold() != (user.email or "").casefold():
        raise InvitationError(_("Lời mời này không dành cho tài khoản của bạn."))
    _decide(invitation, to=ShopInvitation.Status.DECLINED, by=user)
    audit_record(
        action="shop.invitation_declined", actor=user, acting_as=AuditEvent.Capacity.SYSTEM,
        shop=invitation.shop, target=invitation, data={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, shop: Partner, invitation: ShopInvitation, actor, acting_as: str) -> ShopInvitation:
    """The owner withdraws a pending invitation; the link stops working."""
    if invitation.shop_id != shop.pk:
        raise InvitationError(_("Lời mời không thuộc cửa hàng này."))
    _decide(invitation, to=ShopInvitation.Status.REVOKED, by=actor)
    audit_record(
        action="shop.invitation_revoked", actor=actor, acting_as=acting_as, shop=shop,
        target=invitation, data={"email": invitation.email},
    )
    return invitation
