"""Adding to the basket with fewer queries: Oscar's BasketAddView, same form, messages and
signal (docs/benchmarks.md, "Add to basket").

Oscar loads the product alone and then, one query at a time, its class, whether it has
options, its stock record, the stock record's shop, the product's shop (our strategy asks
whether buyers may see it), the options again for the cleaned data, the stock record and its
shop again in `Basket.add_product`, and for the "new total" message the lines, their
attributes and photos, then (our strategy) their stock records' shops, classes and shops.
Here:

- the product comes with its shop, class, parent and whether it has options in one query,
  and its stock records with their shop in a second (`catalogue.selectors`, the product
  page's own reads), which the form's checks and `add_product` then use;
- the options are read only for a product that has some;
- after the offers are applied again (Oscar's Applicator, unchanged), the basket's lines are
  loaded once with what the strategy prices them from, so the total message costs one query.

Installed by `marketplace.config.MarketplaceBasketConfig` (Oscar's basket app, its label,
URL names and templates).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from oscar.core.loading import get_class

from catalogue.selectors import prefetch_product_page, product_buy_queryset

AddToBasketForm = get_class("basket.forms", "AddToBasketForm")
Applicator = get_class("offer.applicator", "Applicator")
BasketAddView = get_class("basket.views", "BasketAddView")
BasketMessageGenerator = get_class("basket.utils", "BasketMessageGenerator")


class MarketplaceAddToBasketForm(AddToBasketForm):
    def cleaned_options(self):
        if not self.parent_product.has_options:  # annotated: no query
            return []
        return super().cleaned_options()


def load_lines(basket):
    """The basket's lines with what the strategy prices each from (stock record and its shop,
    product, its class, shop and a variant's parent with its shop), evaluated once: `Basket.all_lines()` then
    answers from them (counting them too)."""
    if basket.id is None:
        return
    lines = basket.lines.select_related(
        "product__product_class",
        "product__shop",
        "product__parent__shop",  # a variant is judged by its parent (product_is_public)
        "product__parent__product_class",
        "stockrecord__partner",
    ).order_by(basket._meta.pk.name)
    lines._fetch_all()
    basket._lines = lines


class MarketplaceBasketMessageGenerator(BasketMessageGenerator):
    def apply_messages(self, request, offers_before):
        """Oscar's: offers applied again, then the offer and total messages; the lines are
        loaded once, before the offers read them."""
        basket = request.basket
        basket.reset_offer_applications()
        load_lines(basket)
        Applicator().apply(basket, request.user, request)
        offers_after = basket.applied_offers()
        for level, msg in self.get_messages(basket, offers_before, offers_after):
            messages.add_message(request, level, msg, extra_tags="safe noicon")


class MarketplaceBasketAddView(BasketAddView):
    form_class = MarketplaceAddToBasketForm

    def post(self, request, *args, **kwargs):
        try:
            product = product_buy_queryset().get(pk=kwargs["pk"])
        except self.product_model.DoesNotExist as exc:
            raise Http404() from exc
        self.product = prefetch_product_page(product)
        return super(BasketAddView, self).post(request, *args, **kwargs)

    def form_valid(self, form):
        """Oscar's BasketAddView.form_valid, with our message generator."""
        offers_before = self.request.basket.applied_offers()
        self.line, self.line_created = self.request.basket.add_product(
            form.product, form.cleaned_data["quantity"], form.cleaned_options()
        )
        messages.success(self.request, self.get_success_message(form), extra_tags="safe noicon")
        MarketplaceBasketMessageGenerator().apply_messages(self.request, offers_before)
        self.add_signal.send(
            sender=self, product=form.product, user=self.request.user, request=self.request
        )
        return HttpResponseRedirect(self.get_success_url())
