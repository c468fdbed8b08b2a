"""Composing and sending the e-mails about return and complaint cases (what the task runs).

Each mail is a text template `complaints/emails/<event>_<audience>.txt` (audience: buyer,
shop), rendered in Vietnamese with dates in Asia/Ho_Chi_Minh (marketplace/core/mail.py).
The buyer is reached at their account's e-mail, or a guest at the purchase's; the shop's
owners, staff and helpers through `shops.selectors.shop_notice_recipients`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from marketplace.complaints.links import buyer_complaint_path, seller_complaint_path
from marketplace.complaints.models import Complaint
from marketplace.core.mail import mail_send, site_url
from shops.selectors import shop_notice_recipients

#: event → (audiences, subject)
EVENTS = {
    "opened": (("shop",), _("Yêu cầu trả hàng/khiếu nại mới cho đơn #{number}")),
    "answered": (("buyer",), _("Cửa hàng đã phản hồi yêu cầu của bạn cho đơn #{number}")),
    "agreed": (("shop",), _("Người mua đồng ý với phản hồi cho đơn #{number}")),
    "refund_recorded": (("buyer",), _("Cửa hàng đã hoàn tiền cho đơn #{number}")),
    "escalated": (("buyer", "shop"), _("Yêu cầu cho đơn #{number} đã chuyển Ban quản lý chương trình")),
    "decided": (("buyer", "shop"), _("Ban quản lý chương trình đã xử lý yêu cầu cho đơn #{number}")),
}


def buyer_recipients(complaint: Complaint) -> list[str]:
    user = complaint.user
    if user is not None and user.is_active and user.email:
        return [user.email]
    return [complaint.contact_email] if complaint.contact_email else []


def shop_recipients(complaint: Complaint) -> list[str]:
    return [user.email for user in shop_notice_recipients(complaint.shop)]


def send_complaint_event(complaint_id: int, event: str) -> int:
    """Send the mails of `event` about the case as it stands now; how many went out."""
    complaint = (
        Complaint.objects.select_related("order", "order__purchase", "shop", "user")
        .filter(pk=complaint_id).first()
    )
    if complaint is None or event not in EVENTS:
        return 0
    audiences, subject = EVENTS[event]
    context = {
        "complaint": complaint,
        "order": complaint.order,
        "shop": complaint.shop,
        "marketplace_name": getattr(settings, "MARKETPLACE_NAME", ""),
        "buyer_url": site_url(buyer_complaint_path(complaint.order)),
        "shop_url": site_url(seller_complaint_path(complaint)),
    }
    sent = 0
    for audience in audiences:
        recipients = buyer_recipients(complaint) if audience == "buyer" else shop_recipients(complaint)
        sent += mail_send(
            recipients=recipients,
            subject=format_lazy(subject, number=complaint.order.number),
            template=f"complaints/emails/{event}_{audience}.txt",
            context={**context, "audience": audience},
        )
    return sent
