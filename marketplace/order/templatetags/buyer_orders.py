"""Template tags of the buyer's order pages (Oscar's customer templates, overridden by name,
and the signed purchase page)."""

from django import template

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
