"""Pricing and availability: Oscar's Default strategy, but only what buyers may see sells.

A product buyers cannot see (hidden by its seller, awaiting or refused by moderation, of a
shop that is not approved) is unavailable to buy: `catalogue.selectors.product_is_public`,
the product page's own rule, so a direct POST to /basket/add/<id>/ is refused by Oscar's
add-to-basket form, the basket page marks the line, and placing refuses it.

Prices are listed including all costs (Decree 52/2013 as amended by 85/2021), so
there is no tax on top: Oscar's NoTax policy, on the price in force (a sale price while its
sale runs, catalogue/pricing.py), so the basket, the checkout's quote and the placed order
charge what the product page shows at that moment.
"""

from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner import availability
from oscar.apps.partner import prices as oscar_prices
from oscar.apps.partner import strategy as oscar_strategy

from catalogue.pricing import price_in_force
from catalogue.selectors import product_is_public


class NotForSale(availability.Unavailable):
    """Unavailable because buyers may no longer see the product (not a stock matter)."""

    code = "not_for_sale"
    message = _("Không còn bán")


class MarketplaceStrategy(oscar_strategy.Default):
    def fetch_for_line(self, line, stockrecord=None):
        """A basket line is priced on its own stock record (Oscar looks the product's first
        one up again, line by line). The shops and product classes of every line of the basket
        are loaded at the first line, in one query each, so a basket page of many shops costs
        what a basket of one does."""
        if type(line).basket.is_cached(line) and line.basket.id is not None:
            prefetch_related_objects(
                list(line.basket.all_lines()),
                "stockrecord__partner", "product__product_class", "product__shop",
            )
        if stockrecord is None and line.stockrecord_id is not None:
            stockrecord = line.stockrecord
        return self.fetch_for_product(line.product, stockrecord=stockrecord)

    def pricing_policy(self, product, stockrecord):
        """Oscar's NoTax price, of the price in force now rather than the list price."""
        price = price_in_force(stockrecord)
        if price is None:
            return super().pricing_policy(product, stockrecord)  # Oscar's UnavailablePrice
        return oscar_prices.FixedPrice(
            currency=stockrecord.price_currency, excl_tax=Decimal(price.price), tax=Decimal("0"),
        )

    def parent_pricing_policy(self, product, children_stock):
        """A parent's "from" price: the lowest price in force of its variants."""
        price = price_in_force([record for _child, record in children_stock if record is not None])
        if price is None:
            return super().parent_pricing_policy(product, children_stock)
        return oscar_prices.FixedPrice(
            currency=price.record.price_currency, excl_tax=Decimal(price.price), tax=Decimal("0"),
        )

    def availability_policy(self, product, stockrecord):
        if not product_is_public(product):
            return NotForSale()
        if stockrecord is not None and not stockrecord.partner.is_approved:
            return availability.Unavailable()
        return super().availability_policy(product, stockrecord)


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return MarketplaceStrategy(request)
