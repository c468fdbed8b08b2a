"""Profile of a rendered product page: CPU per render and cProfile over Django test client GETs.

Production settings as `benchmarks/load.py` runs them (PostgreSQL, Redis cache and
`cached_db` sessions), on a database holding the demo catalogue (migrated and loaded the
first time, as `make run` does). Every GET carries an empty `messages` cookie, which the
anonymous page cache leaves alone (marketplace/core/pagecache.py): the page is rendered as
for a visitor with a session, basket or message — the load benchmark's *rendered* row. The
fragments are stored after the warm-up (the usual case), unless `--cold`, which replaces
the catalogue version before every GET (the first render after a catalogue change).

Prints the SQL queries and cache calls of one render, the CPU time of this process per
render (time.process_time: the Django side, not PostgreSQL's or Redis's) over several
rounds (min and median: the machine is shared), and the functions with the most cumulative
and own time under cProfile.

    .venv/bin/python benchmarks/product_profile.py [--renders 200] [--rounds 5] [--top 40]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402 -- after the path is set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--renders", type=int, default=200, help="GETs per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--products", type=int, default=20, help="product pages cycled through")
    parser.add_argument("--cold", action="store_true", help="a catalogue change before each GET")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/test_speed_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    load.setup_in_process(args, create_database=True)  # migrated and given the demo below
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalogue.selectors import product_list_public
    from marketplace.cms.caching import bump_catalogue_version

    call_command("migrate", interactive=False, verbosity=0)
    if not load.static_is_current():  # the manifest the {% static %} tags read
        print("collecting static files")
        call_command("collectstatic", interactive=False, verbosity=0)
    if not product_list_public().exists():
        from marketplace.demo.services import load_demo

        print("loading the demo catalogue")
        load_demo(progress=False)
    load.flush_redis(args.redis_url)
    # Parents (with variants) and standalone products, in a fixed order.
    products = list(product_list_public().order_by("pk")[: args.products])
    paths = [p.get_absolute_url() for p in products]
    print(f"{len(paths)} product pages, e.g. {paths[0]}")

    client = Client(HTTP_HOST="127.0.0.1")

    def get(i: int):
        if args.cold:
            bump_catalogue_version()
        client.cookies.clear()
        client.cookies["messages"] = ""  # the page cache leaves this visitor alone
        response = client.get(paths[i % len(paths)])
        assert response.status_code == 200, (paths[i % len(paths)], response.status_code)
        assert "X-Page-Cache" not in response or response["X-Page-Cache"] != "hit"
        return response

    for i in range(2 * len(paths)):  # warm-up: imports, templates, connections, fragments
        get(i)

    calls: list[str] = []
    client_cls = type(cache._cache) if hasattr(cache, "_cache") else None
    wrapped = {}
    if client_cls is not None:
        for name in ("get", "get_many", "set", "set_many", "add", "incr", "delete"):
            original = getattr(client_cls, name, None)
            if original is None:
                continue
            wrapped[name] = original

            def spy(self, *a, _name=name, _original=original, **kw):
                calls.append(_name)
                return _original(self, *a, **kw)

            setattr(client_cls, name, spy)
    with CaptureQueriesContext(connection) as ctx:
        get(0)
    for name, original in wrapped.items():
        setattr(client_cls, name, original)
    print(f"one render of {paths[0]}: {len(ctx.captured_queries)} SQL queries, cache calls {calls}")
    for query in ctx.captured_queries:
        print("   ", query["sql"][:150])

    per_render = []
    for _round in range(args.rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(args.renders):
            get(i)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        per_render.append((cpu * 1000 / args.renders, wall * 1000 / args.renders))
        print(f"  round: {per_render[-1][0]:.2f} ms CPU, {per_render[-1][1]:.2f} ms wall per render")
    cpus = [c for c, _w in per_render]
    walls = [w for _c, w in per_render]
    print(
        f"{args.rounds} × {args.renders} renders unprofiled: CPU per render min {min(cpus):.2f} ms, "
        f"median {statistics.median(cpus):.2f} ms; wall min {min(walls):.2f} ms, "
        f"median {statistics.median(walls):.2f} ms"
    )
    if args.no_profile:
        return
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(args.renders):
        get(i)
    profiler.disable()
    for sort in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
