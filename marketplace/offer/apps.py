import oscar.apps.offer.apps as oscar_offer


class OfferConfig(oscar_offer.OfferConfig):
    """Oscar's offer app, forked so that a range (and an offer) can belong to one shop:
    a shop's voucher discounts that shop's products only (docs/decisions/0044-shop-vouchers.md)."""

    name = "marketplace.offer"
