"""Product page: only public products of approved shops (staff may preview any)."""

from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView


class ProductDetailView(OscarProductDetailView):
    def get_queryset(self):
        return super().get_queryset().select_related("shop", "parent__shop")

    def is_viewable(self, product, request):
        if request.user.is_staff:
            return True
        shop = product.parent.shop if product.is_child else product.shop
        moderated = product.parent if product.is_child else product
        return (
            bool(shop and shop.is_approved)
            and moderated.moderation_status == moderated.Moderation.APPROVED
            and super().is_viewable(product, request)
        )
