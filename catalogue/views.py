"""Product page and its QR code: only public products of approved shops (staff may preview any)."""

import functools
import hashlib

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import date_format
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.templatetags.currency_filters import currency

from catalogue import qr
from catalogue.models import Product, ProductImage
from catalogue.pricing import price_in_force
from catalogue.selectors import (
    card_stockrecord,
    page_attribute_values,
    page_certificate,
    page_product,
    prefetch_product_page,
    product_is_public,
    product_page_queryset,
    public_variants,
    record_is_available,
)
from marketplace.core import fragments, pagecache
from shops.access import membership_for
from shops.selectors import ShopRating, shop_contact, shop_rating

QR_FORMATS = {
    "png": ("image/png", qr.product_qr_png),
    "svg": ("image/svg+xml", qr.product_qr_svg),
}
QR_MAX_AGE = 24 * 3600


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
        if product.is_parent:  # its options' price and stock are on the page
            return [product.pk, *(child.pk for child in getattr(self, "variants", []))]
        return [product.pk, product.parent_id] if product.is_child else [product.pk]

    def redirect_if_necessary(self, current_path, product):
        """A variant's address shows its parent's page with that option chosen (a temporary
        redirect: the option may be removed later, the product stays)."""
        if product.is_child and product.parent_id:
            url = product.parent.get_absolute_url()
            return HttpResponseRedirect(f"{url}?{urlencode({'variant': product.pk})}")
        return super().redirect_if_necessary(current_path, product)

    def get_queryset(self):
        # One query for the product, its shop, class and parent (catalogue.selectors).
        return product_page_queryset()

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        if queryset is not None:
            return prefetch_product_page(super().get_object(queryset))
        # `get_queryset().get(pk=…)` without compiling its SQL again (catalogue.selectors).
        try:
            product = page_product(self.kwargs[self.pk_url_kwarg])
        except Product.DoesNotExist:
            raise Http404(_("Không tìm thấy sản phẩm.")) from None
        return prefetch_product_page(product)

    def is_viewable(self, product, request):
        return request.user.is_staff or product_is_public(product)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        product = self.object
        # Read with the product (catalogue.selectors.product_page_queryset): no query.
        ctx["ocop_certificate"] = page_certificate(product)
        ctx["product_attributes"] = functools.cache(functools.partial(page_attribute_values, product))
        ctx["purchase_product"] = product
        if product.is_parent:
            ctx.update(self.variant_context(product))
        # Read only when the gallery's cached fragment is missing (marketplace/core/fragments.py).
        ctx["gallery_images"] = functools.cache(functools.partial(self.gallery_images, product, ctx))
        # The producing shop (a variant's is its parent's), for the origin box.
        shop = product.parent.shop if product.is_child else product.shop
        ctx["product_shop"] = shop
        if shop is not None:
            # The shop card: its rating over all its products' reviews, how to reach it. Read
            # only when the template renders the card (its cached fragment may be there:
            # marketplace/core/fragments.py); a template calls them, once each.
            ctx["shop_rating"] = functools.cache(functools.partial(self.shop_rating, product, shop))
            ctx["shop_contact"] = functools.cache(functools.partial(shop_contact, shop=shop))
            # Blocks for the shop's own people only (edit link, stock, QR for packaging).
            # Signed-in visitors only: the anonymous page (cached) never has them.
            ctx["is_shop_member"] = membership_for(self.request.user, shop) is not None
        fragments.prefetch(self.request, self.page_fragments(product, shop, ctx))
        return ctx

    def page_fragments(self, product, shop, ctx) -> list[tuple[str, list]]:
        """The `{% fragment %}` tags of the page (oscar/catalogue/detail.html,
        catalogue/partials/product_reviews.html) with the values they vary on, read in one
        cache round trip (marketplace/core/fragments.py). Keep in step with the templates: a
        tag missing here reads its own fragment (tests/integration/catalogue/test_first_render.py
        checks that none does)."""
        variant = ctx.get("variant")
        found = [
            ("product-breadcrumb", [product.pk]),
            ("product-gallery", [product.pk, variant["id"] if variant else ""]),
            ("product-title", [product.pk]),
            ("product-description", [product.pk]),
            ("product-ocop", [product.pk]),
            ("product-origin", [product.pk]),
            ("product-info", [product.pk]),
            ("product-reviews", [product.pk, self.request.user.pk]),
        ]
        if shop is not None:
            found.append(("product-shop-box", [shop.pk]))
        return found

    @staticmethod
    def shop_rating(product, shop):
        """The shop card's rating: from the product query when it read this shop's (the
        page's product), else one aggregate query."""
        if product.shop_id == shop.pk and hasattr(product, "page_shop_rating_count"):
            average = product.page_shop_rating_average
            return ShopRating(
                average=round(float(average), 1) if average is not None else None,
                count=product.page_shop_rating_count or 0,
            )
        return shop_rating(shop=shop)

    @staticmethod
    def gallery_images(product, ctx) -> list:
        """The photos in the strip: a product with options shows the chosen option's photo
        first, then the product's, then the other options' (prefetched: no query each)."""
        if not product.is_parent:
            return list(product.get_all_images())
        chosen = ctx["variant"]["id"] if ctx.get("variant") else None
        options = [c["id"] for c in ctx.get("variants", [])]
        # the product's photos and its options' in one query
        rows = list(
            ProductImage.objects.filter(product_id__in=[product.pk, *options])
            .order_by("display_order", "pk")
        )
        images = [i for i in rows if i.product_id == product.pk]
        theirs = [i for i in rows if i.product_id != product.pk]
        return (
            [i for i in theirs if i.product_id == chosen]
            + images
            + [i for pk in options if pk != chosen for i in theirs if i.product_id == pk]
        )

    def variant_context(self, product) -> dict:
        """The options of a parent ("Phân loại"), loaded in three queries whatever their
        number, and the chosen one: `?variant=<id>` (the form without JavaScript), else the
        first in stock, else the first. The add-to-basket form posts the chosen child's id
        to Oscar's basket add (`child_id`); js/variants.js switches price, stock and photo
        from the JSON in the page."""
        self.variants = public_variants(product)
        choices = []
        for child in self.variants:
            record = card_stockrecord(child)
            available = product_is_public(child) and record_is_available(product, record)
            shown = price_in_force(record)  # the sale price while its sale runs (catalogue.pricing)
            price = shown.price if shown is not None else None
            tracked = record is not None and record.num_in_stock is not None
            level = max(0, record.net_stock_level) if tracked else None
            if not available:
                stock_text = _("Hết hàng")
            elif level:
                stock_text = ngettext("Còn %(n)s sản phẩm", "Còn %(n)s sản phẩm", level) % {"n": level}
            else:
                stock_text = _("Còn hàng")
            choices.append({
                "id": child.pk, "name": child.title, "price": price,
                "price_text": currency(price, "VND") if price is not None else _("Chưa có giá"),
                "list_price_text": currency(shown.list_price, "VND") if shown and shown.on_sale else "",
                "percent_off": shown.percent_off if shown and shown.on_sale else 0,
                "sale_ends_text": (
                    _("Kết thúc %(t)s") % {"t": date_format(timezone.localtime(shown.sale_ends_at), "H:i d/m")}
                    if shown and shown.on_sale else ""
                ),
                "available": available, "stock_text": stock_text, "child": child,
            })
        wanted = self.request.GET.get("variant", "")
        chosen = next((c for c in choices if str(c["id"]) == wanted), None)
        if chosen is None:
            chosen = next((c for c in choices if c["available"]), choices[0] if choices else None)
        data = [{key: value for key, value in choice.items() if key != "child"} for choice in choices]
        return {
            "variants": choices,
            "variant": chosen,
            "variants_data": data,
            "variants_sellable": any(choice["available"] for choice in choices),
            "purchase_product": chosen["child"] if chosen else product,
        }


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
