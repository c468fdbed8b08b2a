"""Load benchmark: gunicorn (2 workers, production settings) under mixed buyer traffic.

The demo catalogue grown to 20k products (benchmarks/_common.py) in PostgreSQL, the search
index in the embedded osmem-server, Redis as cache and session store (as in production),
gunicorn as deployed (deploy/gunicorn.conf.py) and `/bench/ceiling/` — the smallest Django
view, through the full middleware stack (benchmarks/load_urls.py) — as the machine's
ceiling. wrk (C, from Debian's `wrk` package) sends the traffic on loopback, one Lua script
per page:

1. warm-up: each page for a few seconds, then every search and product page of the pools
   once (as earlier visitors would have), so that stored pages exist;
2. each page alone, saturated (`--connections` for `--duration` s): the ceiling, home,
   search (30 buyer queries), product pages (a random pool of the catalogue), the same
   search and product pages *rendered* (an empty `messages` cookie, which the anonymous
   page cache leaves alone: what a first visit after a change costs), add to basket (a
   first-time visitor's POST with the CSRF cookie and token a product page gave);
3. the mix: home, search, product and add to basket at once for `--mix-duration` s;
4. the ceiling again.

A page's share of the ceiling is its requests/s alone ÷ the ceiling's (mean of before and
after). The two cores are shared with whatever else runs, so each phase also reads the CPU
time the serving processes spent (gunicorn workers, the PostgreSQL backends of the
benchmark's database, the search server, Redis; from /proc): CPU per request does not
depend on the machine's other load, and its ratio to the ceiling's says what the share
would be on a quiet machine. Errors: socket errors and statuses ≥ 400 seen by wrk, 5xx,
tracebacks, worker timeouts and searches answered by the database fallback in gunicorn's
log. Basket POSTs are checked against the basket lines they created; worker memory (RSS)
is read after the warm-up, every second and at the end.

The database is built once and kept (PostgreSQL database `ocop_load`; media, collected
static files and run files in benchmarks/.cache/load/, git-ignored); later runs migrate,
rebuild the search index (in-memory server) and measure. `--rebuild` starts from scratch;
`--search-url` uses a running search server and keeps its index when complete.

    .venv/bin/python benchmarks/load.py [--products 20000] [--duration 15] [--mix-duration 45]
        [--wait-quiet 900] [--search-url URL] [--rebuild] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402 -- after the path is set
    SEED,
    build_queries,
    generate,
    machine,
    today,
    write_section,
)

SECTION = "load-benchmark"  # the markers of this benchmark's section in docs/benchmarks.md
CACHE_DIR = ROOT / "benchmarks" / ".cache" / "load"
WORKERS = 2
#: A page's requests/s as a share of the ceiling's: home, search and stored product pages
#: (issue 10); the rendered product page and add to basket (issue 22).
TARGETS = {
    "home": 0.50,
    "search": 0.20,
    "product": 0.20,
    "product_rendered": 0.20,
    "basket": 0.15,
}


@dataclass(frozen=True)
class Page:
    label: str
    pool: str  # which paths (build_pools)
    method: str = "GET"
    cookie: str = ""  # sent with every request


#: An empty `messages` cookie: the page cache serves nobody with a message waiting, so the
#: page is rendered as for a first visit after a change (marketplace/core/pagecache.py).
RENDER = "messages="
PAGES = {
    "ceiling": Page("ceiling `/bench/ceiling/` (minimal view)", "ceiling"),
    "home": Page("home `/`", "home"),
    "search": Page("search `/search/?q=…`", "search"),
    "product": Page("product page", "product"),
    "search_rendered": Page("search, rendered (no stored page)", "search", cookie=RENDER),
    "product_rendered": Page("product page, rendered (no stored page)", "product", cookie=RENDER),
    "basket": Page("add to basket (POST, CSRF)", "basket", method="POST"),
}
#: Connections of each page in the mix (buyers browse far more than they add to a basket).
MIX = {"home": 2, "search": 2, "product": 3, "basket": 1}


def log(message: str, _began=time.perf_counter()) -> None:  # noqa: B008 -- the start time
    print(f"[{time.perf_counter() - _began:6.0f}s] {message}", flush=True)


# --- the environment ------------------------------------------------------------------------


def configure_environment(args) -> None:
    """Production settings (benchmarks/load_settings.py) pointed at local services."""
    secret_file = CACHE_DIR / "secret_key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.load_settings",
            "SECRET_KEY": secret_file.read_text().strip(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://cho-ocop.bench.invalid",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": args.redis_url,
            # Any value that looks like a key: nothing in the measured pages calls Stripe.
            "STRIPE_SECRET_KEY": "sk_test_load_benchmark",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_load_benchmark",
            "STRIPE_WEBHOOK_SECRET": "whsec_load_benchmark",
            "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; production has a TLS proxy
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "MEDIA_ROOT": str(CACHE_DIR / "media"),
            "STATIC_ROOT": str(CACHE_DIR / "static"),
            "VAR_DIR": str(CACHE_DIR / "var"),
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("STRIPE_API_BASE", None)
    os.environ.pop("ELASTICSEARCH_URL", None)


def setup_in_process(args, *, create_database: bool = False) -> None:
    """Django configured in this process as the benchmark's gunicorn runs it, for the
    profilers (benchmarks/basket_profile.py, product_profile.py). They never search:
    production settings only want the search server's address."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    configure_environment(args)
    os.environ["ELASTICSEARCH_URL"] = "http://127.0.0.1:9"
    if create_database and not database_exists(args.database_url):
        recreate_database(args.database_url)
    import django

    django.setup()


