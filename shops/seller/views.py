"""Seller workspace entry: pick a shop (a helper may assist several)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import TemplateView

from shops.access import shops_for_user


class WorkspaceHomeView(LoginRequiredMixin, TemplateView):
    template_name = "seller/choose_shop.html"

    def get(self, request, *args, **kwargs):
        shops = list(shops_for_user(request.user))
        if len(shops) == 1:
            return redirect("seller:overview", shop_code=shops[0].code)
        return self.render_to_response(self.get_context_data(shops=shops))
