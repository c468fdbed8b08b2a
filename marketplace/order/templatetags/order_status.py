"""{{ status|order_status_label }}: a shop order's (or line's) status in words (statuses.py)."""

from django import template

from marketplace.order.statuses import OrderStatus

register = template.Library()


@register.filter
def order_status_label(status: str) -> str:
    return str(OrderStatus.label(status))
