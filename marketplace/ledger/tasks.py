"""E-mails about the shop's money as background tasks (django-tasks): payouts, fee changes."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django_tasks import task

from marketplace.core.mail import mail_send, site_url
from marketplace.ledger.fee_notices import fee_change_notices_send
from marketplace.ledger.models import FeeRate, Payout
from marketplace.payment.banks import bank_name
from shops.tasks import shop_mail_recipients

logger = logging.getLogger(__name__)


#: status the payout is in → the mail's subject; its template is ledger/emails/payout_<status>.txt.
SUBJECTS = {
    Payout.Status.PAID: gettext_lazy("Chợ OCOP đã chuyển tiền cho cửa hàng {name}"),
    Payout.Status.CANCELLED: gettext_lazy("Khoản thanh toán cho cửa hàng {name} đã bị hủy"),
}


@task()
def payout_mail(payout_id: int, reason: str = "") -> bool:
    """Tell the shop's owners a payout was transferred or cancelled (with the reason);
    True when the mail went out."""
    payout = Payout.objects.select_related("shop", "shop__applicant").filter(pk=payout_id).first()
    if payout is None or payout.status not in SUBJECTS:
        logger.warning("Payout mail: payout %s is gone or still pending", payout_id)
        return False
    return mail_send(
        recipients=shop_mail_recipients(payout.shop),
        subject=format_lazy(SUBJECTS[payout.status], name=payout.shop.name),
        template=f"ledger/emails/payout_{payout.status}.txt",
        context={
            "reason": reason,
            "payout": payout,
            "shop": payout.shop,
            "bank": bank_name(payout.bank_bin) or payout.bank_bin,
            "money_url": site_url(reverse("seller:money", kwargs={"shop_code": payout.shop.code})),
            "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
        },
    )


@task()
def fee_change_notices(rate_id: int) -> int:
    """Tell every open shop not yet told about an announced fee rate; how many were told."""
    rate = FeeRate.objects.select_related("category").filter(pk=rate_id).first()
    if rate is None:
        logger.warning("Fee notices: rate %s is gone", rate_id)
        return 0
    return fee_change_notices_send(rate=rate)
