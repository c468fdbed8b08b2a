"""Template helpers of the product card (catalogue/partials/product_card.html) and of the one
price display (catalogue/partials/price.html).

    {% load product_cards %}
    {% if product|buyable_on_card %}…"Thêm vào giỏ"…{% endif %}
    {% include "catalogue/partials/price.html" with price=product|card_price %}
    {% include "catalogue/partials/price.html" with price=line.stockrecord|price_now %}
"""

from django import template

from catalogue.pricing import price_in_force
from catalogue.selectors import card_stockrecord, is_buyable

register = template.Library()


@register.filter
def buyable_on_card(product) -> bool:
    """Whether the card offers "Thêm vào giỏ": priced and in stock, not a parent product
    (`catalogue.selectors.is_buyable`, read from the card's prefetched rows: no query).
    Cards only show products buyers may see (`product_list_public()`)."""
    return is_buyable(product)


@register.filter
def card_price(product):
    """The price in force of the record a card sells from (`card_stockrecord`, prefetched:
    no query), a `catalogue.pricing.Price` or None."""
    return price_in_force(card_stockrecord(product))


@register.filter
def price_now(records):
    """The price in force of a stock record, or the lowest of a list of them (None: no price)."""
    return price_in_force(records)
