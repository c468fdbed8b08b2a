"""An OCOP certificate's whole life: submitted by its shop, decided by the programme, and
warned about before it expires.

Sellers submit a certificate of one of their shop's products (`certificate_submit`);
programme staff verify or reject a pending one and revoke a verified one. Each decision is
a conditional status transition under `SELECT … FOR UPDATE`, is written to the audit log,
and after commit has the shop's owners e-mailed (catalogue/notifications.py); search
follows the certificate's save (search/receivers.py), so the OCOP badge and the search
facets change at once.

A certificate belongs to the product as staff verified it: verifying records its title and
product group (`verified_title`, `verified_category`). When the seller later changes either
materially (`certificates_recheck`, called by the product services), each verified
certificate goes back to the staff queue (verified → pending, a conditional UPDATE, audited)
with the reason the seller and staff read; the badge is gone until staff verify again.
Not material: a title that differs only in case or spacing ("mật ong  U Minh" for
"Mật ong U Minh"). Accents are material: in Vietnamese they change the word. Expired
certificates are left alone (expiry stays derived from the date).

`certificate_expiry_warnings_send` is run daily by `manage.py ocop_expiry_warnings`: it
warns each holder once per expiry date, however often it runs.
"""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue import notifications
from catalogue.models import (
    CERTIFICATE_VALIDITY_MONTHS,
    Category,
    OcopCertificate,
    Product,
    add_months,
    product_category_id,
    today_local,
)
from marketplace.core.audit import audit_record
from marketplace.core.errors import Refused, require_reason
from marketplace.core.models import AuditEvent
from search.tasks import reindex_on_commit
from shops.models import Partner

logger = logging.getLogger(__name__)

#: Holders are warned this many days before the expiry date (inclusive).
EXPIRY_WARNING_DAYS = 30


class CertificateError(Refused):
    """The submission or the decision does not apply to the certificate (another shop's
    product, status, OCOP rules, missing reason); the message says why (Vietnamese)."""


#: The name the programme's decisions have always refused with.
CertificateDecisionError = CertificateError


# --- the shop submits ------------------------------------------------------------------


@transaction.atomic
def certificate_submit(
    *,
    shop: Partner,
    product: Product,
    stars: int,
    score: int,
    decision_number: str,
    issuing_body: str,
    issued_on,
    scan=None,
    actor,
    acting_as: str,
) -> OcopCertificate:
    """Submit a certificate of one of the shop's own products; programme staff verify it.

    Refuses (CertificateError) another shop's product; raises django's ValidationError
    (from the model's `full_clean`) for OCOP rule breaks.
    """
    if product.shop_id != shop.pk:
        raise CertificateError(_("Sản phẩm không thuộc cửa hàng này."))
    certificate = OcopCertificate(
        product=product, stars=stars, score=score, decision_number=decision_number.strip(),
        issuing_body=issuing_body, issued_on=issued_on, status=OcopCertificate.Status.PENDING,
    )
    if issued_on:
        certificate.expires_on = add_months(issued_on, CERTIFICATE_VALIDITY_MONTHS)
    if scan:
        certificate.scan = scan
    certificate.full_clean()
    certificate.save()
    audit_record(
        action="certificate.submitted", actor=actor, acting_as=acting_as, shop=shop,
        target=certificate,
        data={
            "product": product.pk, "stars": stars, "score": score,
            "decision_number": certificate.decision_number, "issuing_body": issuing_body,
            "issued_on": issued_on.isoformat(),
        },
    )
    return certificate


# --- the programme decides -------------------------------------------------------------


def _require_reason(reason: str) -> str:
    return require_reason(reason, refusal=CertificateError)


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
    fields = ["status", "decision_reason", "decided_at", "decided_by"]
    if to == OcopCertificate.Status.VERIFIED:  # verified for the product as it is now
        locked.take_product_snapshot()
        locked.reverification_reason = ""
        fields += ["verified_title", "verified_category", "reverification_reason"]
    locked.save(update_fields=fields)
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
    # Search follows the certificate's save through search/receivers.py.
    transaction.on_commit(partial(notifications.certificate_decided, locked, to), robust=True)
    return locked


