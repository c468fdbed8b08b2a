"""E-mails about OCOP certificates, as background tasks (django-tasks;
docs/decisions/0012-background-tasks.md): the programme's decisions and the expiry warnings.

`catalogue.notifications` enqueues these with the certificate's id; each task loads the
certificate when it runs and tells the active owners of its product's shop.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django_tasks import task

from catalogue.models import OcopCertificate, today_local
from marketplace.core.mail import mail_send, site_url
from shops.models import ShopMember
from shops.selectors import shop_notice_recipients

logger = logging.getLogger(__name__)

#: Each mail's subject; its text is catalogue/emails/<key>.txt.
SUBJECTS = {
    "verified": gettext_lazy("Chứng nhận OCOP của “{product}” đã được xác minh"),
    "rejected": gettext_lazy("Chứng nhận OCOP của “{product}” chưa được xác minh"),
    "revoked": gettext_lazy("Chứng nhận OCOP của “{product}” đã bị thu hồi"),
    "expiry_warning": gettext_lazy("Chứng nhận OCOP của “{product}” sắp hết hạn ({date})"),
}


def certificate_recipients(certificate: OcopCertificate) -> list[str]:
    """The active owners of the certificate's shop, each address once."""
    owners = shop_notice_recipients(certificate.product.shop, roles=(ShopMember.Role.OWNER,))
    return [user.email for user in owners]


def certificate_load(certificate_id: int) -> OcopCertificate | None:
    """The certificate with its product and shop; None (logged) when it no longer exists."""
    certificate = (
        OcopCertificate.objects.select_related("product", "product__shop")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        logger.warning("OCOP certificate mail: certificate %s no longer exists", certificate_id)
    return certificate


def _seller_path(certificate: OcopCertificate) -> str:
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


def _send(
    certificate: OcopCertificate, key: str, *, recipients: list[str], today: datetime.date
) -> bool:
    product = certificate.product
    expires_on = certificate.expires_on
    context = {
        "certificate": certificate,
        "product": product,
        "shop": product.shop,
        "days_left": (expires_on - today).days if expires_on else None,
        "site_url": site_url(),
        "seller_path": _seller_path(certificate),
        "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
    }
    subject = format_lazy(
        SUBJECTS[key],
        product=product.get_title(),
        date=expires_on.strftime("%d/%m/%Y") if expires_on else "",
    )
    return mail_send(
        recipients=recipients,
        subject=subject,
        template=f"catalogue/emails/{key}.txt",
        context=context,
    )


@task()
def certificate_decision_mail(certificate_id: int, decision: str) -> bool:
    """Tell the shop's owners the programme's decision (verified, rejected, revoked)."""
    certificate = certificate_load(certificate_id)
    if certificate is None:
        return False
    return _send(
        certificate, decision, recipients=certificate_recipients(certificate), today=today_local()
    )


@task()
def certificate_expiry_warning_mail(certificate_id: int, today: str) -> bool:
    """Warn the shop's owners that the certificate expires soon (`today`: the ISO date the
    warnings ran for, which the days left count from).

    The warning was claimed (`expiry_warning_sent_for`) when it was queued. A shop with
    nobody to warn keeps the claim: there is no one to try again for. A mail that could not
    go out gives the claim back, so the next daily run warns again.
    """
    certificate = certificate_load(certificate_id)
    if certificate is None:
        return False
    recipients = certificate_recipients(certificate)
    if not recipients:
        return False
    if _send(
        certificate, "expiry_warning", recipients=recipients,
        today=datetime.date.fromisoformat(today),
    ):
        return True
    OcopCertificate.objects.filter(
        pk=certificate.pk, expiry_warning_sent_for=certificate.expires_on
    ).update(expiry_warning_sent_for=None)
    return False
