"""Shop onboarding and the programme's decisions on shops.

A signed-in user applies (`shop_apply`); programme staff approve, reject, suspend and
reinstate (`shop_approve`, `shop_reject`, `shop_suspend`, `shop_reinstate`). Each
decision is a conditional status transition under `SELECT … FOR UPDATE`, is written to
the audit log, e-mails the applicant and the shop's owners after commit, and keeps the
search index in step with what buyers may see.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent
from marketplace.core.sanitize import sanitize_html
from marketplace.core.text import slugify_vi
from shops.membership import member_add
from shops.models import Partner, ShopMember

logger = logging.getLogger(__name__)

#: Codes that would shadow a page under /shops/.
RESERVED_CODES = frozenset({"apply"})
APPLIED_ACTION = "shop.applied"


class ShopApplicationError(ValueError):
    """The application cannot be accepted (e.g. one is already waiting)."""


class ShopDecisionError(ValueError):
    """The decision does not apply to the shop's current status."""


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
    zalo_phone: str = "",
    description: str = "",
    logo: File | None = None,
    helper=None,
    helper_consent_note: str = "",
) -> Partner:
    """Create a pending shop applied for by `applicant`, who becomes its owner.

    A helper named in the application (with the owner's consent) is kept in the audit
    event and made a member only when the programme approves the shop.
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
                data = {"name": shop.name, "code": shop.code}
                if helper is not None:
                    data["helper"] = {
                        "user_id": helper.pk,
                        "email": helper.email,
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
                transaction.on_commit(
                    partial(_send_shop_email, shop_pk=shop.pk, template="applied"), robust=True
                )
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
    reason = (reason or "").strip()
    if not reason:
        raise ShopDecisionError(_("Vui lòng ghi lý do."))
    return reason




def _email_on_commit(shop: Partner, template: str) -> None:
    transaction.on_commit(
        partial(_send_shop_email, shop_pk=shop.pk, template=template), robust=True
    )


@transaction.atomic
def shop_approve(*, shop: Partner, actor, reason: str = "") -> Partner:
    """Let a pending shop sell; the helper named in its application joins it now."""
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
        user = get_user_model().objects.filter(pk=helper.get("user_id"), is_active=True).first()
        if user is not None:
            member_add(
                shop=shop,
                user=user,
                role=ShopMember.Role.HELPER,
                granted_by=actor,
                acting_as=AuditEvent.Capacity.PROGRAMME,
                consent_note=helper.get("consent_note")
                or _("Chủ cửa hàng đồng ý trong đơn đăng ký."),
            )
    _email_on_commit(shop, "approved")
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
    _email_on_commit(shop, "rejected")
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
    _email_on_commit(shop, "suspended")
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
    _email_on_commit(shop, "reinstated")
    return shop


# --- e-mail -------------------------------------------------------------------

SUBJECTS = {
    "applied": gettext_lazy("Đã nhận đơn đăng ký cửa hàng {name}"),
    "approved": gettext_lazy("Cửa hàng {name} đã được duyệt"),
    "rejected": gettext_lazy("Đơn đăng ký cửa hàng {name} chưa được duyệt"),
    "suspended": gettext_lazy("Cửa hàng {name} bị tạm ngưng"),
    "reinstated": gettext_lazy("Cửa hàng {name} đã được khôi phục"),
}


def shop_recipients(shop: Partner) -> list[str]:
    """The applicant and the shop's active owners, each address once."""
    emails = []
    if shop.applicant_id and shop.applicant.email:
        emails.append(shop.applicant.email)
    owners = ShopMember.objects.active().filter(shop=shop, role=ShopMember.Role.OWNER)
    emails.extend(owners.exclude(user__email="").values_list("user__email", flat=True))
    seen: set[str] = set()
    return [e for e in emails if not (e.lower() in seen or seen.add(e.lower()))]


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "") or getattr(settings, "WAGTAILADMIN_BASE_URL", "")


def _send_shop_email(*, shop_pk: int, template: str) -> None:
    shop = Partner.objects.select_related("applicant").get(pk=shop_pk)
    recipients = shop_recipients(shop)
    if not recipients:
        return
    context = {
        "shop": shop,
        "site_url": _site_url().rstrip("/"),
        "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
    }
    body = render_to_string(f"shops/emails/{template}.txt", context)
    subject = str(SUBJECTS[template]).format(name=shop.name)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