def ensure_wrk() -> str:
    """wrk from Debian's package; installed with apt when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing Debian's wrk")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
            check=True,
            env=env,
        )
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is needed: apt-get install wrk")
    return found


def database_exists(url: str) -> bool:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare_database(args) -> dict:
    """Migrate; load the demo and grow it to `--products` the first time (kept afterwards)."""
    from django.core.management import call_command
    from django.db import connection

    from catalogue.models import Product
    from marketplace.demo.services import load_demo

    marker = CACHE_DIR / "built.json"
    built = json.loads(marker.read_text()) if marker.exists() else {}
    call_command("migrate", interactive=False, verbosity=0)
    log("migrated")
    if built.get("products") != args.products or built.get("database") != args.database_url:
        log("loading the demo catalogue")
        load_demo(progress=False)
        log(f"demo loaded ({Product.objects.count():,} products); growing to {args.products:,}")
        generate(args.products, random.Random(SEED), log)
        built = {"products": args.products, "database": args.database_url, "built": today()}
        marker.write_text(json.dumps(built))
    built["count"] = Product.objects.count()
    # Fresh planner statistics, as autovacuum keeps them in production: right after the bulk
    # load the planner would still think the tables small and scan them whole.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return built


def index_is_complete() -> bool:
    """The search server already holds every public product (a server given by --search-url)."""
    from search.engine import get_client, index_alias
    from search.indexing import count_public

    try:
        return get_client().count(index=index_alias())["count"] == count_public()
    except Exception:  # no index yet, or any error: build it
        return False


def rebuild_search_index() -> tuple[int, float]:
    from search.indexing import rebuild_index

    last = [time.perf_counter()]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 15 or done == total:
            last[0] = time.perf_counter()
            log(f"  indexed {done:,}/{total:,}")

    started = time.perf_counter()
    indexed = rebuild_index(progress=progress)
    return indexed, time.perf_counter() - started


def build_pools(args) -> dict[str, list[str]]:
    """The paths each page's traffic draws from (uniformly at random)."""
    from django.db.models import Exists, OuterRef
    from oscar.core.loading import get_model

    from catalogue.models import Category, Product
    from catalogue.selectors import product_list_public

    StockRecord = get_model("partner", "StockRecord")
    rng = random.Random(SEED)
    public = list(product_list_public().order_by("pk").values_list("pk", flat=True))
    chosen = sorted(rng.sample(public, min(args.product_pool, len(public))))
    products = product_list_public().filter(pk__in=chosen)
    product_paths = {
        p.pk: p.get_absolute_url() for p in Product.objects.filter(pk__in=chosen).only("pk", "slug")
    }
    buyable = products.filter(
        Exists(
            StockRecord.objects.filter(
                product=OuterRef("pk"), num_in_stock__gt=0, price__isnull=False
            )
        )
    ).values_list("pk", flat=True)
    slugs = dict(Category.objects.filter(code__isnull=False).values_list("code", "slug"))
    search_paths = [
        "/search/?" + urllib.parse.urlencode(params) for _label, params in build_queries(slugs)
    ]
    return {
        "ceiling": ["/bench/ceiling/"],
        "home": ["/"],
        "search": search_paths,
        "product": list(product_paths.values()),
        "basket": [f"/basket/add/{pk}/" for pk in buyable],
        # Where a buyer gets the CSRF token of the POSTs: a buyable product's page.
        "csrf": [product_paths[pk] for pk in buyable[:1]],
    }


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def basket_lines() -> int:
    from django.db import connection
    from oscar.core.loading import get_model

    count = get_model("basket", "Line").objects.count()
    connection.close()
    return count


