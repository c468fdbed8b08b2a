"""What a basket costs, shop by shop: the figures the basket page and the review page show
and the checkout places. Every amount is recomputed here from the database, never taken
from the buyer's form, so a tampered price or shipping fee cannot reach an order.

Before the buyer has chosen a delivery option (the basket page, the delivery step's first
showing), each shop's cheapest delivery is assumed — the same one the delivery step then
offers first — so the total the basket shows is the total placed unless the buyer changes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from catalogue.selectors import product_is_public
from marketplace.core.errors import Refused
from marketplace.core.money import to_vnd
from shops.models import Partner, ShippingOption

DEFAULT_OPTION_KEY = "default"


class CheckoutError(Refused):
    """A checkout that cannot go on; `messages` are shown to the buyer as they are."""


def default_option() -> ShippingOption:
    """The programme's delivery option for a shop that has not set any yet (never saved)."""
    return ShippingOption(
        name=_("Giao hàng tiêu chuẩn"), kind=ShippingOption.Kind.FLAT,
        fee=settings.CHECKOUT_DEFAULT_SHIPPING_FEE,
    )


def option_key(option: ShippingOption) -> str:
    return str(option.pk) if option.pk else DEFAULT_OPTION_KEY


@dataclass
class PartDiscount:
    """What one offer (a voucher's, or a programme offer) takes off one shop's lines."""

    offer: object  # offer.ConditionalOffer; `offer.shop_id` set: the shop pays for it
    voucher: object | None
    amount: int
    frequency: int = 1

    @property
    def paid_by_shop(self) -> bool:
        return self.offer.shop_id is not None

    @property
    def label(self) -> str:
        return self.voucher.code if self.voucher is not None else self.offer.name


@dataclass
class ShopPart:
    """One shop's lines of the basket: they become one order."""

    shop: Partner
    lines: list = field(default_factory=list)
    options: list[ShippingOption] = field(default_factory=list)
    option: ShippingOption | None = None

    @property
    def items_total(self) -> int:
        """The shop's lines after every discount (what the order charges for goods)."""
        return sum(to_vnd(line.line_price_incl_tax_incl_discounts) for line in self.lines)

    @property
    def items_before_discounts(self) -> int:
        return sum(to_vnd(line.line_price_incl_tax) for line in self.lines)

    @property
    def discounts(self) -> list[PartDiscount]:
        """The discounts Oscar's offers put on this shop's lines, one per offer, in whole đồng
        (marketplace/offer/models.py rounds them so)."""
        by_offer: dict[int, PartDiscount] = {}
        for line in self.lines:
            for applied in line.discounts:
                if applied.offer is None:
                    continue
                entry = by_offer.setdefault(
                    applied.offer.pk, PartDiscount(applied.offer, applied.offer.get_voucher(), 0)
                )
                entry.amount += to_vnd(applied.amount)
        return [d for d in by_offer.values() if d.amount > 0]

    @property
    def discount_total(self) -> int:
        return self.items_before_discounts - self.items_total

    @property
    def shipping(self) -> int:
        return self.option.charge_for(self.items_total) if self.option is not None else 0

    @property
    def total(self) -> int:
        return self.items_total + self.shipping

    @property
    def num_items(self) -> int:
        return sum(line.quantity for line in self.lines)

    def charges(self) -> list[tuple[ShippingOption, int]]:
        """Each option with what it would cost for this shop's lines (for the choice form)."""
        return [(option, option.charge_for(self.items_total)) for option in self.options]

    @property
    def free_above(self) -> int | None:
        """The lowest order value from which one of the shop's options delivers free."""
        thresholds = [
            option.free_above for option in self.options
            if option.kind == ShippingOption.Kind.FREE_ABOVE and option.free_above
        ]
        return min(thresholds) if thresholds else None

    @property
    def free_above_missing(self) -> int:
        """What the buyer would add to this shop's lines for free delivery (0: not applicable)."""
        threshold = self.free_above
        if threshold is None or self.shipping == 0:
            return 0
        return max(threshold - self.items_total, 0)


