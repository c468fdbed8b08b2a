"""Shop onboarding, the programme's decisions on shops, and the shop's own settings.

A signed-in user applies (`shop_apply`); programme staff approve, reject, suspend and
reinstate (`shop_approve`, `shop_reject`, `shop_suspend`, `shop_reinstate`). Each
decision is a conditional status transition under `SELECT … FOR UPDATE`, is written to
the audit log, has the applicant and the shop's owners e-mailed after commit
(shops/notifications.py), and keeps the search index in step with what buyers may see.

The shop's owner sets the bank account buyers' transfers go to (`shop_bank_account_save`).
Members are in shops/membership.py, shipping options in shops/shipping.py.
"""

from __future__ import annotations

import logging
from functools import partial

from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused, require_reason
from marketplace.core.models import AuditEvent
from marketplace.core.sanitize import sanitize_html
from marketplace.core.text import slugify_vi
from shops import notifications
from shops.identity.services import representative_save
from shops.invitations import InvitationError, invitation_create
from shops.membership import member_add
from shops.models import LegalRepresentative, Partner, ShopMember

logger = logging.getLogger(__name__)

#: Codes that would shadow a page under /shops/ or /dashboard/shops/.
RESERVED_CODES = frozenset({"apply", "fulfilment"})
APPLIED_ACTION = "shop.applied"


class ShopApplicationError(Refused):
    """The application cannot be accepted (e.g. one is already waiting)."""


class ShopDecisionError(Refused):
    """The decision does not apply to the shop's current status."""


class ShopSettingsError(Refused):
    """The shop's settings cannot be saved as given (e.g. a bank account half filled in)."""


# --- applying ---------------------------------------------------------------


def _code_candidates(name: str):
    base = (slugify_vi(name) or "cua-hang")[:120].strip("-") or "cua-hang"
    if base not in RESERVED_CODES:
        yield base
    n = 2
    while True:
        yield f"{base}-{n}"
        n += 1


def _free_code(name: str) -> str:
    taken = set(
        Partner.objects.filter(code__startswith=(slugify_vi(name) or "cua-hang")[:120]).values_list(
            "code", flat=True
        )
    )
    for candidate in _code_candidates(name):
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def shop_apply(
    *,
    applicant,
    name: str,
    producer_type: str,
    legal_name: str,
    registration_number: str,
    phone: str,
    commune_code: int,
    street_address: str,
    application_document: File,
    application_document_kind: str = "",
    zalo_phone: str = "",
    description: str = "",
    logo: File | None = None,
    helper=None,
    helper_email: str = "",
    helper_consent_note: str = "",
    representative: dict | None = None,
) -> Partner:
    """Create a pending shop applied for by `applicant`, who becomes its owner.

    A helper named in the application (an account `helper`, or an address `helper_email`,
    with the owner's consent) is kept in the audit event and is invited when the programme
    approves the shop, joining only on accepting; no account is looked up (ADR 0030).

    `representative` ({full_name, birth_date, id_kind, id_number}) is the shop's legal
    representative as the applicant declares it, not verified yet (shops/identity/).
    Raises ShopApplicationError when the applicant already has a pending application.
    """
    User = get_user_model()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                # Lock the applicant's row: two submits of the same form run one after the other.
                User.objects.select_for_update().filter(pk=applicant.pk).first()
                if Partner.objects.filter(
                    applicant=applicant, status=Partner.Status.PENDING
                ).exists():
                    raise ShopApplicationError(
                        _(
                            "Bạn đã có một đơn đăng ký đang chờ duyệt. Vui lòng chờ kết quả trước khi gửi đơn mới."
                        )
                    )
                shop = Partner(
                    name=name.strip(),
                    code=_free_code(name),
                    status=Partner.Status.PENDING,
                    status_changed_at=timezone.now(),
                    producer_type=producer_type,
                    legal_name=legal_name.strip(),
                    registration_number=registration_number.strip(),
                    phone=phone,
                    zalo_phone=zalo_phone or "",
                    commune_code=commune_code,
                    street_address=street_address.strip(),
                    application_document_kind=application_document_kind,
                    description=sanitize_html(description),
                    applicant=applicant,
                )
                shop.full_clean(exclude=["code", "logo", "banner", "application_document"])
                shop.save()
                shop.application_document.save(
                    _upload_name(application_document, "giay-to"), application_document, save=False
                )
                if logo is not None:
                    shop.logo.save(_upload_name(logo, "logo"), logo, save=False)
                shop.save(update_fields=["application_document", "logo"])
                member_add(
                    shop=shop,
                    user=applicant,
                    role=ShopMember.Role.OWNER,
                    granted_by=applicant,
                    acting_as=AuditEvent.Capacity.OWNER,
                )
                if representative:
                    representative_save(
                        shop=shop, actor=applicant, acting_as=AuditEvent.Capacity.OWNER,
                        **representative,
                    )
                data = {"name": shop.name, "code": shop.code}
                if helper is not None or helper_email.strip():
                    data["helper"] = {
                        "user_id": helper.pk if helper is not None else None,
                        "email": helper.email if helper is not None else helper_email.strip(),
                        "consent_note": helper_consent_note,
                        "consented_at": timezone.now().isoformat(),
                    }
                audit_record(
                    action=APPLIED_ACTION,
                    actor=applicant,
                    acting_as=AuditEvent.Capacity.OWNER,
                    shop=shop,
                    target=shop,
                    data=data,
                )
                transaction.on_commit(partial(notifications.shop_applied, shop), robust=True)
                return shop
        except IntegrityError:
            # Two applications took the same code at once; pick the next free one.
            logger.info("Shop code taken concurrently for %r; retrying", name)
            for field in (application_document, logo):
                if field is not None and hasattr(field, "seek"):
                    field.seek(0)
    raise ShopApplicationError(_("Không tạo được cửa hàng, vui lòng thử lại."))


