"""Issue 21, item 4: axe-core finds no serious or critical violation on the programme staff's
pages (Oscar's dashboard and the project's own) and on every section of the seller workspace,
on a phone and on a desktop screen."""

from __future__ import annotations

import pytest
from oscar.core.loading import get_model

from marketplace.order.models import Order
from shops.models import Partner
from tests.functional.browser.helpers import DESKTOP, PHONE, sign_in
from tests.functional.browser.test_accessibility import audit

pytestmark = [pytest.mark.browser]

SELLER_SHOP = "htx-ba-khia-dam-doi"
# The demo superuser: Oscar's own pages (product edit, partners, users) are beyond programme
# staff's permissions; the project's pages are the same for both.
STAFF_EMAIL = "admin@demo.ocop.vn"
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
Product = get_model("catalogue", "Product")


def staff_urls() -> list[tuple[str, str]]:
    order = Order.objects.filter(purchase__isnull=False).order_by("number").first()
    product = Product.objects.exclude(structure="child").order_by("pk").first()
    shop = Partner.objects.order_by("pk").first()
    return [
        ("dashboard", "/dashboard/"),
        ("orders", "/dashboard/orders/"),
        ("order detail", f"/dashboard/orders/{order.number}/"),
        ("products", "/dashboard/catalogue/"),
        ("product edit", f"/dashboard/catalogue/products/{product.pk}/"),
        ("partners", "/dashboard/partners/"),
        ("users", "/dashboard/users/"),
        ("reports", "/dashboard/reports/"),
        ("figures", "/dashboard/figures/"),
        ("settlement", "/dashboard/settlement/"),
        ("tax", "/dashboard/tax/"),
        ("privacy", "/dashboard/privacy/"),
        ("shop applications", "/dashboard/shops/"),
        ("shop application", f"/dashboard/shops/{shop.code}/"),
        ("fulfilment", "/dashboard/shops/fulfilment/"),
        ("certificates", "/dashboard/ocop/"),
        ("curation", "/dashboard/curation/"),
        ("moderation", "/dashboard/curation/moderation/"),
        ("payments", "/dashboard/payments/"),
        ("bank credits", "/dashboard/bank-credits/"),
        ("complaints", "/dashboard/complaints/"),
    ]


def seller_urls() -> list[tuple[str, str]]:
    shop = Partner.objects.get(code=SELLER_SHOP)
    base = f"/seller/{SELLER_SHOP}"
    order = Order.objects.filter(shop=shop).order_by("number").first()
    product = Product.objects.filter(stockrecords__partner=shop).order_by("pk").first()
    urls = [
        ("workspace", "/seller/"),
        ("overview", f"{base}/"),
        ("orders", f"{base}/orders/"),
        ("products", f"{base}/products/"),
        ("product edit", f"{base}/products/{product.pk}/"),
        ("photos", f"{base}/products/{product.pk}/images/"),
        ("stock", f"{base}/products/stock/"),
        ("stock adjust", f"{base}/products/{product.pk}/stock/"),
        ("import", f"{base}/products/import/"),
        ("reviews", f"{base}/reviews/"),
        ("figures", f"{base}/figures/"),
        ("complaints", f"{base}/complaints/"),
        ("tax", f"{base}/tax/"),
        ("money", f"{base}/money/"),
        ("representative", f"{base}/representative/"),
        ("payment settings", f"{base}/payment/"),
        ("shipping", f"{base}/shipping/"),
        ("certificates", f"{base}/certificates/"),
        ("members", f"{base}/members/"),
        ("history", f"{base}/history/"),
    ]
    if order is not None:
        urls.insert(3, ("order detail", f"{base}/orders/{order.number}/"))
    return urls


def report(found: dict) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items())


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_staff_pages_have_no_serious_accessibility_violations(browsing, screen):
    page = browsing.open(viewport=VIEWPORTS[screen])
    sign_in(page, STAFF_EMAIL)
    found: dict[str, list[str]] = {}
    for label, url in staff_urls():
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        audit(browsing, found, f"{screen} staff {label}")
        # Wide tables scroll inside the content (css/dashboard.css), never the whole page.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[screen]["width"], f"{url}: {width} px wide"
    assert not found, report(found)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_seller_workspace_pages_have_no_serious_accessibility_violations(browsing, screen):
    page = browsing.open(viewport=VIEWPORTS[screen])
    sign_in(page, f"seller-{SELLER_SHOP}@demo.ocop.vn")
    found: dict[str, list[str]] = {}
    for label, url in seller_urls():
        response = page.goto(url)
        assert response.status == 200, f"{url}: {response.status}"
        audit(browsing, found, f"{screen} seller {label}")
    assert not found, report(found)
