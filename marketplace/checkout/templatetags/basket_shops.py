"""The basket page by shop: each shop's lines with its delivery fee, and the total to pay.

Oscar's basket view is kept (its formset, vouchers, saved items); this tag regroups the
formset's forms under the shops of `marketplace.checkout.quote.basket_quote` — the one place
that prices a basket — so the basket shows what the checkout will charge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template

from marketplace.checkout.quote import Quote, ShopPart, basket_quote
from marketplace.checkout.session import session_shipping_choices

register = template.Library()


@dataclass
class ShopGroup:
    part: ShopPart | None  # None: lines no shop sells any more (the checkout explains them)
    forms: list[tuple[int, object]] = field(default_factory=list)  # (form index, form)


@dataclass
class BasketByShop:
    quote: Quote
    groups: list[ShopGroup]


@register.simple_tag(takes_context=True)
def basket_by_shop(context, formset) -> BasketByShop:
    """`{% basket_by_shop formset as by_shop %}`: by_shop.groups (one per shop) and by_shop.quote
    (the totals, each shop's delivery as chosen in checkout or else its cheapest)."""
    request = context["request"]
    quote = basket_quote(request.basket, session_shipping_choices(request), cheapest_by_default=True)
    part_of_line = {line.pk: part for part in quote.parts for line in part.lines}
    groups = {id(part): ShopGroup(part) for part in quote.parts}
    orphans = ShopGroup(None)
    for index, form in enumerate(formset):
        part = part_of_line.get(form.instance.pk)
        (groups[id(part)] if part is not None else orphans).forms.append((index, form))
    ordered = [groups[id(part)] for part in quote.parts]
    if orphans.forms:
        ordered.append(orphans)
    return BasketByShop(quote=quote, groups=ordered)