def _upload_name(upload: File, fallback: str) -> str:
    name = getattr(upload, "name", "") or fallback
    return name.rsplit("/", 1)[-1]


def pending_helper(shop: Partner) -> dict | None:
    """The helper named in the shop's application, as stored in its audit event."""
    event = (
        AuditEvent.objects.filter(shop=shop, action=APPLIED_ACTION)
        .order_by("-created_at", "-pk")
        .first()
    )
    return (event.data or {}).get("helper") if event is not None else None


# --- programme decisions -----------------------------------------------------


def _transition(
    *,
    shop: Partner,
    actor,
    allowed_from: tuple[str, ...],
    to: str,
    reason: str,
    action: str,
    error: str,
) -> Partner:
    locked = Partner.objects.select_for_update().get(pk=shop.pk)
    if locked.status not in allowed_from:
        raise ShopDecisionError(error)
    previous = locked.status
    locked.status = to
    locked.status_reason = reason.strip()
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit_record(
        action=action,
        actor=actor,
        acting_as=AuditEvent.Capacity.PROGRAMME,
        shop=locked,
        target=locked,
        reason=locked.status_reason,
        data={"from": previous, "to": to},
    )
    return locked


def _require_reason(reason: str) -> str:
    return require_reason(reason, refusal=ShopDecisionError)


def _tell_on_commit(shop: Partner, decision: str) -> None:
    transaction.on_commit(partial(notifications.shop_decided, shop, decision), robust=True)


def _helper_invite(*, shop: Partner, helper: dict, actor) -> None:
    """The helper named in the application is invited at approval, with the owner's consent
    from the application; they join only by accepting (shops/invitations.py), whether or not
    the address has an account: the owner's word is not the helper's (ADR 0030)."""
    email = (helper.get("email") or "").strip()
    if not email:
        return
    consent_note = helper.get("consent_note") or _("Chủ cửa hàng đồng ý trong đơn đăng ký.")
    try:
        invitation_create(
            shop=shop, email=email, role=ShopMember.Role.HELPER,
            consent_note=consent_note, actor=actor, acting_as=AuditEvent.Capacity.PROGRAMME,
        )
    except InvitationError:
        # The address already has an invitation waiting: that one stands.
        logger.info("Helper of shop %s already invited", shop.pk)


