"""The base of every seller workspace view: a signed-in member of the shop in the URL."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404

from shops.access import capacity_of, seller_shop_or_404, shops_for_user
from shops.identity.selectors import shop_identity_status
from shops.models import ShopMember


class SellerShopMixin(LoginRequiredMixin):
    """Resolves `self.shop` and `self.membership` from the `shop_code` URL argument.

    Querysets of subclasses must start from `self.shop` (e.g. `self.shop.products`) so
    that another shop's object ids answer 404.
    """

    shop = None
    membership = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.shop, self.membership = seller_shop_or_404(request.user, kwargs["shop_code"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def capacity(self) -> str:
        """The acting capacity recorded in the audit log (owner, staff, helper)."""
        return capacity_of(self.membership)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shop"] = self.shop
        context["membership"] = self.membership
        context["my_shops"] = shops_for_user(self.request.user)
        # The banner of every page while the representative is not verified (seller/base.html).
        context["identity_status"] = shop_identity_status(shop=self.shop)
        return context


class OwnerRequiredMixin(SellerShopMixin):
    """Only the shop's owner (e.g. to grant or revoke a helper's access)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.shop, self.membership = seller_shop_or_404(request.user, kwargs["shop_code"])
            if self.membership.role != ShopMember.Role.OWNER:
                raise Http404("Only the owner may do this")
        return super(SellerShopMixin, self).dispatch(request, *args, **kwargs)
