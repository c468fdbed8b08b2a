"""Template tags of the buyer's order pages (Oscar's customer templates, overridden by name,
and the signed purchase page)."""

from django import template
from django.template.loader import get_template

from marketplace.order import selectors

register = template.Library()


@register.simple_tag
def purchase_groups(orders):
    """{% purchase_groups orders as groups %}: the page's shop orders grouped by purchase."""
    return selectors.purchase_groups(orders)


@register.simple_tag
def buyer_order_view(order):
    """{% buyer_order_view order as view %}: purchase, its link, the VietQR, the other shops'
    orders, the parcels and the timeline."""
    return selectors.buyer_order_view(order)


@register.simple_tag(takes_context=True)
def include_if_exists(context, template_name: str, **extra):
    """{% include_if_exists "app/partial.html" order=order %}: the partial when an app
    provides it, else nothing — a place another app plugs into without this template
    knowing whether it is installed."""
    try:
        partial = get_template(template_name)
    except template.TemplateDoesNotExist:
        return ""
    values = context.flatten()
    values.update(extra)
    return partial.render(values, context.get("request"))
