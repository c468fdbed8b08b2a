"""Oscar's offers with shop vouchers (docs/decisions/0044-shop-vouchers.md).

- `Range.shop`: a range that belongs to a shop contains that shop's products only — a
  product of the shop, or a variant whose parent is the shop's — whatever else was put in
  it (included products, categories, classes, "all products", a proxy class). Every way
  Oscar asks a range about products (`contains_product`, `all_products`,
  `Range.objects.contains_product`) goes through these overrides.
- `ConditionalOffer.shop`: the shop that pays for the offer's discounts (a shop voucher);
  blank for the programme's offers. An offer of a shop applies only through ranges of that
  same shop, so a range edited elsewhere cannot make a shop pay for another shop's lines.
- `Benefit.max_discount`: the most a percentage discount takes off one basket.
- Percentage discounts are computed in whole đồng and spread over the lines as Oscar spreads
  an absolute discount, so every line price stays a whole number of đồng (ADR 0003).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from oscar.apps.offer import abstract_models
from oscar.apps.offer.queryset import RangeQuerySet
from oscar.apps.offer.results import ZERO_DISCOUNT


def round_vnd(amount, currency=None) -> Decimal:
    """Oscar's offer rounding (OSCAR_OFFER_ROUNDING_FUNCTION): whole đồng, half up — it
    shares a discount out over lines, the last line taking what is left, so the total stays
    exact and each line's share reads 10.000 ₫ rather than 9.999 ₫."""
    return Decimal(amount).quantize(Decimal("1"), ROUND_HALF_UP)


def shop_products_q(shop_id: int, prefix: str = "") -> Q:
    """Products of the shop: its own, and variants whose parent is its own (a variant never
    belongs to another shop than its parent's)."""
    own = Q(**{f"{prefix}shop_id": shop_id, f"{prefix}parent__isnull": True})
    variant = Q(**{f"{prefix}parent__shop_id": shop_id}) & (
        Q(**{f"{prefix}shop_id": shop_id}) | Q(**{f"{prefix}shop__isnull": True})
    )
    return own | variant


def product_of_shop(product, shop_id: int) -> bool:
    if product is None or shop_id is None:
        return False
    if product.parent_id:
        return product.parent.shop_id == shop_id and product.shop_id in (None, shop_id)
    return product.shop_id == shop_id


class ShopRangeQuerySet(RangeQuerySet):
    def contains_product(self, product):
        """Ranges containing `product`: a shop's range only when it is that shop's product."""
        qs = super().contains_product(product)
        owner = product.parent.shop_id if product.parent_id else product.shop_id
        return qs.filter(Q(shop__isnull=True) | Q(shop_id=owner)) if owner else qs.filter(shop__isnull=True)


ShopRangeManager = models.Manager.from_queryset(ShopRangeQuerySet, "ShopRangeManager")


class BrowsableShopRangeManager(ShopRangeManager):
    def get_queryset(self):
        return super().get_queryset().filter(is_public=True)


class Range(abstract_models.AbstractRange):
    shop = models.ForeignKey(
        "partner.Partner", on_delete=models.CASCADE, null=True, blank=True,
        related_name="offer_ranges", verbose_name=_("Cửa hàng"),
        help_text=_("Khi có: dải sản phẩm chỉ gồm sản phẩm của cửa hàng này."),
    )

    objects = ShopRangeManager()
    browsable = BrowsableShopRangeManager()

    def contains_product(self, product):
        if self.shop_id is not None and not product_of_shop(product, self.shop_id):
            return False
        return super().contains_product(product)

    def all_products(self):
        products = super().all_products()
        if self.shop_id is not None:
            products = products.filter(shop_products_q(self.shop_id))
        return products


class ConditionalOffer(abstract_models.AbstractConditionalOffer):
    shop = models.ForeignKey(
        "partner.Partner", on_delete=models.CASCADE, null=True, blank=True,
        related_name="offers", verbose_name=_("Cửa hàng chịu chi phí"),
        help_text=_("Để trống: chương trình chịu chi phí giảm giá."),
    )
    listed = models.BooleanField(
        _("Hiện trong danh sách mã của shop"), default=True,
        help_text=_("Người mua thấy và chọn được mã ở giỏ hàng; bỏ chọn để chỉ ai có mã mới dùng được."),
    )

    @property
    def paid_by_shop(self) -> bool:
        return self.shop_id is not None

    def confined(self) -> bool:
        """A shop's offer applies only through ranges of that same shop."""
        if self.shop_id is None:
            return True
        return (
            self.condition.range is not None and self.condition.range.shop_id == self.shop_id
            and self.benefit.range is not None and self.benefit.range.shop_id == self.shop_id
        )

    def apply_benefit(self, basket):
        if not self.confined():
            return ZERO_DISCOUNT
        if not self.is_condition_satisfied(basket):
            return ZERO_DISCOUNT
        benefit = self.benefit.proxy()
        if self.benefit.type == self.benefit.PERCENTAGE:
            return _apply_percentage(benefit, basket, self.condition.proxy(), self)
        return benefit.apply(basket, self.condition.proxy(), self)


def _apply_percentage(benefit, basket, condition, offer):
    """Oscar's percentage discount in whole đồng: the percentage of the affected lines'
    value, rounded down to the đồng, at most `max_discount`, spread over the lines by Oscar's
    absolute discount (which gives the rounding remainder to the last line)."""
    # Oscar's benefits module loads this app's models by name: not importable while they load.
    from oscar.apps.offer.benefits import AbsoluteDiscountBenefit

    max_items = benefit._effective_max_affected_items()
    affected, total = 0, Decimal(0)
    for price, line in benefit.get_applicable_lines(offer, basket):
        if affected >= max_items:
            break
        qty = min(line.quantity_without_offer_discount(offer), max_items - affected)
        affected += qty
        total += price * qty
    percent = min(Decimal(benefit.value or 0), Decimal(100))
    discount = (total * percent / Decimal(100)).quantize(Decimal("1"), ROUND_DOWN)
    if offer.benefit.max_discount:
        discount = min(discount, Decimal(offer.benefit.max_discount))
    if discount <= 0:
        return ZERO_DISCOUNT
    return AbsoluteDiscountBenefit.apply(benefit, basket, condition, offer, discount_amount=discount)


class Benefit(abstract_models.AbstractBenefit):
    max_discount = models.PositiveBigIntegerField(
        _("Giảm tối đa (₫)"), null=True, blank=True,
        help_text=_("Với giảm theo phần trăm: số tiền giảm nhiều nhất cho một đơn."),
    )


from oscar.apps.offer.models import *  # noqa: E402,F403 -- Oscar's remaining models
