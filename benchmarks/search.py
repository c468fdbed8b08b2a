"""Search benchmark: index rebuild and query latency at 10k / 100k products.

Generates a synthetic Cà Mau catalogue (realistic Vietnamese product names) in a
throw-away SQLite database, with the real embedded search server (osmem-server),
then for each size:

1. times `search.indexing.rebuild_index()` (the whole catalogue);
2. runs representative buyer queries (with and without diacritics, typos,
   filters, sorts, a second page) through
   - the Django view `/search/?…` (test client, in-process: server time, HTML included),
   - the JSON API `/api/v1/products?…` (test client; the same query builder, JSON out),
   - Oscar's default search: haystack's `SimpleEngine` (as configured in
     HAYSTACK_CONNECTIONS) over the same data, paginated as Oscar's view does;
3. reports p50/p95 ms, SQL queries per request, hits and the haystack/ours ratios.

Sizes grow in one database (10k, then 90k more for 100k). The section between
the `search-benchmark` markers of docs/benchmarks.md is replaced; the rest stays.

    .venv/bin/python benchmarks/search.py [--sizes 10000,100000] [--queries 30] [--repeat 5]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402 -- after the path is set
    SEED,
    build_queries,
    cpu_model,
    generate,
    memory_gb,
    write_section,
)

SECTION = "search-benchmark"  # the markers of this benchmark's section in docs/benchmarks.md
PAGE_SIZE = 24  # OSCAR_PRODUCTS_PER_PAGE

# --- measuring ----------------------------------------------------------------


@dataclass
class Samples:
    ms: list[float] = field(default_factory=list)
    sql: list[int] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    per_query_ms: dict[str, list[float]] = field(default_factory=dict)

    def add(self, label: str, ms: float, sql: int, hits: int) -> None:
        self.ms.append(ms)
        self.sql.append(sql)
        self.hits[label] = hits
        self.per_query_ms.setdefault(label, []).append(ms)

    @property
    def p50(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.ms)
        return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql)


def measure(run, queries, repeat: int, *, budget: float | None = None, log=None) -> Samples:
    """`run(params) -> hits`, timed with the SQL it issues; one warm-up pass first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = Samples()
    for _label, params in queries[:3]:
        run(params)
    started = time.perf_counter()
    for round_number in range(repeat):
        for label, params in queries:
            t0 = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                hits = run(params)
            samples.add(label, (time.perf_counter() - t0) * 1000, len(captured), hits)
        if log:
            log(f"    round {round_number + 1}/{repeat}: {time.perf_counter() - started:.0f}s")
        if budget is not None and time.perf_counter() - started > budget:
            break
    return samples


class Degraded(Exception):
    """A request answered by the database fallback: not a measure of the search path."""


def view_runner(client):
    def run(params: dict) -> int:
        response = client.get("/search/", params)
        assert response.status_code == 200, (params, response.status_code)
        result = response.context["result"]
        if result.degraded:
            raise Degraded(params)
        return result.total

    return run


def api_runner(client):
    """The public JSON API, `/api/v1/products` (same query builder as the view, JSON out)."""

    def run(params: dict) -> int:
        response = client.get("/api/v1/products", params)
        assert response.status_code == 200, (params, response.status_code, response.content[:300])
        if response.get("X-Search-Degraded"):
            raise Degraded(params)
        return response.json()["count"]

    return run


def haystack_runner():
    """Oscar's default search as Oscar's (haystack) view runs it: a SearchQuerySet of
    `auto_query(q)`, paginated with Django's Paginator, `.object` of each hit of the page.

    The simple backend has no facets, narrowing or ordering: the filters and sorts of a
    query are ignored (it does *less* work than ours for those), as they would be there.
    """
    from django.core.paginator import Paginator
    from haystack.query import SearchQuerySet

    from catalogue.models import Product

    def run(params: dict) -> int:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Product is not registered for search"
            sqs = SearchQuerySet().models(Product).auto_query(params["q"])
            paginator = Paginator(sqs, PAGE_SIZE)
            page = paginator.page(min(int(params.get("page", 1)), paginator.num_pages))
            [result.object for result in page.object_list]
            return paginator.count

    return run


# --- report -------------------------------------------------------------------


