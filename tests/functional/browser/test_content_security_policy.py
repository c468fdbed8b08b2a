"""Issue 10, item 2: the staff tools we do not write still work under their
Content-Security-Policy (docs/decisions/0011-content-security-policy.md).

Oscar's dashboard (jQuery, select2, TinyMCE, date pickers), Wagtail's page editor (Draftail,
inline panels, choosers) and Django's admin run their scripts; the `browsing` fixture fails
the test on any violation Chromium reports, and each page is checked for the widget its
scripts build, so a page whose scripts were all blocked cannot pass quietly. The public API
docs (Swagger UI, strict policy) are opened too.
"""

from __future__ import annotations

import pytest

from catalogue.models import Product
from shops.models import Partner
from tests.functional.browser.helpers import DESKTOP, sign_in

pytestmark = [pytest.mark.browser]


def visit(browsing, url: str, ready: str, label: str):
    page = browsing.page
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(ready, state="attached")
    browsing.shot(label)


def test_staff_tools_and_api_docs_run_under_the_policy(browsing):
    from wagtail.models import Page

    product = Product.objects.filter(shop__isnull=False).order_by("pk").first()
    shop = Partner.objects.order_by("pk").first()
    home = Page.objects.filter(depth=2).first()
    page = browsing.open(viewport=DESKTOP)

    visit(browsing, "/api/v1/docs", "#swagger-ui .opblock", "api docs")

    sign_in(page, "admin@demo.ocop.vn")
    visit(browsing, "/dashboard/", ".navbar", "dashboard")
    visit(
        browsing,
        f"/dashboard/catalogue/products/{product.pk}/",
        ".tox-tinymce, .tox-editor-container",
        "dashboard product with TinyMCE",
    )
    visit(browsing, "/dashboard/orders/", "form", "dashboard orders")
    visit(browsing, "/dashboard/figures/", "svg", "programme figures")
    visit(browsing, "/cms/", "[data-side-panel-toggle], #wagtail-sidebar", "wagtail home")
    visit(
        browsing,
        f"/cms/pages/{home.pk}/edit/",
        "[data-draftail-editor], .Draftail-Editor, [data-controller~='w-form']",
        "wagtail page editor",
    )
    visit(browsing, "/cms/images/", "#wagtail-sidebar", "wagtail images")
    visit(
        browsing,
        f"/django-admin/partner/partner/{shop.pk}/change/",
        "#content-main form",
        "django admin",
    )