@transaction.atomic
def shop_approve(*, shop: Partner, actor, reason: str = "") -> Partner:
    """Let a pending shop sell; the helper named in its application is invited now.

    Refused while the shop's legal representative is not verified (E-commerce Law 122/2025:
    the platform identifies each seller; docs/decisions/0033-seller-identity.md).
    """
    locked = Partner.objects.select_for_update().get(pk=shop.pk)
    # Locked after the shop (the order every path takes): a change voiding the verification
    # cannot slip in between this check and the approval.
    verified = list(
        LegalRepresentative.objects.select_for_update()
        .filter(shop=locked, verified_at__isnull=False).values_list("pk", flat=True)
    )
    if locked.status == Partner.Status.PENDING and not verified:
        raise ShopDecisionError(
            _("Chưa duyệt được: người đại diện theo pháp luật của cửa hàng chưa được xác thực. "
              "Hãy đối chiếu giấy tờ và xác nhận người đại diện trước.")
        )
    shop = _transition(
        shop=shop,
        actor=actor,
        allowed_from=(Partner.Status.PENDING,),
        to=Partner.Status.APPROVED,
        reason=reason,
        action="shop.approved",
        error=_("Chỉ duyệt được cửa hàng đang chờ duyệt."),
    )
    helper = pending_helper(shop)
    if helper:
        _helper_invite(shop=shop, helper=helper, actor=actor)
    _tell_on_commit(shop, "approved")
    return shop


@transaction.atomic
def shop_reject(*, shop: Partner, actor, reason: str) -> Partner:
    """Refuse a pending application, saying why."""
    shop = _transition(
        shop=shop,
        actor=actor,
        allowed_from=(Partner.Status.PENDING,),
        to=Partner.Status.REJECTED,
        reason=_require_reason(reason),
        action="shop.rejected",
        error=_("Chỉ từ chối được đơn đang chờ duyệt."),
    )
    _tell_on_commit(shop, "rejected")
    return shop


@transaction.atomic
def shop_suspend(*, shop: Partner, actor, reason: str) -> Partner:
    """Stop an approved shop selling: its products leave the catalogue and search now
    (search follows the status change through search/receivers.py).

    Its orders stay as they are (buyers and the shop still handle them).
    """
    shop = _transition(
        shop=shop,
        actor=actor,
        allowed_from=(Partner.Status.APPROVED,),
        to=Partner.Status.SUSPENDED,
        reason=_require_reason(reason),
        action="shop.suspended",
        error=_("Chỉ tạm ngưng được cửa hàng đang hoạt động."),
    )
    _tell_on_commit(shop, "suspended")
    return shop


@transaction.atomic
def shop_reinstate(*, shop: Partner, actor, reason: str = "") -> Partner:
    """Let a suspended shop sell again; its products return to search."""
    shop = _transition(
        shop=shop,
        actor=actor,
        allowed_from=(Partner.Status.SUSPENDED,),
        to=Partner.Status.APPROVED,
        reason=reason,
        action="shop.reinstated",
        error=_("Chỉ khôi phục được cửa hàng đang bị tạm ngưng."),
    )
    _tell_on_commit(shop, "reinstated")
    return shop


# --- payment settings ---------------------------------------------------------

BANK_FIELDS = ("bank_bin", "bank_account_number", "bank_account_name")


@transaction.atomic
def shop_bank_account_save(
    *, shop: Partner, bank_bin: str, account_number: str, account_name: str, actor, acting_as: str,
    transfers_to_shop: bool = True,
) -> bool:
    """Set (or clear: all blank) the account buyers' VietQR transfers go to (cleaned by the form).

    Returns False when nothing changed. The audit keeps the old and the new account: a
    changed payee is what someone diverting a shop's money would do.
    """
    values = {
        "bank_bin": bank_bin or "", "bank_account_number": account_number or "",
        "bank_account_name": account_name or "",
    }
    if any(values.values()) and not all(values.values()):
        raise ShopSettingsError(_("Hãy điền đủ ngân hàng, số tài khoản và tên chủ tài khoản."))
    values["transfers_to_shop"] = bool(transfers_to_shop)
    locked = Partner.objects.select_for_update().get(pk=shop.pk)
    before = {name: getattr(locked, name) for name in values}
    if before == values:
        return False
    Partner.objects.filter(pk=shop.pk).update(**values)
    for name, value in values.items():
        setattr(shop, name, value)
    audit_record(
        action="shop.bank_account_changed", actor=actor, acting_as=acting_as, shop=shop,
        target=shop, data={"before": before, "after": values},
    )
    return True
