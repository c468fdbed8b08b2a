"""Template helpers of the product card (catalogue/partials/product_card.html).

    {% load product_cards %}
    {% if product|buyable_on_card %}…"Thêm vào giỏ"…{% endif %}
"""

from django import template

from catalogue.selectors import is_buyable, record_is_available, sellable_records
from search.indexing import price_fields

register = template.Library()


@register.filter
def buyable_on_card(product) -> bool:
    """Whether the card offers "Thêm vào giỏ": priced and in stock, not a parent product
    (`catalogue.selectors.is_buyable`, read from the card's prefetched rows: no query).
    Cards only show products buyers may see (`product_list_public()`)."""
    return is_buyable(product)


@register.filter
def card_prices(product) -> dict:
    """What a card shows of its price (catalogue/partials/price_range.html): `price` (lowest),
    `price_max` (highest: a range for a product with options) from
    `search.indexing.price_fields`, `available` (any option in stock) and `has_options`.
    Read from `product_list_public()`'s prefetched rows: no query."""
    records = sellable_records(product)
    return {
        **price_fields(product, records),
        "available": any(record_is_available(product, record) for record in records),
        "has_options": product.is_parent,
    }
