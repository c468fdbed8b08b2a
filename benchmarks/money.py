"""Money benchmark: settlement summary, a shop's money page and statement, the monthly tax
export — server time and SQL queries with 1,000 shops and 100,000 paid orders, PostgreSQL.

The database named by `--database-url` is DROPPED and created again (a throw-away one; never
point it at data you keep). After `migrate`, 1,000 shops (half households, whose VAT and PIT
are withheld) and their paid orders are written in bulk, with the ledger entries the postings
would write (marketplace/ledger/posting.py): 80 % paid through the programme (card or transfer
into its account: sale, 5 % fee, VAT, PIT), 20 % COD collected by the shop (its sale, the fee
it owes); placed over 180 days, 90 % delivered; those delivered more than
`COMPLAINT_WINDOW_DAYS` ago released. One shop ("the big shop") has 2 % of all orders. Then
a real payout run (`payout_run_create`) pays every shop owed money, and half the payouts are
marked paid — the summary then has balances, runs and last payouts to show.

Sizes are grown in the same database (10,000 then 100,000 orders by default) so the SQL
queries can be compared: they must not grow with the number of orders. Pages through
Django's test client in-process (server time only), `--requests` per page after a warm-up.

The section between the `money-benchmark` markers of docs/benchmarks.md is replaced.

    .venv/bin/python benchmarks/money.py --database-url postgres://postgres@127.0.0.1:5432/ocop_money \
        [--shops 1000] [--sizes 10000,100000] [--requests 10]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import SEED, machine, today, write_section  # noqa: E402 -- after the path

SECTION = "money-benchmark"
LIMIT_MS = 10_000
PROGRAMME_SHARE = 0.8
DELIVERED_SHARE = 0.9
BIG_SHOP_SHARE = 0.02
FEE_BP, VAT_BP, PIT_BP = 500, 100, 50


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p * len(ordered)) - 1))]


def part(amount: int, basis_points: int) -> int:
    return (amount * basis_points + 5000) // 10000


def make_people_and_shops(count: int):
    """`count` approved shops with a bank account, an owner for the big one, programme staff."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from marketplace.core.roles import PROGRAMME_STAFF_GROUP
    from marketplace.ledger.models import FeeRate
    from shops.models import Partner, ShopMember

    User = get_user_model()
    FeeRate.objects.create(valid_from="2020-01-01", basis_points=FEE_BP, note="benchmark 5 %")
    Partner.objects.bulk_create([
        Partner(
            code=f"cua-hang-{n:04d}", name=f"Cửa hàng {n:04d}", status=Partner.Status.APPROVED,
            producer_type=Partner.ProducerType.HOUSEHOLD if n % 2 else Partner.ProducerType.COOPERATIVE,
            bank_bin="970436", bank_account_number=f"00{n:011d}", bank_account_name=f"CUA HANG {n:04d}",
        )
        for n in range(count)
    ], batch_size=1000)
    shops = list(Partner.objects.filter(code__startswith="cua-hang-").order_by("code"))
    owner = User.objects.create_user(username="chu@benchmark.vn", email="chu@benchmark.vn", password="x")
    ShopMember.objects.create(shop=shops[0], user=owner, role=ShopMember.Role.OWNER)
    staff = User.objects.create_user(username="canbo@benchmark.vn", email="canbo@benchmark.vn",
                                     password="x", is_staff=True)
    group, _ = Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)
    staff.groups.add(group)
    return shops, owner, staff


