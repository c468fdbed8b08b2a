"""Buyer-facing shop pages: the directory and a storefront with legal disclosure."""

from django.http import Http404
from django.views.generic import DetailView, ListView

from catalogue.selectors import product_list_public
from shops.models import Partner
from shops.selectors import shop_list_approved


class ShopListView(ListView):
    template_name = "shops/shop_list.html"
    context_object_name = "shops"
    paginate_by = 24

    def get_queryset(self):
        return shop_list_approved()


class ShopDetailView(DetailView):
    template_name = "shops/shop_detail.html"
    context_object_name = "shop"

    def get_object(self, queryset=None):
        try:
            return Partner.objects.approved().get(code=self.kwargs["slug"])
        except Partner.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        products = product_list_public().filter(shop=self.object)
        # OCOP products first, then the newest.
        context["products"] = products.order_by("-ocop_stars", "-date_created")[:48]
        return context
