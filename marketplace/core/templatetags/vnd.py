from django import template

from marketplace.core.money import format_vnd

register = template.Library()


@register.filter(name="vnd")
def vnd(value):
    """{{ price|vnd }} -> 1.250.000 ₫ ; empty for missing values."""
    if value is None or value == "":
        return ""
    try:
        return format_vnd(value)
    except (TypeError, ValueError):
        return ""
