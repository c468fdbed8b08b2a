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
from marketplace.checkout.vouchers import listed_shop_vouchers

register = template.Library()


@dataclass
class ShopGroup:
    part: ShopPart | None  # None: lines no shop sells any more (the checkout explains them)
    forms: list[tuple[int, object]] = field(default_factory=list)  # (form index, form)
    vouchers: list = field(default_factory=list)  # the basket's vouchers of this shop
    listed: list = field(default_factory=list)  # the shop's vouchers a buyer may pick now


@dataclass
class BasketByShop:
    quote: Quote
    groups: list[ShopGroup]
    programme_vouchers: list = field(default_factory=list)  # the basket's programme vouchers


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
    # Vouchers: one query for the basket's, one for the shops' listed ones.
    listed = listed_shop_vouchers([part.shop.pk for part in quote.parts])
    in_basket = list(request.basket.vouchers.prefetch_related("offers")) if request.basket.id else []
    programme = []
    for voucher in in_basket:
        offer = next(iter(voucher.offers.all()), None)
        group = next((g for g in ordered if offer is not None and g.part.shop.pk == offer.shop_id), None)
        (group.vouchers if group is not None else programme).append(voucher)
    for group in ordered:
        group.listed = listed.get(group.part.shop.pk, [])
    if orphans.forms:
        ordered.append(orphans)
    return BasketByShop(quote=quote, groups=ordered, programme_vouchers=programme)