@transaction.atomic
def certificate_verify(*, certificate: OcopCertificate, actor, reason: str = "") -> OcopCertificate:
    """Accept a pending certificate: the product shows the OCOP badge until it expires.

    Refused unless pending (a verified certificate is not verified twice) and unless the
    certificate keeps the OCOP rules (score within the stars' range, issuing body).
    """
    locked = _lock(certificate)
    if locked.status != OcopCertificate.Status.PENDING:
        raise CertificateError(_("Chỉ xác minh được chứng nhận đang chờ xác minh."))
    try:
        locked.full_clean()
    except ValidationError as error:
        details = " ".join(str(message) for message in error.messages)
        raise CertificateError(
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
        raise CertificateError(_("Chỉ từ chối được chứng nhận đang chờ xác minh."))
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
        raise CertificateError(_("Chỉ thu hồi được chứng nhận đã xác minh."))
    return _decide(
        locked=locked,
        actor=actor,
        to=OcopCertificate.Status.REVOKED,
        reason=reason,
        action="certificate.revoked",
    )


# --- the product changed after verification --------------------------------------------


def material_title(title: str) -> str:
    """A title as far as a certificate cares: case and runs of spaces do not change the
    product; letters and accents do."""
    return " ".join((title or "").split()).casefold()


def _material_changes(
    certificate: OcopCertificate, *, title: str, category_id: int | None
) -> list[str]:
    """Why the product is no longer the one verified (Vietnamese sentences), or []."""
    if not certificate.verified_title:  # never verified with a snapshot: nothing to compare
        return []
    changes = []
    if material_title(certificate.verified_title) != material_title(title):
        changes.append(
            _("Tên sản phẩm đã đổi từ “%(old)s” thành “%(new)s”.")
            % {"old": certificate.verified_title, "new": title}
        )
    if certificate.verified_category_id != category_id:
        names = dict(
            Category.objects.filter(
                pk__in=[pk for pk in (certificate.verified_category_id, category_id) if pk]
            ).values_list("pk", "name")
        )
        changes.append(
            _("Nhóm sản phẩm đã đổi từ “%(old)s” thành “%(new)s”.")
            % {
                "old": names.get(certificate.verified_category_id, "—"),
                "new": names.get(category_id, "—"),
            }
        )
    return changes


def certificates_recheck(*, product: Product, actor, acting_as: str) -> list[OcopCertificate]:
    """After a seller's change of `product`: send back to the staff queue every verified,
    unexpired certificate whose product changed materially since it was verified.

    Each goes verified → pending by a conditional UPDATE (a staff decision at the same moment
    wins), with the reason in `reverification_reason`, an audit row, and the product
    re-indexed so search and the API lose the badge. Returns the certificates sent back.
    """
    today = today_local()
    candidates = list(
        OcopCertificate.objects.filter(
            product=product, status=OcopCertificate.Status.VERIFIED, expires_on__gte=today
        )
    )
    if not candidates:
        return []
    category_id = product_category_id(product.pk)
    sent_back = []
    for certificate in candidates:
        changes = _material_changes(certificate, title=product.title, category_id=category_id)
        if not changes:
            continue
        reason = " ".join(changes)
        moved = OcopCertificate.objects.filter(
            pk=certificate.pk, status=OcopCertificate.Status.VERIFIED
        ).update(status=OcopCertificate.Status.PENDING, reverification_reason=reason)
        if not moved:
            continue
        certificate.status = OcopCertificate.Status.PENDING
        certificate.reverification_reason = reason
        audit_record(
            action="certificate.reverification_required", actor=actor, acting_as=acting_as,
            shop=product.shop, target=certificate, reason=reason,
            data={
                "from": OcopCertificate.Status.VERIFIED, "to": OcopCertificate.Status.PENDING,
                "product": product.pk, "verified_title": certificate.verified_title,
                "title": product.title, "verified_category": certificate.verified_category_id,
                "category": category_id,
            },
        )
        sent_back.append(certificate)
    if sent_back:
        reindex_on_commit([product.pk])
    return sent_back


# --- expiry warnings -------------------------------------------------------------------


def certificates_expiring(*, today: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS):
    """Valid certificates whose expiry date falls within the next `days` days (inclusive)."""
    today = today or today_local()
    return OcopCertificate.objects.valid(on=today).filter(
        expires_on__lte=today + datetime.timedelta(days=days)
    )


def certificate_expiry_warnings_send(*, today: datetime.date | None = None) -> int:
    """Warn the owners of each valid certificate expiring within 30 days, once per expiry
    date. Safe to run daily and concurrently; returns the number of warnings sent (or, with
    a task worker, queued).

    Each certificate is claimed with a conditional UPDATE (only if not yet warned for its
    current expiry date) and its warning queued in the same transaction, so a concurrent
    run finds nothing to claim. A warning that cannot go out gives its claim back
    (catalogue/tasks.py), so the next run tries again.
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
                if notifications.certificate_expiry_warning(certificate_id=pk, today=today):
                    sent += 1
        except Exception:  # one bad certificate must not stop the others
            logger.exception("OCOP expiry warning for certificate %s failed", pk)
    return sent
