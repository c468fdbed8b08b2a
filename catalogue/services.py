"""The programme's decisions on OCOP certificates, and the expiry warnings.

Sellers submit certificates (shops.seller.operations.services.certificate_submit);
programme staff verify or reject a pending one and revoke a verified one here. Each
decision is a conditional status transition under `SELECT … FOR UPDATE`, is written to
the audit log, and after commit e-mails the shop's owners and re-indexes the product so
the OCOP badge and the search facets follow at once.

`certificate_expiry_warnings_send` is run daily by `manage.py ocop_expiry_warnings`: it
warns each holder once per expiry date, however often it runs.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.models import OcopCertificate, today_local
from marketplace.core.audit import audit_record
from marketplace.core.models import AuditEvent
from shops.models import ShopMember

logger = logging.getLogger(__name__)

#: Holders are warned this many days before the expiry date (inclusive).
EXPIRY_WARNING_DAYS = 30


class CertificateDecisionError(ValueError):
    """The decision does not apply to the certificate (status, rules, missing reason)."""


# --- decisions -----------------------------------------------------------------------


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateDecisionError(_("Vui lòng ghi lý do."))
    return reason


def _lock(certificate: OcopCertificate) -> OcopCertificate:
    return (
        # Lock the certificate row only: PostgreSQL refuses FOR UPDATE on the nullable
        # side of the outer join to the product's shop.
        OcopCertificate.objects.select_for_update(of=("self",))
        .select_related("product", "product__shop")
        .get(pk=certificate.pk)
    )


def _decide(
    *, locked: OcopCertificate, actor, to: str, reason: str, action: str
) -> OcopCertificate:
    previous = locked.status
    locked.status = to
    locked.decision_reason = reason
    locked.decided_at = timezone.now()
    locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    audit_record(
        action=action,
        actor=actor,
        acting_as=AuditEvent.Capacity.PROGRAMME,
        shop=locked.product.shop,
        target=locked,
        reason=reason,
        data={
            "from": previous,
            "to": to,
            "product": locked.product_id,
            "stars": locked.stars,
            "score": locked.score,
            "decision_number": locked.decision_number,
            "expires_on": locked.expires_on.isoformat() if locked.expires_on else None,
        },
    )
    _after_commit(locked, template=to)
    return locked


def _after_commit(certificate: OcopCertificate, *, template: str) -> None:
    # Search follows the certificate's save through search/receivers.py.
    transaction.on_commit(
        partial(_send_certificate_email, certificate_pk=certificate.pk, template=template),
        robust=True,
    )


@transaction.atomic
def certificate_verify(*, certificate: OcopCertificate, actor, reason: str = "") -> OcopCertificate:
    """Accept a pending certificate: the product shows the OCOP badge until it expires.

    Refused unless pending (a verified certificate is not verified twice) and unless the
    certificate keeps the OCOP rules (score within the stars' range, issuing body).
    """
    locked = _lock(certificate)
    if locked.status != OcopCertificate.Status.PENDING:
        raise CertificateDecisionError(_("Chỉ xác minh được chứng nhận đang chờ xác minh."))
    try:
        locked.full_clean()
    except ValidationError as error:
        details = " ".join(str(message) for message in error.messages)
        raise CertificateDecisionError(
            _("Không thể xác minh: chứng nhận không đúng quy định OCOP. %(details)s")
            % {"details": details}
        ) from error
    return _decide(
        locked=locked,
        actor=actor,
        to=OcopCertificate.Status.VERIFIED,
        reason=(reason or "").strip(),
        action="certificate.verified",
    )


@transaction.atomic
def certificate_reject(*, certificate: OcopCertificate, actor, reason: str) -> OcopCertificate:
    """Refuse a pending certificate, saying why (the seller is told)."""
    reason = _require_reason(reason)
    locked = _lock(certificate)
    if locked.status != OcopCertificate.Status.PENDING:
        raise CertificateDecisionError(_("Chỉ từ chối được chứng nhận đang chờ xác minh."))
    return _decide(
        locked=locked,
        actor=actor,
        to=OcopCertificate.Status.REJECTED,
        reason=reason,
        action="certificate.rejected",
    )


@transaction.atomic
def certificate_revoke(*, certificate: OcopCertificate, actor, reason: str) -> OcopCertificate:
    """Withdraw a verified certificate: the badge disappears at once, search included."""
    reason = _require_reason(reason)
    locked = _lock(certificate)
    if locked.status != OcopCertificate.Status.VERIFIED:
        raise CertificateDecisionError(_("Chỉ thu hồi được chứng nhận đã xác minh."))
    return _decide(
        locked=locked,
        actor=actor,
        to=OcopCertificate.Status.REVOKED,
        reason=reason,
        action="certificate.revoked",
    )


# --- expiry warnings -----------------------------------------------------------------


def certificates_expiring(*, today: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS):
    """Valid certificates whose expiry date falls within the next `days` days (inclusive)."""
    today = today or today_local()
    return OcopCertificate.objects.valid(on=today).filter(
        expires_on__lte=today + datetime.timedelta(days=days)
    )


def certificate_expiry_warnings_send(*, today: datetime.date | None = None) -> int:
    """E-mail the owners of each valid certificate expiring within 30 days, once per
    expiry date. Safe to run daily and concurrently; returns the number of warnings sent.

    Each certificate is claimed with a conditional UPDATE (only if not yet warned for its
    current expiry date) and mailed in the same transaction: a failed e-mail rolls the
    claim back so the next run tries again, and a concurrent run finds nothing to claim.
    """
    today = today or today_local()
    due = (
        certificates_expiring(today=today)
        .exclude(expiry_warning_sent_for=F("expires_on"))
        .order_by("expires_on", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        try:
            with transaction.atomic():
                claimed = (
                    certificates_expiring(today=today)
                    .filter(pk=pk)
                    .exclude(expiry_warning_sent_for=F("expires_on"))
                    .update(expiry_warning_sent_for=F("expires_on"))
                )
                if not claimed:
                    continue
                if _send_certificate_email(
                    certificate_pk=pk, template="expiry_warning", today=today
                ):
                    sent += 1
        except Exception:  # one bad address must not stop the others
            logger.exception("OCOP expiry warning for certificate %s failed", pk)
    return sent


# --- e-mail ----------------------------------------------------------------------------

SUBJECTS = {
    "verified": gettext_lazy("Chứng nhận OCOP của “{product}” đã được xác minh"),
    "rejected": gettext_lazy("Chứng nhận OCOP của “{product}” chưa được xác minh"),
    "revoked": gettext_lazy("Chứng nhận OCOP của “{product}” đã bị thu hồi"),
    "expiry_warning": gettext_lazy("Chứng nhận OCOP của “{product}” sắp hết hạn ({date})"),
}


def certificate_recipients(certificate: OcopCertificate) -> list[str]:
    """The active owners of the certificate's shop, each address once."""
    shop_id = certificate.product.shop_id
    if shop_id is None:
        return []
    emails = (
        ShopMember.objects.active()
        .filter(shop_id=shop_id, role=ShopMember.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    seen: set[str] = set()
    return [e for e in emails if not (e.lower() in seen or seen.add(e.lower()))]


def _site_url() -> str:
    return getattr(settings, "SITE_URL", "") or getattr(settings, "WAGTAILADMIN_BASE_URL", "")


def _seller_path(certificate: OcopCertificate) -> str:
    from django.urls import NoReverseMatch, reverse

    shop = certificate.product.shop
    if shop is None:
        return ""
    try:
        return reverse(
            "seller:certificate-detail",
            kwargs={"shop_code": shop.code, "certificate_pk": certificate.pk},
        )
    except NoReverseMatch:  # pragma: no cover - the seller workspace is always mounted
        return ""


def _send_certificate_email(
    *, certificate_pk: int, template: str, today: datetime.date | None = None
) -> bool:
    certificate = OcopCertificate.objects.select_related("product", "product__shop").get(
        pk=certificate_pk
    )
    recipients = certificate_recipients(certificate)
    if not recipients:
        return False
    product = certificate.product
    today = today or today_local()
    context = {
        "certificate": certificate,
        "product": product,
        "shop": product.shop,
        "days_left": (certificate.expires_on - today).days if certificate.expires_on else None,
        "site_url": _site_url().rstrip("/"),
        "seller_path": _seller_path(certificate),
        "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
    }
    body = render_to_string(f"catalogue/emails/{template}.txt", context)
    subject = str(SUBJECTS[template]).format(
        product=product.get_title(),
        date=certificate.expires_on.strftime("%d/%m/%Y") if certificate.expires_on else "",
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return True
