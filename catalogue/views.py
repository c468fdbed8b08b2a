"""Product page and its QR code: only public products of approved shops (staff may preview any)."""

import functools
import hashlib

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header
from django.views import View
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView

from catalogue import qr
from catalogue.selectors import prefetch_product_page, product_is_public, product_page_queryset
from marketplace.core import pagecache
from shops.access import membership_for
from shops.selectors import shop_contact, shop_rating

QR_FORMATS = {
    "png": ("image/png", qr.product_qr_png),
    "svg": ("image/svg+xml", qr.product_qr_svg),
}
QR_MAX_AGE = 24 * 3600


def best_valid_certificate(product):
    """The certificate a buyer is shown: verified, valid today, most stars first."""
    return product.ocop_certificates.valid().order_by("-stars", "-expires_on").first()


class ProductDetailView(OscarProductDetailView):
    def get(self, request, *args, **kwargs):
        # Anonymous visitors get the stored page while the product's state (visibility,
        # price, stock) is unchanged: marketplace/core/pagecache.py.
        response = pagecache.serve(
            request,
            "product",
            render=lambda: super(ProductDetailView, self).get(request, *args, **kwargs),
            products=self.page_products,
            known_products=[kwargs["pk"]],
        )
        if response.get(pagecache.HEADER) == "hit":
            # What Oscar does after rendering: the view count and the recently-viewed cookie.
            self.send_signal(request, response, self.model(pk=int(kwargs["pk"])))
        return response

    def page_products(self, response):
        """The products the stored page depends on; None: do not store this response."""
        product = getattr(self, "object", None)
        if response.status_code != 200 or product is None:
            return None
        return [product.pk, product.parent_id] if product.is_child else [product.pk]

    def get_queryset(self):
        # One query for the product, its shop, class and parent (catalogue.selectors).
        return product_page_queryset()

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        return prefetch_product_page(super().get_object(queryset))

    def is_viewable(self, product, request):
        return request.user.is_staff or product_is_public(product)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        product = self.object
        ctx["ocop_certificate"] = best_valid_certificate(product)
        # The producing shop (a variant's is its parent's), for the origin box.
        shop = product.parent.shop if product.is_child else product.shop
        ctx["product_shop"] = shop
        if shop is not None:
            # The shop card: its rating over all its products' reviews, how to reach it. Read
            # only when the template renders the card (its cached fragment may be there:
            # marketplace/core/fragments.py); a template calls them, once each.
            ctx["shop_rating"] = functools.cache(functools.partial(shop_rating, shop=shop))
            ctx["shop_contact"] = functools.cache(functools.partial(shop_contact, shop=shop))
            # Blocks for the shop's own people only (edit link, stock, QR for packaging).
            # Signed-in visitors only: the anonymous page (cached) never has them.
            ctx["is_shop_member"] = membership_for(self.request.user, shop) is not None
        return ctx


class ProductQrView(View):
    """The product page's address as a QR code, PNG or SVG, downloaded for printing.

    Same visibility as the product page: 404 for what buyers may not see (staff may preview).
    """

    def get(self, request, product_slug, pk, fmt):
        product = (
            ProductDetailView.model.objects.select_related("shop", "parent__shop")
            .filter(pk=pk)
            .first()
        )
        if product is None or fmt not in QR_FORMATS:
            raise Http404()
        public = product_is_public(product)
        if not (public or request.user.is_staff):
            raise Http404()
        if product_slug != product.slug:
            return HttpResponsePermanentRedirect(
                reverse(
                    "catalogue:product-qr",
                    kwargs={
                        "product_slug": product.slug,
                        "pk": product.pk,
                        "fmt": fmt,
                    },
                )
            )
        content_type, render = QR_FORMATS[fmt]
        # The image depends only on the encoded address: a stable validator for revalidation.
        fingerprint = f"{fmt}|{qr.QUIET_ZONE}|{qr.product_absolute_url(product)}"
        etag = f'"{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"'
        response = get_conditional_response(request, etag=etag)
        if response is None:
            response = HttpResponse(render(product), content_type=content_type)
            response["Content-Disposition"] = content_disposition_header(
                as_attachment=True, filename=f"ocop-{product.slug}.{fmt}"
            )
        response["ETag"] = etag
        response["X-Content-Type-Options"] = "nosniff"
        if public:
            patch_cache_control(response, public=True, max_age=QR_MAX_AGE)
        else:  # a staff preview of a hidden product stays out of shared caches
            patch_cache_control(response, private=True, no_store=True)
        return response