def static_is_current() -> bool:
    """Collected static files newer than every source file (collectstatic takes a minute)."""
    manifest = CACHE_DIR / "static" / "staticfiles.json"
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    sources = [*ROOT.glob("themes/*/static"), *ROOT.glob("*/static")]
    return all(
        path.stat().st_mtime <= built
        for folder in sources
        for path in folder.rglob("*")
        if path.is_file()
    )


# --- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, logfile: Path) -> subprocess.Popen:
    """gunicorn as deployed (deploy/gunicorn.conf.py: sync workers, JSON access log on stdout),
    with WORKERS workers on a loopback port and no recycling after N requests, so that the
    workers' memory over the run is seen as it grows."""
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_MAX_REQUESTS": "0",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
    ]
    out = logfile.open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} not answering after {timeout:.0f}s")


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return sorted(found)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (0 when it is gone)."""
    try:
        fields = _stat(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds spent (all cores, all processes) since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def listening_pid(port: int) -> int | None:
    """The process listening on this local TCP port (from /proc/net/tcp and open sockets)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(entry.name)
        except OSError:
            continue
    return None


def postgres_backends(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving connections to the benchmark's database."""
    import psycopg

    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [pid for (pid,) in rows]


@dataclass
class Servers:
    """The processes that serve a request, whose CPU time each phase reads."""

    workers: list[int]
    database_url: str
    search_pid: int | None
    redis_pid: int | None

    def snapshot(self) -> dict[str, dict[int, float]]:
        groups = {
            "gunicorn": self.workers,
            "postgres": postgres_backends(self.database_url),
            "search": [self.search_pid] if self.search_pid else [],
            "redis": [self.redis_pid] if self.redis_pid else [],
        }
        return {name: {pid: cpu_seconds(pid) for pid in pids} for name, pids in groups.items()}

    def spent(self, before: dict) -> dict[str, float]:
        """CPU seconds per group since `before` (processes started since count from 0)."""
        after = self.snapshot()
        return {
            name: sum(cpu - before[name].get(pid, 0.0) for pid, cpu in pids.items())
            for name, pids in after.items()
        }


def wait_quiet(limit: float, threshold: float) -> tuple[float, float]:
    """Wait (up to `limit` s) until the machine's CPU is mostly idle over 10 s.

    Returns (busy cores of the last 10 s, seconds waited).
    """
    started = time.monotonic()
    while True:
        before = machine_busy_seconds()
        time.sleep(10)
        busy = (machine_busy_seconds() - before) / 10
        waited = time.monotonic() - started
        if busy <= threshold or waited >= limit:
            return busy, waited
        log(f"  machine busy ({busy:.2f} cores used, load {os.getloadavg()[0]:.1f})")


class MemoryWatch(threading.Thread):
    """RSS of every gunicorn worker, once a second, while the phases run."""

    def __init__(self, workers: list[int]):
        super().__init__(daemon=True)
        self.workers = workers
        self.samples: list[list[float]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            try:
                self.samples.append([rss_mb(pid) for pid in self.workers])
            except OSError:
                return  # a worker died: the report says so


class GunicornLog:
    """What gunicorn's log (JSON lines: access log and application log) says since `mark()`."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = self.path.stat().st_size

    def problems(self) -> dict[str, int]:
        with self.path.open(errors="replace") as handle:
            handle.seek(self.offset)
            text = handle.read()
        server_errors = 0
        for line in text.splitlines():
            if '"gunicorn.access"' in line:
                try:
                    server_errors += json.loads(line).get("status", 0) >= 500
                except ValueError:
                    continue
        return {
            "responses 5xx": server_errors,
            "tracebacks": text.count("Traceback (most recent call last)"),
            "searches answered by the database fallback": text.count("search engine unavailable"),
            "worker timeouts": text.count("WORKER TIMEOUT"),
        }


# --- wrk --------------------------------------------------------------------------------------

LUA = r"""-- generated by benchmarks/load.py
local paths_file, method, body, cookie = %(paths)s, %(method)s, %(body)s, %(cookie)s
local paths = {}
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

init = function(args)
  for line in io.lines(paths_file) do paths[#paths + 1] = line end
  math.randomseed(os.time() * 100 + (seed or 0))
  wrk.headers["Accept"] = "text/html"
  if cookie ~= "" then wrk.headers["Cookie"] = cookie end
  if body ~= "" then wrk.headers["Content-Type"] = "application/x-www-form-urlencoded" end
end

request = function()
  local path = paths[math.random(#paths)]
  if body ~= "" then return wrk.format(method, path, nil, body) end
  return wrk.format(method, path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, '
    .. '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, '
    .. '"p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max))
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string for these characters


@dataclass
class Run:
    page: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    kb_per_request: float
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per server group
    machine_cores: float = 0.0  # cores busy on the whole machine (everything) meanwhile

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """Server CPU per request (ms), all groups; 0 when no request was counted."""
        return sum(self.cpu.values()) * 1000 / self.requests if self.requests else 0.0


@dataclass
class Traffic:
    wrk: str
    base: str
    run_dir: Path
    pools: dict[str, list[str]]
    csrf: dict[str, str] = field(default_factory=dict)

    def script(self, name: str) -> Path:
        page = PAGES[name]
        paths = self.run_dir / f"{page.pool}.paths"
        paths.write_text("\n".join(self.pools[page.pool]) + "\n")
        post = page.method == "POST"
        cookie = page.cookie
        if post:
            cookie = f"csrftoken={self.csrf['cookie']}"
        text = LUA % {
            "paths": lua_string(str(paths)),
            "method": lua_string(page.method),
            "body": lua_string(
                f"csrfmiddlewaretoken={self.csrf['form']}&quantity=1" if post else ""
            ),
            "cookie": lua_string(cookie),
        }
        script = self.run_dir / f"{name}.lua"
        script.write_text(text)
        return script

    def start(self, name: str, connections: int, seconds: float) -> subprocess.Popen:
        return subprocess.Popen(
            [
                self.wrk,
                "-t",
                str(max(1, min(2, connections // 2))),
                "-c",
                str(connections),
                "-d",
                f"{seconds:.0f}s",
                "--timeout",
                "30s",
                "-s",
                str(self.script(name)),
                self.base,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    @staticmethod
    def result(name: str, process: subprocess.Popen) -> Run:
        output, _ = process.communicate()
        match = re.search(r"^WRK_JSON (\{.*\})$", output, re.MULTILINE)
        if not match:
            raise RuntimeError(f"wrk ({name}) gave no result:\n{output}")
        data = json.loads(match.group(1))
        socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
        return Run(
            page=name,
            requests=data["requests"],
            seconds=data["duration_us"] / 1e6,
            errors=data["status"] + socket_errors,
            p50_ms=data["p50_us"] / 1000,
            p95_ms=data["p95_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            kb_per_request=data["bytes"] / max(1, data["requests"]) / 1024,
        )

    def run(self, pages: dict[str, int], seconds: float, servers: Servers) -> dict[str, Run]:
        """These pages at once (name → connections) for `seconds`, with the CPU spent."""
        before = servers.snapshot()
        machine_before = machine_busy_seconds()
        wall = time.monotonic()
        processes = {name: self.start(name, n, seconds) for name, n in pages.items()}
        runs = {name: self.result(name, process) for name, process in processes.items()}
        wall = time.monotonic() - wall
        spent = servers.spent(before)
        machine_cores = (machine_busy_seconds() - machine_before) / wall
        for run in runs.values():
            run.cpu, run.machine_cores = spent, machine_cores
        return runs

    def prime(self, pools: list[str], threads: int = 4) -> tuple[int, int]:
        """Every path of these pools once, as earlier visitors: (stored pages, paths)."""
        paths = [path for pool in pools for path in self.pools[pool]]

        def visit(path: str) -> bool:
            for _attempt in range(3):  # a search answered by the fallback is not stored
                try:
                    with urllib.request.urlopen(self.base + path, timeout=60) as response:
                        response.read()
                        if response.headers.get("X-Page-Cache") in ("hit", "miss"):
                            return True
                except (OSError, urllib.error.HTTPError):
                    pass
            return False

        with ThreadPoolExecutor(threads) as pool:
            stored = sum(pool.map(visit, paths))
        return stored, len(paths)


def fetch_csrf(base: str, product_path: str) -> dict[str, str]:
    """The CSRF cookie and form token a buyer gets from a product page."""
    with urllib.request.urlopen(base + product_path, timeout=30) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    cookie = next(
        (c.split(";", 1)[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken=")),
        None,
    )
    form = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not (cookie and form):
        raise RuntimeError(f"no CSRF cookie or token on {product_path}")
    return {"cookie": cookie, "form": form.group(1)}


def first_visit_cookies(base: str, paths: dict[str, str]) -> dict[str, list[str]]:
    """The cookies each page sets for a first-time visitor (a session per GET would cost)."""
    found = {}
    for name, path in paths.items():
        with urllib.request.urlopen(base + path, timeout=30) as response:
            found[name] = sorted(
                c.split("=", 1)[0] for c in response.headers.get_all("Set-Cookie") or []
            )
    return found


# --- the report -------------------------------------------------------------------------------


def report(r: dict) -> str:
    import django

    ceiling_runs = [r["alone"]["ceiling"], r["ceiling_after"]]
    ceiling = statistics.mean(run.rps for run in ceiling_runs)
    ceiling_cpu = statistics.mean(run.cpu_ms for run in ceiling_runs)
    lines = [
        "## Under load (`benchmarks/load.py`)",
        "",
        f"Run on {r['date']}: {machine()}, Django {django.get_version()}, gunicorn "
        f"{r['gunicorn']} as deployed (`deploy/gunicorn.conf.py`: sync workers, JSON access "
        f"log) with {WORKERS} workers, production settings (`DEBUG` off, cached template "
        "loaders, Redis cache and `cached_db` sessions, persistent PostgreSQL connections, "
        "WhiteNoise manifest static files). PostgreSQL database `ocop_load`: the demo "
        f"catalogue grown to {r['products']:,} products (benchmarks/_common.py); search index "
        f"in {r['search_server']}; Redis; {r['wrk_version']}; all on loopback on the same "
        "2 cores.",
        "",
        f"Each page alone: {r['connections']} connections for {r['duration']:.0f} s; the "
        f"ceiling before and after the pages (mean **{ceiling:,.0f} requests/s**). Search "
        f"draws from {r['pools']['search']} buyer queries, product pages from a random pool of "
        f"{r['pools']['product']:,} products, add to basket from the {r['pools']['basket']:,} "
        "of them in stock (a first-time visitor's POST with the CSRF cookie and token a "
        f"product page gave). Before the phases every search and product page of the pools "
        f"was visited once ({r['primed'][0]:,} of {r['primed'][1]:,} stored by the anonymous "
        "page cache, docs/decisions/0017-anonymous-page-cache.md); the *rendered* rows send "
        "the same requests with an empty `messages` cookie, which the page cache leaves "
        "alone: what a first visit after a change of the catalogue costs. Latencies include "
        "waiting for a free worker (closed loop, more connections than workers).",
        "",
        "*Server CPU* is the CPU time of the gunicorn workers, the PostgreSQL backends of the "
        "benchmark's database, the search server and Redis per request (/proc), which does not "
        "depend on what else runs on the machine; *share by CPU* is the ceiling's CPU per "
        "request ÷ the page's, the share the page would reach on an otherwise idle machine.",
        "",
        "| page | requests/s | share of ceiling | target | p50 ms | p95 ms | KB / response "
        "| server CPU ms / request | share by CPU | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]

    def row(label: str, run: Run, target: float | None = None) -> str:
        return (
            f"| {label} | {run.rps:,.0f} | {run.rps / ceiling:.0%} | "
            f"{f'≥ {target:.0%}' if target else ''} | {run.p50_ms:.1f} | {run.p95_ms:.1f} | "
            f"{run.kb_per_request:.1f} | {run.cpu_ms:.2f} | "
            f"{ceiling_cpu / run.cpu_ms if run.cpu_ms else 0:.0%} | {run.errors} |"
        )

    for name, run in r["alone"].items():
        label = PAGES[name].label + (", before" if name == "ceiling" else "")
        lines.append(row(label, run, TARGETS.get(name)))
    lines.append(row(PAGES["ceiling"].label + ", after", r["ceiling_after"]))

    mix = r["mix"]
    total = sum(run.rps for run in mix.values())
    any_mix = next(iter(mix.values()))
    lines += [
        "",
        f"Mixed traffic, {r['mix_duration']:.0f} s, all at once (connections: "
        + ", ".join(f"{PAGES[name].label} {n}" for name, n in MIX.items())
        + f"): **{total:,.0f} requests/s** in all, server CPU "
        f"{sum(any_mix.cpu.values()) * 1000 / max(1, sum(run.requests for run in mix.values())):.2f}"
        " ms per request.",
        "",
        "| page | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, run in mix.items():
        lines.append(
            f"| {PAGES[name].label} | {run.rps:,.1f} | {run.p50_ms:.1f} | {run.p95_ms:.1f} | "
            f"{run.p99_ms:.1f} | {run.errors} |"
        )

    mem = r["memory"]
    problems = r["problems"]
    lines += [
        "",
        "Gunicorn workers' memory (RSS, MB): "
        + "; ".join(
            f"worker {i + 1}: {start:.0f} after the warm-up, {end:.0f} at the end (max {peak:.0f})"
            for i, (start, end, peak) in enumerate(mem["workers"])
        )
        + f"; both, over the mixed phase: {mem['mix_start']:.0f} → {mem['mix_end']:.0f}.",
        "",
        f"Checks: {r['basket_posts']:,} add-to-basket POSTs answered without error created "
        f"{r['basket_lines']:,} basket lines; in gunicorn's log during the phases: "
        + ", ".join(f"{name} {count}" for name, count in problems.items())
        + "; cookies a first-time visitor's GET receives: "
        + ", ".join(f"{name} {', '.join(c) if c else 'none'}" for name, c in r["cookies"].items())
        + ".",
        "",
        f"The machine: load average (1 min) {r['load_before']:.2f} before the phases and "
        f"{r['load_after']:.2f} after; {r['quiet_busy']:.2f} cores were busy in the 10 s "
        f"before them (waited {r['quiet_waited']:.0f} s for a quieter machine); during the "
        f"ceiling {r['alone']['ceiling'].machine_cores:.2f} cores were busy in all, of which "
        f"{sum(r['alone']['ceiling'].cpu.values()) / r['alone']['ceiling'].seconds:.2f} for the "
        "serving processes (the rest: wrk, the kernel, other work).",
        "",
        "### Targets",
        "",
    ]
    errors = sum(run.errors for run in [*r["alone"].values(), r["ceiling_after"], *mix.values()])
    errors += sum(problems.values()) + (0 if r["workers_alive"] else 1)
    for name, target in TARGETS.items():
        run = r["alone"][name]
        share = run.rps / ceiling
        by_cpu = ceiling_cpu / run.cpu_ms if run.cpu_ms else 0.0
        lines.append(
            f"- {PAGES[name].label} ≥ {target:.0%} of the ceiling: "
            f"**{'met' if share >= target else 'missed'}** ({share:.0%}: {run.rps:,.0f} vs "
            f"{ceiling:,.0f} requests/s; by CPU {by_cpu:.0%})."
        )
    lines.append(f"- No errors: **{'met' if errors == 0 else 'missed'}** ({errors}).")
    growth = max(end - start for start, end, _peak in mem["workers"])
    growth_mix = mem["mix_end"] - mem["mix_start"]
    stable = growth_mix <= max(10.0, 0.05 * mem["mix_start"]) and r["workers_alive"]
    lines.append(
        f"- Worker memory stable: **{'met' if stable else 'missed'}** (both workers over the "
        f"mixed phase {growth_mix:+.0f} MB; largest growth of one worker from the warm-up to "
        f"the end {growth:+.0f} MB; stable: at most max(10 MB, 5 %) over the mix, no worker "
        "replaced)."
    )
    lines += [f"- {note}" for note in r["notes"]]
    lines += ["", "### What the figures rest on", "", *EXPLAINED]
    return "\n".join(lines) + "\n"


EXPLAINED = [
    "- **Anonymous page cache** (docs/decisions/0017-anonymous-page-cache.md, "
    "`marketplace/core/pagecache.py`): home, search/browse and product pages are stored whole "
    "for visitors without session, basket or message, keyed by path, language and date, valid "
    "while the catalogue version and a fingerprint of the shown products' visibility, price "
    "and stock are unchanged; the CSRF token is filled in per visitor. A worker serves a page "
    "it checked less than a second ago without asking Redis or PostgreSQL. The home page is "
    "routed before Wagtail's `serve` (four queries less per request).",
    "- **View count without waiting for the disk** (`catalogue/analytics.py`): Oscar counts "
    "every product view with an UPDATE; it is now one statement committed with "
    "`synchronous_commit` off, so a product page no longer waits for a WAL flush.",
    "- **One redis-py client per connection pool** (`marketplace/core/cache.py`): Django "
    "built a new client, with ~170 response callbacks, for every cache call.",
    "- **Fingerprint in plain SQL** (`catalogue.selectors.product_state_fingerprint`): "
    "compiling the ORM query cost more than running it.",
    "- **Rendered product page within 8 queries** (docs/decisions/0045-first-render-budget.md): "
    "the product with its shop, class, parent and options in one query, the variants with "
    "their stock and attributes prefetched; breadcrumb, photos (with their thumbnails), shop "
    "card, attributes and reviews are fragments cached under the catalogue version "
    "(`marketplace/core/fragments.py`), so a visitor the page cache does not serve (basket, "
    "session, message) pays only for the buy box: 4 queries for a product, 7 for a parent "
    "with its variants (11 and 13 right after a catalogue change).",
    "- **Add to basket in 12 queries instead of 26** (`marketplace/checkout/basket_add.py`): "
    "the product, its stock records and their shop read once, options only when the product "
    "has some, the basket's lines once for the total message; profile in \"Add to basket\" "
    "below.",
    "- The rendered search page is mostly the embedded search server's time (osmem-server; "
    'see "Search at scale" above): the next thing to make cheaper.',
]


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=20_000, help="catalogue size")
    parser.add_argument("--duration", type=float, default=15, help="seconds per page alone")
    parser.add_argument("--mix-duration", type=float, default=45, help="seconds of mixed traffic")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of each page first")
    parser.add_argument("--connections", type=int, default=4, help="connections per page alone")
    parser.add_argument("--product-pool", type=int, default=1000, help="product pages drawn from")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        help="seconds to wait at most, before the phases, for the machine's other work to calm",
    )
    parser.add_argument("--quiet-cores", type=float, default=0.3, help="'quiet': cores busy")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ocop_load")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument(
        "--search-url",
        default="",
        help="a running search server (Elasticsearch 8, osmem-server) instead of starting "
        "osmem-server; its index is rebuilt only when it does not hold every public product",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--note", action="append", default=[], help="extra line under Targets")
    args = parser.parse_args()

    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    run_dir = CACHE_DIR / "run"
    run_dir.mkdir(exist_ok=True)
    wrk = ensure_wrk()
    configure_environment(args)
    if args.rebuild or not database_exists(args.database_url):
        recreate_database(args.database_url)
        (CACHE_DIR / "built.json").unlink(missing_ok=True)
        shutil.rmtree(CACHE_DIR / "media", ignore_errors=True)

    from marketplace.embedded import start_search

    search = None if args.search_url else start_search()
    os.environ["ELASTICSEARCH_URL"] = args.search_url or search.url
    log(f"search server on {os.environ['ELASTICSEARCH_URL']}")
    gunicorn = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        built = prepare_database(args)
        if args.search_url and index_is_complete():
            rebuild_s = None
            log(f"{built['count']:,} products, already indexed")
        else:
            log(f"{built['count']:,} products; rebuilding the search index")
            indexed, rebuild_s = rebuild_search_index()
            log(f"indexed {indexed:,} in {rebuild_s:.0f}s")
        if not static_is_current():
            log("collecting static files")
            call_command("collectstatic", interactive=False, verbosity=0)
        pools = build_pools(args)
        connections.close_all()
        flush_redis(args.redis_url)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        gunicorn_log = GunicornLog(run_dir / "gunicorn.log")
        gunicorn = start_gunicorn(port, gunicorn_log.path)
        wait_http(base + "/health/live", gunicorn)
        workers = children(gunicorn.pid)
        assert len(workers) == WORKERS, workers
        search_port = urllib.parse.urlsplit(os.environ["ELASTICSEARCH_URL"]).port
        servers = Servers(
            workers=workers,
            database_url=args.database_url,
            search_pid=search.process.pid if search else listening_pid(search_port),
            redis_pid=listening_pid(urllib.parse.urlsplit(args.redis_url).port or 6379),
        )
        log(f"gunicorn on {base}, workers {workers}; servers {servers}")
        traffic = Traffic(wrk=wrk, base=base, run_dir=run_dir, pools=pools)
        cookies = first_visit_cookies(
            base,
            {
                "home": "/",
                "search": pools["search"][0],
                "product": pools["product"][0],
                "ceiling": "/bench/ceiling/",
            },
        )
        traffic.csrf = fetch_csrf(base, pools["csrf"][0])

        log("warm-up")
        for name in ("ceiling", "home", "search", "product", "basket"):
            traffic.run({name: args.connections}, args.warmup, servers)
        primed = traffic.prime(["home", "search", "product"])
        log(f"  {primed[0]:,} of {primed[1]:,} pages stored")

        if args.wait_quiet:
            log(f"waiting up to {args.wait_quiet:.0f}s for a quieter machine")
        quiet_busy, quiet_waited = wait_quiet(args.wait_quiet, args.quiet_cores)
        load_before = os.getloadavg()[0]
        lines_start = basket_lines()
        gunicorn_log.mark()
        watch = MemoryWatch(workers)
        memory_start = [rss_mb(pid) for pid in workers]
        watch.start()
        alone: dict[str, Run] = {}
        for name in PAGES:
            run = traffic.run({name: args.connections}, args.duration, servers)[name]
            alone[name] = run
            log(
                f"{name}: {run.rps:,.0f} requests/s, p95 {run.p95_ms:.1f} ms, "
                f"CPU {run.cpu_ms:.2f} ms/request "
                f"({', '.join(f'{k} {v * 1000 / max(1, run.requests):.2f}' for k, v in run.cpu.items())}), "
                f"errors {run.errors}"
            )
        mix_start = sum(rss_mb(pid) for pid in workers)
        mix = traffic.run(MIX, args.mix_duration, servers)
        mix_end = sum(rss_mb(pid) for pid in workers)
        log("mix: " + ", ".join(f"{name} {run.rps:,.0f}/s" for name, run in mix.items()))
        ceiling_after = traffic.run({"ceiling": args.connections}, args.duration, servers)
        ceiling_after = ceiling_after["ceiling"]
        log(f"ceiling again: {ceiling_after.rps:,.0f} requests/s")
        watch.stopped.set()
        watch.join()
        memory_end = [rss_mb(pid) for pid in workers]
        load_after = os.getloadavg()[0]
        peaks = [max([memory_start[i], *(s[i] for s in watch.samples)]) for i in range(WORKERS)]
        posts = [alone["basket"], mix["basket"]]
        report_data = {
            "date": today(),
            "gunicorn": subprocess.run(
                [str(ROOT / ".venv" / "bin" / "gunicorn"), "--version"],
                capture_output=True,
                text=True,
            )
            .stdout.split()[-1]
            .strip("()"),
            "wrk_version": "wrk "
            + subprocess.run([wrk, "-v"], capture_output=True, text=True)
            .stdout.split()[1]
            .split("-")[0]
            .removeprefix("debian/"),
            "products": built["count"],
            "search_server": (
                f"the search server at {args.search_url} (index kept)"
                if rebuild_s is None
                else f"{'the search server given' if args.search_url else 'the embedded osmem-server'}"
                f" (rebuilt in {rebuild_s:.0f} s)"
            ),
            "connections": args.connections,
            "duration": args.duration,
            "mix_duration": args.mix_duration,
            "pools": {pool: len(paths) for pool, paths in pools.items()},
            "primed": primed,
            "alone": alone,
            "mix": mix,
            "ceiling_after": ceiling_after,
            "memory": {
                "workers": list(zip(memory_start, memory_end, peaks, strict=True)),
                "mix_start": mix_start,
                "mix_end": mix_end,
            },
            "workers_alive": children(gunicorn.pid) == workers,
            "basket_posts": sum(run.requests - run.errors for run in posts),
            "basket_lines": basket_lines() - lines_start,
            "problems": gunicorn_log.problems(),
            "cookies": cookies,
            "load_before": load_before,
            "load_after": load_after,
            "quiet_busy": quiet_busy,
            "quiet_waited": quiet_waited,
            "notes": list(args.note),
        }
        body = report(report_data)
        print(body)
        (run_dir / "report.md").write_text(body)
        if not args.no_write:
            write_section(Path(args.output), body, SECTION)
            log(f"written to {args.output}")
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(30)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if search is not None:
            search.stop()


if __name__ == "__main__":
    main()
