"""Issue 8, item 4: axe-core finds no serious or critical violation on the buyer pages and the
seller's product form, on a phone and on a desktop screen."""

from __future__ import annotations

import pytest

from catalogue.selectors import product_list_public
from tests.functional.browser.helpers import DESKTOP, PHONE, axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.search]

SELLER_SHOP = "htx-ba-khia-dam-doi"


def broken_references(page) -> list[str]:
    """aria-describedby / aria-labelledby / label[for] naming no element: the help text or
    label is then never read out (axe lets a partly broken list pass)."""
    return page.evaluate("""() => {
        const broken = [];
        for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]")) {
            for (const name of ["aria-describedby", "aria-labelledby"]) {
                for (const id of (el.getAttribute(name) || "").split(/\\s+/).filter(Boolean)) {
                    if (!document.getElementById(id)) broken.push(`${name}=${id} on ${el.outerHTML.slice(0, 120)}`);
                }
            }
        }
        for (const label of document.querySelectorAll("label[for]")) {
            if (!document.getElementById(label.htmlFor)) broken.push(`label for=${label.htmlFor}`);
        }
        return broken;
    }""")


def audit(browsing, found: dict, label: str, url: str | None = None):
    page = browsing.page
    if url:
        page.goto(url)
    page.wait_for_load_state()
    browsing.shot(label)
    problems = axe_violations(page) + broken_references(page)
    if problems:
        found[f"{label} ({page.url})"] = problems


def test_buyer_and_seller_pages_have_no_serious_accessibility_violations(browsing):
    # The runner finds what it should: an unlabelled image and button are critical.
    page = browsing.page
    page.set_content('<html lang="vi"><body><main><img src="data:,"><button></button>'
                     '<label for="q">Tìm</label><input id="q" aria-describedby="q_help"></main></body></html>')
    assert {"image-alt", "button-name"} <= {line.split(" ")[0] for line in axe_violations(page)}
    broken = broken_references(page)
    assert len(broken) == 1 and broken[0].startswith("aria-describedby=q_help"), broken

    product = product_list_public().filter(stockrecords__num_in_stock__gt=0).order_by("pk").first()
    found: dict[str, list[str]] = {}
    for screen, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = browsing.open(viewport=viewport)
        audit(browsing, found, f"{screen} home", "/")
        audit(browsing, found, f"{screen} search", "/search/?q=mat+ong")
        audit(browsing, found, f"{screen} product", product.get_absolute_url())
        page.get_by_role("button", name="Thêm vào giỏ hàng").click()
        audit(browsing, found, f"{screen} basket", "/basket/")
        # A guest goes straight to the address step (phone and optional e-mail there, ADR 0038).
        audit(browsing, found, f"{screen} checkout address", "/checkout/")
        assert page.url.endswith("/checkout/shipping-address/"), page.url
        page.get_by_role("button", name="Tiếp tục").click()  # empty: the errors, audited too
        page.wait_for_load_state()
        audit(browsing, found, f"{screen} checkout address with errors")
        sign_in(page, f"seller-{SELLER_SHOP}@demo.ocop.vn")
        audit(browsing, found, f"{screen} seller product form", f"/seller/{SELLER_SHOP}/products/new/")

    assert not found, "\n".join(
        f"{where}:\n  " + "\n  ".join(problems) for where, problems in found.items()
    )
