"""Issue 19, part 5: a household seller's tax page and its yearly withholding certificate on
a 390 px phone — the demo household has a tax profile; a paid card sale and a sale big enough
for the threshold warning are posted to its ledger."""

from __future__ import annotations

import pytest
from django.utils import timezone

from marketplace.core.money import format_vnd
from marketplace.demo.services import STAFF_EMAIL
from marketplace.ledger.models import Entry
from shops.models import Partner
from tests.factories import paid_sale
from tests.functional.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]

SHOP = "co-ba-gan"


def test_household_tax_page_and_certificate_on_a_phone(browsing):
    shop = Partner.objects.get(code=SHOP)
    assert shop.tax_profile.seller_type == "household"  # the demo's
    # The demo's own card sale of this household is withheld too: add this test's sale to it.
    demo_vat, demo_pit = (
        sum(Entry.objects.filter(shop=shop, kind=kind).values_list("amount", flat=True)) for kind in ("vat", "pit")
    )
    vat, pit = format_vnd(demo_vat + 12_500), format_vnd(demo_pit + 6_250)
    paid_sale(shop, 1_250_000)
    paid_sale(shop, 830_000_000, route="cod")  # its own COD: counted for the threshold only
    page = browsing.page
    sign_in(page, f"seller-{SHOP}@demo.ocop.vn")

    page.goto(f"/seller/{SHOP}/tax/")
    assert page.locator('[data-threshold="near"]').is_visible()
    month = timezone.localdate().strftime("%Y-%m")
    row = page.locator(f'tr[data-month="{month}"]')
    assert vat in row.inner_text() and pit in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("seller tax page")

    page.goto(f"/seller/{SHOP}/tax/certificate/{timezone.localdate().year}/")
    assert page.locator("h1").inner_text().upper() == "CHỨNG TỪ KHẤU TRỪ THUẾ"
    assert vat in page.locator('tr[data-month="total"]').inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    browsing.shot("yearly certificate")
    page.emulate_media(media="print")
    assert not page.locator(".actions").is_visible()
    browsing.shot("yearly certificate, print")

    page.emulate_media(media="screen")
    page.context.clear_cookies()
    sign_in(page, STAFF_EMAIL)
    page.goto(f"/dashboard/tax/?month={month}")
    household = page.locator(f'#withheld tr[data-shop="{SHOP}"]')
    assert vat in household.inner_text()
    assert page.locator(f'#near-threshold tr[data-shop="{SHOP}"]').is_visible()
    browsing.shot("staff tax month")
