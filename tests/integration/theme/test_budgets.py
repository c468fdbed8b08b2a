"""Budget: home, search results and product page each ≤ 150 KB gzip on first load.

HTML + every same-origin stylesheet, script and font they reference (benchmarks/weight.py,
the measure docs/benchmarks.md records). Weights are deterministic, so this is a plain test
(nothing is timed). Also: nothing is pulled from another origin (no CDN, no webfont service).
"""

from __future__ import annotations

import pytest

from benchmarks.weight import BUDGET_BYTES, measure

pytestmark = [pytest.mark.search, pytest.mark.django_db, pytest.mark.usefixtures("demo_catalogue")]


def budget_pages() -> dict[str, str]:
    from catalogue.selectors import product_list_public

    product = product_list_public().filter(images__isnull=False).order_by("pk").first()
    assert product is not None, "the demo catalogue has photographed products"
    return {"home": "/", "search": "/search/?q=mat+ong", "product": product.get_absolute_url()}


@pytest.mark.parametrize("page", ["home", "search", "product"])
def test_first_load_is_within_budget(client, page):
    weight = measure(client, budget_pages()[page])
    kinds = {asset.kind for asset in weight.assets}
    assert {"html", "css", "js"} <= kinds, weight.assets  # the measure really found the assets
    assert weight.missing == [], weight.missing
    assert weight.cross_origin == [], weight.cross_origin
    assert weight.gzip <= BUDGET_BYTES, (
        f"{page}: {weight.gzip / 1024:.1f} KB gzip > {BUDGET_BYTES / 1024:.0f} KB: "
        + ", ".join(f"{a.url} {a.gzip} B" for a in weight.assets)
    )
