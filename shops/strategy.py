"""Pricing and availability: Oscar's Default strategy, but only approved shops sell.

Prices are listed including all costs (Decree 52/2013 as amended by 85/2021), so
there is no tax on top: Oscar's NoTax policy.
"""

from oscar.apps.partner import availability
from oscar.apps.partner import strategy as oscar_strategy


class MarketplaceStrategy(oscar_strategy.Default):
    def availability_policy(self, product, stockrecord):
        if stockrecord is not None and not stockrecord.partner.is_approved:
            return availability.Unavailable()
        return super().availability_policy(product, stockrecord)


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return MarketplaceStrategy(request)
