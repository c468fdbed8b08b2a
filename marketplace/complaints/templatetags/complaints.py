"""Template helpers of the complaint pages: time left before a deadline, and what an order
page shows about returns (`complaints/_entry.html`)."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from marketplace.complaints.links import buyer_complaint_path
from marketplace.complaints.selectors import complaint_entry

register = template.Library()


@register.filter
def time_left(due, now=None) -> str:
    """"1 ngày 5 giờ", "3 giờ 20 phút", "12 phút" until `due`; "" once it has passed."""
    if not due:
        return ""
    seconds = int((due - (now or timezone.now())).total_seconds())
    if seconds <= 0:
        return ""
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = max(rest // 60, 1 if not (days or hours) else 0)
    parts = []
    if days:
        parts.append(ngettext("%(n)s ngày", "%(n)s ngày", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s giờ", "%(n)s giờ", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)s phút", "%(n)s phút", minutes) % {"n": minutes})
    return " ".join(parts)


@register.simple_tag
def order_complaint(order, signed=False) -> dict:
    """{entry (case, can_open, window_closes), url} for an order page's returns entry."""
    entry = complaint_entry(order)
    url = buyer_complaint_path(order, signed=bool(signed)) if (entry.complaint or entry.can_open) else ""
    return {"entry": entry, "url": url}
