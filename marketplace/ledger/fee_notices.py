"""Telling the shops about an announced fee change: one e-mail to each open shop's owners.

`fee_change_notices_send` e-mails every approved shop not yet told about an announced rate
that has not started yet. Each shop is claimed first (a `FeeChangeNotice` row, unique per
rate and shop), so running it again — the task queued by `fees.fee_rate_announce`,
`manage.py fee_change_notices` (daily), or both at once — tells nobody twice; a mail that
could not be sent gives its claim back for the next run. A shop approved after the
announcement is told by the next run, as long as the rate has not started.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from marketplace.core.dates import today_vn
from marketplace.core.mail import mail_send, site_url
from marketplace.core.money import format_basis_points
from marketplace.ledger.models import FeeChangeNotice, FeeRate
from shops.models import Partner
from shops.tasks import shop_mail_recipients

#: Where the public fee schedule is (the demo's page; docs/decisions/0034-published-rules.md).
FEE_PAGE_PATH = "/chuong-trinh/bieu-phi/"
SUBJECT = gettext_lazy("Chợ OCOP thay đổi phí từ ngày {date}")


def shops_to_tell(rate: FeeRate):
    """Approved shops not yet told about `rate`."""
    told = FeeChangeNotice.objects.filter(rate=rate).values("shop_id")
    return Partner.objects.filter(status=Partner.Status.APPROVED).exclude(pk__in=told).order_by("pk")


def fee_change_notices_send(*, rate: FeeRate | None = None, today: datetime.date | None = None) -> int:
    """Tell every open shop not yet told about `rate` (default: every announced rate that has
    not started yet); the number of shops told now. Safe to run again and concurrently."""
    today = today or today_vn()
    if rate is not None:
        rates = [rate]
    else:
        rates = list(FeeRate.objects.filter(valid_from__gt=today, announced_at__isnull=False)
                     .select_related("category").order_by("valid_from", "pk"))
    told = 0
    for current in rates:
        if current.valid_from <= today:
            continue  # it applies already: a mail now would not be notice
        for shop in list(shops_to_tell(current).select_related("applicant")):
            if not _claim(current, shop):
                continue  # another run claimed it
            if fee_change_mail(current, shop):
                told += 1
            else:
                FeeChangeNotice.objects.filter(rate=current, shop=shop).delete()
    return told


def _claim(rate: FeeRate, shop: Partner) -> bool:
    try:
        with transaction.atomic():
            FeeChangeNotice.objects.create(rate=rate, shop=shop)
    except IntegrityError:
        return False
    return True


def fee_change_mail(rate: FeeRate, shop: Partner) -> bool:
    """The mail to the shop's owners (and applicant); True when it went out."""
    return mail_send(
        recipients=shop_mail_recipients(shop),
        subject=format_lazy(SUBJECT, date=rate.valid_from.strftime("%d/%m/%Y")),
        template="ledger/emails/fee_change.txt",
        context={
            "rate": rate,
            "shop": shop,
            "percent": format_basis_points(rate.basis_points),
            "notice_days": getattr(settings, "FEE_CHANGE_NOTICE_DAYS", 20),
            "fee_page_url": site_url(FEE_PAGE_PATH),
            "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
        },
    )
