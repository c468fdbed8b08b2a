"""Page benchmark: time, SQL queries and weight of the buyer pages on the demo catalogue.

Weight: HTML alone for every page, and the first-load budget (HTML + CSS + JS + fonts,
gzip; benchmarks/weight.py, the same measure as tests/integration/theme/test_budgets.py)
for home, search results and product page against the 150 KB budget.

Runs in-process with Django's test client against a throw-away SQLite database, the real
embedded search server and the demo data, then writes the figures to docs/benchmarks.md.
Bounded: a fixed number of requests per page.

    .venv/bin/python benchmarks/pages.py [--requests 30]
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import write_section  # noqa: E402 -- after the path is set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="ocop-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.dev"
    os.environ["DEBUG"] = "0"
    # Every request renders: the anonymous page cache (benchmarks/load.py measures it) is off.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.pop("ELASTICSEARCH_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", quiet=True)
    call_command("search_index", rebuild=True, verbosity=0)

    from catalogue.models import Category
    from catalogue.selectors import product_list_public

    product = product_list_public().order_by("pk").first()
    category = Category.objects.filter(depth=1).order_by("path").first()
    shop = product.shop
    pages = {
        "home `/`": "/",
        "search `/search/?q=mat ong`": "/search/?q=mat+ong",
        "browse `/catalogue/`": "/catalogue/",
        "category page": category.get_absolute_url(),
        "product page": product.get_absolute_url(),
        "storefront `/shops/<slug>/`": f"/shops/{shop.code}/",
    }
    client = Client()
    rows = []
    for label, url in pages.items():
        client.get(url)  # warm caches, the search client, templates
        timings = []
        for _ in range(args.requests):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        html = response.content
        rows.append(
            (
                label,
                statistics.median(timings),
                sorted(timings)[int(len(timings) * 0.95) - 1],
                len(queries),
                len(html) / 1024,
                len(gzip.compress(html)) / 1024,
            )
        )

    lines = [
        "## Buyer pages (`benchmarks/pages.py`)",
        "",
        f"Demo catalogue, SQLite, embedded search server, Django test client in-process, "
        f"{args.requests} requests per page after one warm-up; "
        f"{platform.python_implementation()} {platform.python_version()} on "
        f"{os.cpu_count()} cores. Time is server time only (no network); HTML weight only "
        "(first-load budgets below).",
        "",
        "| page | median ms | p95 ms | SQL queries | HTML KB | HTML KB gzip |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, median, p95, n_queries, size, gz in rows:
        lines.append(
            f"| {label} | {median:.1f} | {p95:.1f} | {n_queries} | {size:.1f} | {gz:.1f} |"
        )
    lines += budget_lines(client, pages)
    lines.append("")
    write_section(Path(args.output), "\n".join(lines), "pages-benchmark")
    print("\n".join(lines))


BUDGET_PAGES = ("home `/`", "search `/search/?q=mat ong`", "product page")


def budget_lines(client, pages: dict[str, str]) -> list[str]:
    from benchmarks.weight import BUDGET_BYTES, measure

    lines = [
        "",
        "### First-load budget (HTML + CSS + JS + fonts, gzip)",
        "",
        "Every same-origin stylesheet, script and `@font-face`/`@import` file the HTML "
        "references, each gzip level 9 as WhiteNoise serves it (`benchmarks/weight.py`; "
        "`tests/integration/theme/test_budgets.py` asserts the budget). Images are lazy-loaded "
        "WebP thumbnails with `srcset` and not counted.",
        "",
        "| page | HTML KB | CSS KB | JS KB | fonts KB | total KB gzip | budget KB | files |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for label in BUDGET_PAGES:
        weight = measure(client, pages[label])
        assert not weight.cross_origin and not weight.missing, weight
        files = ", ".join(
            f"`{a.url.rsplit('/', 1)[-1]}`" for a in weight.assets if a.kind != "html"
        )
        lines.append(
            f"| {label} | {weight.gzip_of('html') / 1024:.1f} | {weight.gzip_of('css') / 1024:.1f} "
            f"| {weight.gzip_of('js') / 1024:.1f} | {weight.gzip_of('font') / 1024:.1f} "
            f"| **{weight.gzip / 1024:.1f}** | {BUDGET_BYTES / 1024:.0f} | {files} |"
        )
    return lines


if __name__ == "__main__":
    main()
