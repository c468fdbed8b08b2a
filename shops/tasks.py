"""E-mails about a shop's application and the programme's decisions on it, as background
tasks (django-tasks; docs/decisions/0012-background-tasks.md).

`shops.notifications` enqueues `shop_event_mail` with the shop's id and what happened; the
task loads the shop when it runs and tells the applicant and the shop's owners, so a mail a
worker sends late still shows the shop as it stands.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django_tasks import task

from marketplace.core.mail import mail_send, site_url
from shops.identity.selectors import shop_identity_status
from shops.models import IdentityReminder, Partner, ShopInvitation, ShopMember
from shops.selectors import shop_notice_recipients

logger = logging.getLogger(__name__)

#: What happened to the shop: each has its subject and its template shops/emails/<event>.txt.
SUBJECTS = {
    "applied": gettext_lazy("Đã nhận đơn đăng ký cửa hàng {name}"),
    "approved": gettext_lazy("Cửa hàng {name} đã được duyệt"),
    "rejected": gettext_lazy("Đơn đăng ký cửa hàng {name} chưa được duyệt"),
    "suspended": gettext_lazy("Cửa hàng {name} bị tạm ngưng"),
    "reinstated": gettext_lazy("Cửa hàng {name} đã được khôi phục"),
}

IDENTITY_SUBJECT = gettext_lazy("Cửa hàng {name}: cần xác thực người đại diện theo pháp luật")


def shop_mail_recipients(shop: Partner) -> list[str]:
    """The applicant and the shop's active owners, each address once."""
    people = shop_notice_recipients(shop, roles=(ShopMember.Role.OWNER,), include_applicant=True)
    return [user.email for user in people]


@task()
def shop_event_mail(shop_id: int, event: str) -> bool:
    """Tell the shop's applicant and owners about `event`; True when the mail went out."""
    shop = Partner.objects.select_related("applicant").filter(pk=shop_id).first()
    if shop is None:
        logger.warning("Shop mail %s: shop %s no longer exists", event, shop_id)
        return False
    context = {
        "shop": shop,
        "site_url": site_url(),
        "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
    }
    return mail_send(
        recipients=shop_mail_recipients(shop),
        subject=format_lazy(SUBJECTS[event], name=shop.name),
        template=f"shops/emails/{event}.txt",
        context=context,
    )


@task()
def shop_invitation_mail(invitation_id: int) -> bool:
    """Mail the invitation's link to the invited address; nothing when it is no longer pending."""
    invitation = (
        ShopInvitation.objects.select_related("shop", "invited_by")
        .filter(pk=invitation_id, status=ShopInvitation.Status.PENDING).first()
    )
    if invitation is None:
        return False
    path = reverse("seller:invitation", kwargs={"token": invitation.link_token()})
    return mail_send(
        recipients=[invitation.email],
        subject=format_lazy(gettext_lazy("Lời mời tham gia cửa hàng {name}"), name=invitation.shop.name),
        template="shops/emails/invitation.txt",
        context={
            "invitation": invitation,
            "link": site_url(path),
            "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
        },
    )


@task()
def identity_reminder_mail(shop_id: int, days_before: int, deadline: str, today: str) -> bool:
    """Remind the shop's owners to have its legal representative verified. A mail that did
    not go out gives its stage back (the IdentityReminder row), so the next run retries."""
    shop = Partner.objects.filter(pk=shop_id).first()
    if shop is None:
        return False
    status = shop_identity_status(shop=shop, today=datetime.date.fromisoformat(today))
    if status.verified:
        return False  # verified since the reminder was queued
    recipients = [user.email for user in shop_notice_recipients(shop, roles=(ShopMember.Role.OWNER,))]
    sent = mail_send(
        recipients=recipients,
        subject=format_lazy(IDENTITY_SUBJECT, name=shop.name),
        template="shops/emails/identity_reminder.txt",
        context={
            "shop": shop,
            "status": status,
            "deadline": datetime.date.fromisoformat(deadline),
            "days_before": days_before,
            "url": site_url(reverse("seller:representative", kwargs={"shop_code": shop.code})),
            "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
        },
    )
    if not sent:
        IdentityReminder.objects.filter(
            shop_id=shop_id, deadline=deadline, days_before=days_before
        ).delete()
    return sent