def report(results: list[dict], args, notes: list[str]) -> str:
    import django
    import haystack

    lines = [
        "## Search at scale (`benchmarks/search.py`)",
        "",
        f"Run on {date.today().isoformat()}: {cpu_model()}, {os.cpu_count()} cores, {memory_gb()}, "
        f"{platform.system()}; {platform.python_implementation()} {platform.python_version()}, "
        f"Django {django.get_version()}, haystack {haystack.__version__}; SQLite "
        f"(throw-away file), embedded search server osmem-server (in-memory, same machine). "
        f"Synthetic Cà Mau catalogue (product × place × qualifier × packaging, e.g. "
        f'"Khô cá lóc U Minh loại 1 túi 500 g"), 1 shop per 300 products (30–300), one stock '
        f"record and one OCOP category per product, 15 % with a verified OCOP certificate.",
        "",
        f"{len(results[0]['queries']) if results else args.queries} buyer queries (with and without "
        f"diacritics, typos, stars/price/category filters, every sort, a second page), "
        f"{args.repeat} rounds after a warm-up; p50/p95 over all requests of all rounds. Times are "
        "server time in-process (no network).",
        "",
        "- **view**: `/search/?…` through Django's test client (our `FacetedSearchView`: "
        "parameters → search server → `hydrate` → HTML with facets).",
        "- **API**: `/api/v1/products?…` through Django's test client (django-ninja: the same "
        "`SearchParams` → `search_products` → `hydrate`, items and facets as JSON).",
        "- **Oscar default**: haystack's `SimpleEngine` (HAYSTACK_CONNECTIONS), "
        "`SearchQuerySet().models(Product).auto_query(q)` paginated with Django's `Paginator` "
        f"({PAGE_SIZE} per page) and `.object` of each hit, as Oscar's haystack view does.",
        "",
        "| products | rebuild s | rebuild products/s | of which documents s | path | p50 ms | p95 ms "
        "| SQL / request (median) | zero-hit queries |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        first = True
        for name, samples in (
            ("view", r["view"]),
            ("API /api/v1/products", r["api"]),
            ("Oscar default (haystack simple)", r["haystack"]),
        ):
            zero = sum(1 for hits in samples.hits.values() if hits == 0)
            lead = (
                f"| {r['size']:,} | {r['rebuild']:.1f} | {r['size'] / r['rebuild']:,.0f} "
                f"| {r['documents']:.1f} "
                if first
                else "| | | | "
            )
            lines.append(
                f"{lead}| {name} | {samples.p50:.1f} | {samples.p95:.1f} | "
                f"{samples.sql_median:g} | {zero} |"
            )
            first = False
    lines += [
        "",
        "Ratios (Oscar default ÷ ours; higher is better for ours):",
        "",
        "| products | view p50 | view p95 | API p50 | API p95 |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        v, a, h = r["view"], r["api"], r["haystack"]
        lines.append(
            f"| {r['size']:,} | {h.p50 / v.p50:.1f}× | {h.p95 / v.p95:.1f}× | "
            f"{h.p50 / a.p50:.1f}× | {h.p95 / a.p95:.1f}× |"
        )

    largest = results[-1]
    lines += [
        "",
        f"Per query at {largest['size']:,} products (median ms over the rounds; hits):",
        "",
        "| query | view ms | API ms | Oscar default ms | hits ours | hits Oscar default |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, _params in largest["queries"]:
        cells = [
            statistics.median(largest[k].per_query_ms[label]) for k in ("view", "api", "haystack")
        ]
        lines.append(
            f"| {label} | {cells[0]:.1f} | {cells[1]:.1f} | {cells[2]:.1f} | "
            f"{largest['view'].hits[label]:,} | {largest['haystack'].hits[label]:,} |"
        )

    lines += ["", "### Targets", ""]
    big = max(results, key=lambda r: r["size"])
    rebuild_ok = big["rebuild"] < 120 * big["size"] / 100_000
    ratio = big["haystack"].p95 / big["view"].p95
    if big["size"] >= 100_000:
        lines.append(
            f"- Rebuild of 100k products under 2 minutes: **{'met' if rebuild_ok else 'missed'}** "
            f"({big['rebuild']:.0f} s)."
        )
    else:
        projected = big["rebuild"] * 100_000 / big["size"]
        lines.append(
            f"- Rebuild of 100k products under 2 minutes: measured at {big['size']:,} only "
            f"({big['rebuild']:.0f} s); linear projection to 100k: {projected:.0f} s "
            f"(**{'met' if projected < 120 else 'missed'}** if linear)."
        )
    lines.append(
        f"- Search view p95 at {big['size']:,} at least 5× faster than Oscar's default: "
        f"**{'met' if ratio >= 5 else 'missed'}** ({ratio:.1f}×: "
        f"{big['view'].p95:.0f} ms vs {big['haystack'].p95:.0f} ms)."
    )
    lines += [f"- {note}" for note in notes]
    lines += ["", "### How Oscar's default search compares", "", *HAYSTACK_NOTES]
    return "\n".join(lines) + "\n"


HAYSTACK_NOTES = [
    "- haystack finds no registered index (`get_indexed_models()` is empty): our `search` app "
    "replaces `oscar.apps.search`, so `oscar/apps/search/search_indexes.py` is not "
    "autodiscovered. The simple backend does not need one: with `.models(Product)` it runs "
    "`icontains` over every char/text column of `Product` (title, slug, upc, description, "
    "`search_text`…), not over the index's fields. Because `search_text` is the folded title, "
    "unaccented words match too.",
    "- haystack 3.4's simple backend keeps only the *last* word of a multi-word query (its loop "
    "overwrites the queryset per word): \"kho ca loc u minh\" is `icontains 'minh'`. Its hit "
    "counts are therefore much larger (and mostly wrong), and typos find nothing.",
    "- It applies no filter, sort or facet (no narrowing, no ordering in that backend), and "
    "loads *every* matching row into Python twice per page (Paginator count + the page slice). "
    "So its time grows with the number of matches, ours with the page size; the comparison "
    "times exactly what Oscar would run with this configuration.",
    "- Our view time includes rendering the HTML with facets; the haystack time does not "
    "include any template. The view ratio is therefore conservative.",
]


# --- main -----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="catalogue sizes, comma separated, growing (default 10000,100000)",
    )
    parser.add_argument(
        "--queries", type=int, default=30, help="how many of the 30 queries (default 30)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="rounds of all queries (default 5)")
    parser.add_argument(
        "--haystack-budget",
        type=float,
        default=120.0,
        help="seconds per size after which haystack stops repeating (≥ 1 round)",
    )
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--note", action="append", default=[], help="extra line under Targets")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))

    began = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:6.0f}s] {message}", flush=True)

    workdir = tempfile.mkdtemp(prefix="ocop-search-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.dev"
    os.environ["DEBUG"] = "0"
    # Every request must measure the search path: no fallback after the pages' 2 s timeout
    # (a request answered by the database fallback aborts the run, see Degraded).
    os.environ["SEARCH_REQUEST_TIMEOUT"] = "60"
    # Every request renders: the anonymous page cache (benchmarks/load.py measures it) is off.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.pop("ELASTICSEARCH_URL", None)

    from marketplace.embedded import start_search

    server = start_search()
    os.environ["ELASTICSEARCH_URL"] = server.url
    log(f"osmem-server on {server.url}; database in {workdir}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import setup_test_environment

        from catalogue.models import Category
        from search.indexing import REBUILD_BATCH_SIZE, iter_documents, rebuild_index

        setup_test_environment()
        call_command("migrate", verbosity=0)
        log("migrated")
        slugs = dict(Category.objects.filter(code__isnull=False).values_list("code", "slug"))
        queries = build_queries(slugs)[: args.queries]
        rng = random.Random(SEED)
        client = Client()
        results = []
        last = [0.0]  # when progress was last logged

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 10 or done == total:
                last[0] = time.perf_counter()
                log(f"  indexed {done:,}/{total:,}")

        for size in sizes:
            log(f"== {size:,} products: generating")
            generated = generate(size, rng, log)
            log(f"generated in {generated:.0f}s; building the documents alone")
            t0 = time.perf_counter()
            built = sum(len(batch) for batch in iter_documents(batch_size=REBUILD_BATCH_SIZE))
            documents_s = time.perf_counter() - t0
            log(f"built {built:,} documents in {documents_s:.1f}s; rebuilding the index")
            load_before = os.getloadavg()[0]
            t0 = time.perf_counter()
            indexed = rebuild_index(progress=progress)
            rebuild = time.perf_counter() - t0
            log(f"rebuilt {indexed:,} products in {rebuild:.1f}s")
            log("view")
            view = measure(view_runner(client), queries, args.repeat, log=log)
            log(f"  p50 {view.p50:.1f} ms, p95 {view.p95:.1f} ms")
            log("API /api/v1/products")
            api = measure(api_runner(client), queries, args.repeat, log=log)
            log(f"  p50 {api.p50:.1f} ms, p95 {api.p95:.1f} ms")
            log("Oscar default (haystack simple backend)")
            hay = measure(
                haystack_runner(), queries, args.repeat, budget=args.haystack_budget, log=log
            )
            log(
                f"  p50 {hay.p50:.1f} ms, p95 {hay.p95:.1f} ms ({len(hay.ms) // len(queries)} rounds)"
            )
            results.append(
                {
                    "size": indexed,
                    "rebuild": rebuild,
                    "documents": documents_s,
                    "load": (load_before, os.getloadavg()[0]),
                    "view": view,
                    "api": api,
                    "haystack": hay,
                    "queries": queries,
                }
            )
        notes = list(args.note)
        for r in results:
            before, after = r["load"]
            notes.append(
                f"Load average (1 min) of this {os.cpu_count()}-core machine around the "
                f"{r['size']:,} rebuild: {before:.1f} before, {after:.1f} after (other work shares it)."
            )
        for r in results:
            rounds = len(r["haystack"].ms) // len(queries)
            if rounds < args.repeat:
                notes.append(
                    f"At {r['size']:,} products haystack ran {rounds} round(s) of the queries "
                    f"(time budget {args.haystack_budget:.0f} s), not {args.repeat}."
                )
        body = report(results, args, notes)
        write_section(Path(args.output), body, SECTION)
        print(body)
        log("done")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
