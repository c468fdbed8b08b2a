"""Profile of add to basket: cProfile over Django test client POSTs against the load database.

Production settings as `benchmarks/load.py` runs them (PostgreSQL `ocop_load`, built by
load.py; Redis cache and `cached_db` sessions), one first-time visitor per POST (the CSRF
cookie and token, no session, no basket), as the load benchmark's basket row sends them.
Prints the requests' mean wall time, SQL queries per POST and the functions with the most
cumulative and own time.

    .venv/bin/python benchmarks/basket_profile.py [--posts 200] [--top 30]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402 -- after the path is set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ocop_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    load.setup_in_process(args)  # the database load.py built
    from django.db import connection
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    args.product_pool = 200
    paths = load.build_pools(args)["basket"]
    secret = _get_new_csrf_string()

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")

    def post(i: int):
        client.cookies.clear()  # a first-time visitor: no session, no basket
        client.cookies["csrftoken"] = secret
        response = client.post(
            paths[i % len(paths)],
            {"csrfmiddlewaretoken": _mask_cipher_secret(secret), "quantity": 1},
        )
        assert response.status_code == 302, response.status_code
        return response

    for i in range(20):  # warm-up: imports, templates, connections
        post(i)
    with CaptureQueriesContext(connection) as ctx:
        post(0)
    print(f"SQL queries per POST: {len(ctx.captured_queries)}")
    for query in ctx.captured_queries:
        print("   ", query["sql"][:160])
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(args.posts):
        post(i)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{args.posts} POSTs unprofiled: {wall * 1000 / args.posts:.1f} ms wall, "
        f"{cpu * 1000 / args.posts:.1f} ms CPU of this process each"
    )
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(args.posts):
        post(i)
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{args.posts} POSTs: {elapsed * 1000 / args.posts:.1f} ms each (wall, profiled)")
    for sort in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
