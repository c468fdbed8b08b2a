"""Template helpers of the marketplace reviews (catalogue/reviews/).

    {% load marketplace_reviews %}
    {% product_reviews product as reviews %}      the newest approved reviews (3 by default)
    {% if product|may_review:user %}…{% endif %}  signed-in buyer who received it, not yet reviewed
"""

from django import template

from catalogue.reviews import selectors, services

register = template.Library()


@register.simple_tag
def product_reviews(product, limit: int = 3):
    return list(selectors.product_reviews_public(product=product)[:limit])


@register.filter
def may_review(product, user) -> bool:
    return bool(product) and services.can_review(user, product)
