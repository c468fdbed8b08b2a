"""The home page at `/`, from the anonymous page cache (marketplace/core/pagecache.py).

Wagtail's `serve` finds the site, the page and its view restrictions (four queries) before
the page's own `serve`; a stored home page skips all of that. A page is stored only when
Wagtail served the live HomePage itself, without view restriction (adding one is a page
change: marketplace/cms/receivers.py), never a preview.
"""

from __future__ import annotations

from wagtail import views as wagtail_views

from marketplace.cms.caching import timeout_for
from marketplace.cms.models import HomePage
from marketplace.core import pagecache


def home(request):
    return pagecache.serve(
        request,
        "home",
        render=lambda: wagtail_views.serve(request, ""),
        products=home_products,
        seconds=home_seconds,
    )


def home_products(response) -> list[int] | None:
    """Every product the home page shows or its blocks refer to; None: do not store."""
    context = getattr(response, "context_data", None) or {}
    page = context.get("page")
    if response.status_code != 200 or not isinstance(page, HomePage):
        return None
    if page.get_view_restrictions().exists():
        return None
    promo = context["promo"]
    ids = set(promo.refs.get("catalogue.product", ()))
    for collection in promo._collections.values():
        ids.update(item.product_id for item in collection.ordered_items)
    ids.update(product.pk for product in context["featured_products"])
    for collection in context["collections"]:
        ids.update(product.pk for product in collection.public_products)
    return sorted(ids)


def home_seconds(response) -> int:
    """Not past the moment a campaign teaser of the body appears or disappears."""
    return timeout_for(response.context_data["promo"])