@dataclass
class Quote:
    parts: list[ShopPart]

    @property
    def items_total(self) -> int:
        return sum(part.items_total for part in self.parts)

    @property
    def items_before_discounts(self) -> int:
        return sum(part.items_before_discounts for part in self.parts)

    @property
    def discount_total(self) -> int:
        return sum(part.discount_total for part in self.parts)

    @property
    def shipping_total(self) -> int:
        return sum(part.shipping for part in self.parts)

    @property
    def total(self) -> int:
        return self.items_total + self.shipping_total

    @property
    def shipping_chosen(self) -> bool:
        return all(part.option is not None for part in self.parts)

    def choices(self) -> dict[str, str]:
        """{shop id: option key} of the options in force (what the session keeps)."""
        return {str(part.shop.pk): option_key(part.option) for part in self.parts if part.option}


def not_for_sale_message(title: str) -> str:
    """A product buyers may no longer see (hidden, under moderation): the basket keeps it."""
    return _("“%(title)s” không còn được bán; hãy bỏ khỏi giỏ hàng để đặt hàng.") % {"title": title}


def _line_problem(line) -> str | None:
    product = line.product
    title = product.get_title() if product is not None else _("Sản phẩm")
    if line.stockrecord is None or line.stockrecord.partner is None:
        return _("“%(title)s” không còn được bán.") % {"title": title}
    shop = line.stockrecord.partner
    if not shop.is_approved:
        return _("Cửa hàng “%(shop)s” đang tạm ngưng bán; hãy bỏ “%(title)s” khỏi giỏ hàng.") % {
            "shop": shop.name, "title": title,
        }
    if not product_is_public(product):
        return not_for_sale_message(title)
    info = line.purchase_info
    if info is None or info.price is None or not info.price.exists:
        return _("“%(title)s” hiện chưa có giá bán.") % {"title": title}
    permitted, reason = info.availability.is_purchase_permitted(line.quantity)
    if not permitted:
        record = line.stockrecord
        free = max((record.num_in_stock or 0) - (record.num_allocated or 0), 0)
        if free:
            return _("“%(title)s” chỉ còn %(free)s; hãy giảm số lượng trong giỏ hàng.") % {
                "title": title, "free": free,
            }
        return _("“%(title)s” đã hết hàng; hãy bỏ khỏi giỏ hàng.") % {"title": title}
    return None


def basket_problems(basket) -> list[str]:
    """Why this basket cannot be checked out now (empty when it can)."""
    if basket.is_empty:
        return [_("Giỏ hàng đang trống.")]
    return [problem for line in basket.all_lines() if (problem := _line_problem(line))]


def cheapest_option(options: list[ShippingOption], items_total: int) -> ShippingOption:
    """The delivery the basket assumes before the buyer chooses: the cheapest for these lines,
    delivered rather than collected from the shop when the shop delivers at all."""
    delivered = [o for o in options if o.kind != ShippingOption.Kind.PICKUP] or options
    return min(delivered, key=lambda o: (o.charge_for(items_total), o.position, o.pk or 0))


def basket_quote(basket, choices: dict | None = None, *, cheapest_by_default: bool = False) -> Quote:
    """The basket split per shop, with the chosen (or only) delivery option of each.

    `choices` maps shop id → option key, as strings or ints (from the session or a form).
    An option that is not one of the shop's active ones is ignored, not trusted. A shop with
    no valid choice and several options gets none (placing refuses it), or, with
    `cheapest_by_default`, its cheapest (what the basket page shows).
    """
    choices = {str(k): str(v) for k, v in (choices or {}).items()}
    parts: dict[int, ShopPart] = {}
    lines = list(basket.all_lines())
    # One query for the shops of every line (not one per line).
    prefetch_related_objects([line for line in lines if line.stockrecord_id], "stockrecord__partner")
    for line in lines:
        shop = line.stockrecord.partner if line.stockrecord is not None else None
        if shop is None:
            continue
        parts.setdefault(shop.pk, ShopPart(shop=shop)).lines.append(line)
    options_by_shop: dict[int, list[ShippingOption]] = {}
    for option in ShippingOption.objects.filter(shop_id__in=parts, is_active=True):
        options_by_shop.setdefault(option.shop_id, []).append(option)
    for shop_id, part in parts.items():
        part.options = options_by_shop.get(shop_id) or [default_option()]
        wanted = choices.get(str(shop_id))
        part.option = next((o for o in part.options if option_key(o) == wanted), None)
        if part.option is None and len(part.options) == 1:
            part.option = part.options[0]
        if part.option is None and cheapest_by_default:
            part.option = cheapest_option(part.options, part.items_total)
    return Quote(parts=sorted(parts.values(), key=lambda p: p.shop.name))
