"""Template helpers of the product card (catalogue/partials/product_card.html) and of the one
price display (catalogue/partials/price.html).

    {% load product_cards %}
    {% if product|buyable_on_card %}…"Thêm vào giỏ"…{% endif %}
    {% include "catalogue/partials/price.html" with price=product|card_price %}
    {% include "catalogue/partials/price.html" with price=line.stockrecord|price_now %}
"""

from django import template

from catalogue.pricing import price_in_force, price_range
from catalogue.selectors import is_available, is_buyable, sellable_records

register = template.Library()


@register.filter
def buyable_on_card(product) -> bool:
    """Whether the card offers "Thêm vào giỏ": priced and in stock, not a parent product
    (`catalogue.selectors.is_buyable`, read from the card's prefetched rows: no query).
    Cards only show products buyers may see (`product_list_public()`)."""
    return is_buyable(product)


@register.filter
def card_price(product):
    """The price a card shows (`catalogue.pricing.price_range` of the records it sells from:
    a standalone's own, a parent's public options'; prefetched by `product_list_public()`,
    no query): a `Price`, with `price_max` for options of different prices, or None."""
    return price_range(sellable_records(product))


@register.filter
def card_available(product) -> bool:
    """In stock: a standalone by its record, a product with options when any option is
    (`catalogue.selectors.is_available`, no query)."""
    return is_available(product)


@register.filter
def price_now(records):
    """The price in force of a stock record, or the lowest of a list of them (None: no price)."""
    return price_in_force(records)
