"""Template helpers of the product card (catalogue/partials/product_card.html).

    {% load product_cards %}
    {% if product|buyable_on_card %}…"Thêm vào giỏ"…{% endif %}
"""

from django import template

from catalogue.selectors import is_buyable

register = template.Library()


@register.filter
def buyable_on_card(product) -> bool:
    """Whether the card offers "Thêm vào giỏ": priced and in stock, not a parent product
    (`catalogue.selectors.is_buyable`, read from the card's prefetched rows: no query).
    Cards only show products buyers may see (`product_list_public()`)."""
    return is_buyable(product)