def seed_orders(shops, count: int, rng: random.Random, *, start: int) -> None:
    """`count` paid orders over the shops (the first has BIG_SHOP_SHARE of them) and their
    ledger entries, bulk-written."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from marketplace.ledger.models import Account as A
    from marketplace.ledger.models import Entry, Kind
    from marketplace.order.models import Order

    now = timezone.now()
    window = timedelta(days=settings.COMPLAINT_WINDOW_DAYS)
    big = shops[0]
    plans = []
    for _ in range(count):
        shop = big if rng.random() < BIG_SHOP_SHARE else shops[rng.randrange(1, len(shops))]
        amount = rng.choice([85_000, 120_000, 150_000, 240_000, 300_000, 450_000])
        placed = now - timedelta(days=rng.uniform(0, 180))
        programme = rng.random() < PROGRAMME_SHARE
        delivered = rng.random() < DELIVERED_SHARE
        plans.append((shop, amount, placed, programme, delivered))
    with transaction.atomic():
        orders = Order.objects.bulk_create([
            Order(
                number=f"M{start + n:08d}", site_id=settings.SITE_ID, currency="VND", total_incl_tax=amount,
                total_excl_tax=amount, shipping_incl_tax=0, shipping_excl_tax=0, guest_email="mua@example.vn",
                status="delivered" if delivered else "confirmed", date_placed=placed, shop=shop,
                payment_method="card" if programme else "cod", payment_status="paid",
                amount_paid=amount,
            )
            for n, (shop, amount, placed, programme, delivered) in enumerate(plans)
        ], batch_size=5000)
        entries = []
        for order, (shop, amount, placed, programme, delivered) in zip(orders, plans, strict=True):
            withheld = programme and shop.producer_type == "household"
            base = {"shop_id": shop.pk, "order_id": order.pk, "booked_at": placed,
                    "route": "card" if programme else "cod"}
            if programme:
                entries.append(Entry(kind=Kind.SALE, debit=A.PROGRAMME_CASH, credit=A.SHOP_PENDING, amount=amount,
                                     key=f"sale:{order.pk}", **base))
            else:
                entries.append(Entry(kind=Kind.SALE_SELF, debit=A.SHOP_COLLECTED, credit=A.SHOP_SALES,
                                     amount=amount, key=f"sale:{order.pk}", **base))
            pending = amount if programme else 0
            for kind, account, bp in ((Kind.FEE, A.FEE_INCOME, FEE_BP), (Kind.VAT, A.VAT_WITHHELD, VAT_BP),
                                      (Kind.PIT, A.PIT_WITHHELD, PIT_BP)):
                if kind != Kind.FEE and not withheld:
                    continue
                share = part(amount, bp)
                pending -= share
                entries.append(Entry(kind=kind, debit=A.SHOP_PENDING, credit=account, amount=share,
                                     key=f"{kind}:{order.pk}", **base))
            if delivered and placed + window <= now and pending:
                debit, credit = (A.SHOP_PENDING, A.SHOP_PAYABLE) if pending > 0 else (A.SHOP_PAYABLE, A.SHOP_PENDING)
                entries.append(Entry(kind=Kind.RELEASE, debit=debit, credit=credit, amount=abs(pending),
                                     key=f"release:{order.pk}", **{**base, "booked_at": placed + window}))
        Entry.objects.bulk_create(entries, batch_size=10000)
    with transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledger_entry; ANALYZE order_order; ANALYZE partner_partner;")


def pay(staff) -> tuple[float, int, int]:
    """A payout run as of now (timed), then half its payouts marked paid."""
    from django.utils import timezone

    from marketplace.ledger.payouts import payout_mark_paid, payout_run_create

    started = time.perf_counter()
    result = payout_run_create(as_of=timezone.now(), actor=staff)
    seconds = time.perf_counter() - started
    for payout in result.payouts[::2]:
        payout_mark_paid(payout=payout, bank_reference=f"FT{payout.pk:010d}", actor=staff)
    return seconds, len(result.payouts), result.total


def measure(client, url: str, params: dict, repeat: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, params)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return statistics.median(times), percentile(times, 0.95), queries


# --- the monthly tax export (marketplace/tax/) ---------------------------------------------

def measure_tax_export(client, *, month: str, repeat: int) -> list[tuple[str, float, float, int]]:
    """The staff month page and its two files for `month`, signed in as staff."""
    from django.urls import reverse

    out = []
    for label, name in (("tax month page `/dashboard/tax/`", "tax-dashboard:month"),
                        ("monthly withholding CSV `/dashboard/tax/withholding.csv`", "tax-dashboard:csv"),
                        ("schedule 01-1/BK-CNKD-TMĐT `/dashboard/tax/withholding.xlsx`", "tax-dashboard:xlsx")):
        median, p95, queries = measure(client, reverse(name), {"month": month}, repeat)
        out.append((label, median, p95, queries))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/ocop_money")
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.dev"
    os.environ["DEBUG"] = "0"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.pop("ELASTICSEARCH_URL", None)
    recreate_database(args.database_url)

    import django

    django.setup()
    import django.db
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from marketplace.core.dates import VN
    from marketplace.ledger.models import Entry

    setup_test_environment()
    call_command("migrate", verbosity=0)
    log("migrated")
    rng = random.Random(SEED)
    shops, owner, staff = make_people_and_shops(args.shops)
    staff_client, owner_client = Client(), Client()
    staff_client.force_login(staff)
    owner_client.force_login(owner)
    last_month = (timezone.now() - timedelta(days=31)).astimezone(VN).strftime("%Y-%m")
    summary = reverse("settlement-dashboard:summary")
    money = reverse("seller:money", kwargs={"shop_code": shops[0].code})
    as_of = (timezone.now() - timedelta(days=30)).astimezone(VN).date().isoformat()

    rows, runs = [], []
    seeded = 0
    for size in sizes:
        started = time.perf_counter()
        seed_orders(shops, size - seeded, rng, start=seeded)
        seeded = size
        log(f"{size:,} orders seeded in {time.perf_counter() - started:.0f} s "
            f"({Entry.objects.count():,} entries)")
        seconds, paid, total = pay(staff)
        runs.append((size, seconds, paid, total))
        log(f"payout run: {paid} payouts in {seconds:.1f} s")
        big_orders = shops[0].orders.count()
        pages = [
            (f"settlement summary `/dashboard/settlement/` (page 1 of {args.shops:,} shops)",
             staff_client, summary, {}),
            ("settlement summary as of 30 days ago", staff_client, summary, {"as_of": as_of}),
            ("settlement summary, page 20", staff_client, summary, {"page": 20}),
            (f"the big shop's money page `/seller/<shop>/money/` ({big_orders:,} orders)",
             owner_client, money, {}),
            ("the big shop's money page, last month", owner_client, money, {"month": last_month}),
            ("the big shop's statement CSV, last month", owner_client, money,
             {"month": last_month, "format": "csv"}),
        ]
        for label, client, url, params in pages:
            median, p95, queries = measure(client, url, params, args.requests)
            rows.append((size, label, median, p95, queries))
            log(f"{size:,} {label}: {median:.0f} ms, {queries} queries")
        for label, median, p95, queries in measure_tax_export(staff_client, month=last_month, repeat=args.requests):
            rows.append((size, f"{label}, last month", median, p95, queries))
            log(f"{size:,} {label}: {median:.0f} ms, {queries} queries")
        django.db.reset_queries()

    from django.conf import settings

    engine = django.db.connection.cursor().connection.info.server_version
    lines = [
        "## Money: settlement, shop statements and the monthly tax export (`benchmarks/money.py`)",
        "",
        f"Run on {today()}: {machine()}; Django {django.get_version()}; PostgreSQL {engine // 10000}.{engine % 100} "
        f"(throw-away database, same machine). {args.shops:,} shops (half households, VAT 1 % and PIT 0.5 % withheld), "
        f"paid orders over 180 days: {PROGRAMME_SHARE:.0%} through the programme (sale, 5 % fee, tax), "
        f"{1 - PROGRAMME_SHARE:.0%} COD collected by the shop; {DELIVERED_SHARE:.0%} delivered, released after "
        f"{settings.COMPLAINT_WINDOW_DAYS} days; one shop has {BIG_SHOP_SHARE:.0%} of the orders. After seeding, a "
        "real payout run pays every shop owed money and half its payouts are marked paid. Django test client "
        f"in-process, {args.requests} requests per page after a warm-up; server time only. Budget: "
        f"{LIMIT_MS // 1000} s per page.",
        "",
        "| paid orders | page | median ms | p95 ms | SQL queries |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for size, label, median, p95, queries in rows:
        if median is None:
            lines.append(f"| {size:,} | {label} | — | — | — |")
        else:
            lines.append(f"| {size:,} | {label} | {median:.1f} | {p95:.1f} | {queries} |")
    lines += ["", "| paid orders | payout run (`payout_run_create`, all shops) | seconds | payouts | total |",
              "| ---: | --- | ---: | ---: | ---: |"]
    for size, seconds, paid, total in runs:
        amount = f"{total:,}".replace(",", ".")
        lines.append(f"| {size:,} | release due, lock the shops, one payout each | {seconds:.1f} | {paid:,} | "
                     f"{amount} ₫ |")
    lines += [
        "",
        "At the second size the run pays only the shops whose first payout was marked paid: the others still "
        "have one pending and are skipped (and reported), as staff would see. Paying 1,000 shops takes seconds "
        "because each payout is its own posting; the run holds the shops' row locks for that long.",
        "",
        "The summary reads one page of shops (50, by name) and, for that page, three grouped queries "
        "(balances now, payable as of the date, the last payout), plus two aggregates over every entry for "
        "the totals and the latest runs; the shop's page reads its balance, the month's opening and closing "
        "balances, one page of the month's entries, its pending orders and its payouts. Neither grows with "
        "the number of orders (the tests assert it: `tests/integration/ledger/test_dashboard.py`, "
        "`tests/integration/seller/test_money.py`). The tax page and files read the month's entries grouped by "
        "shop (two queries) and the sellers' profiles (`tests/integration/tax/test_dashboard.py` counts them).",
    ]
    write_section(Path(args.output), "\n".join(lines), SECTION)
    log(f"written to {args.output}")


if __name__ == "__main__":
    main()
