"""A worker killed and restarted loses no re-indexing and no e-mail (the database task backend).

Everything is real: the tasks are rows in the test database (PostgreSQL, or SQLite copied
to a file), the worker is `manage.py tasks_worker` in its own process, the search server is
an osmem-server process, e-mails are files the worker's mail backend writes.

1. A product saved and a COD purchase placed, committed, while no worker runs: the work
   waits in the database (READY), nothing is indexed, nothing is mailed.
2. The search server is frozen (SIGSTOP: connections hang), a worker starts, claims the
   re-indexing and hangs in it; the worker is killed (SIGKILL) in the middle of that task.
   The task stays RUNNING, claimed by the dead worker; the mails still wait.
3. The search server is thawed, the worker restarted with the same id: it hands its dead
   run's task back to the queue, runs everything and exits (--batch). The product is in
   the index, the buyer and the shop have their mails.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from oscar.core.loading import get_model

from search.engine import get_client, index_alias, reset_client
from search.indexing import rebuild_index
from tests.factories import (
    ensure_country,
    make_basket,
    make_option,
    make_product,
    make_shop,
    make_user,
    place,
)

pytestmark = [pytest.mark.search, pytest.mark.django_db(transaction=True)]

CommunicationEvent = get_model("order", "CommunicationEvent")

WORKER_ID = "resilience-worker"
REINDEX = "search.tasks.reindex_products"
PLACED_MAIL = "marketplace.order.tasks.purchase_placed_mail"
#: Generous bounds on waits for another process (never a speed assertion).
WAIT = 120


def start_worker(env: dict, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "tasks_worker",
            "--worker-id",
            WORKER_ID,
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.1",
            *extra,
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, what: str, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            output = process.stdout.read().decode(errors="replace")
            raise AssertionError(f"worker exited ({process.returncode}) before {what}:\n{output}")
        time.sleep(0.1)
    raise AssertionError(f"not within {WAIT} s: {what}")


def rows(path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=path).order_by("enqueued_at"))


def sent_mails(folder: Path) -> list[email.message.EmailMessage]:
    separator = b"\n" + b"-" * 79 + b"\n"
    messages = []
    for file in sorted(folder.iterdir()):
        for chunk in file.read_bytes().split(separator):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def in_index(product) -> bool:
    reset_client()
    return get_client().exists(index=index_alias(), id=product.pk)


def test_a_killed_worker_loses_no_indexing_and_no_mail(
    own_search_server, database_tasks, shared_database, tmp_path
):
    rebuild_index()  # an empty index on the test's own search server
    ensure_country()
    mails = tmp_path / "mails"
    mails.mkdir()
    owner = make_user("chu.cua.hang@example.com")
    with transaction.atomic():
        shop = make_shop("mat-ong-u-minh", owner=owner, name="Mật ong U Minh Hạ")
        make_option(shop, "Giao tận nơi", fee=30_000)
        product = make_product(shop, "Mật ong rừng tràm", price=180_000, stock=10)
    purchase = place(make_basket([(product, 2)]), email="nguoi.mua@example.com").purchase

    # 1. Committed, no worker: the work waits in the database.
    assert [row.status for row in rows(REINDEX)][:1] == [TaskResultStatus.READY]
    assert [row.status for row in rows(PLACED_MAIL)] == [TaskResultStatus.READY]
    assert rows(PLACED_MAIL)[0].args_kwargs["args"] == [purchase.pk]
    assert mail.outbox == [] and list(mails.iterdir()) == []
    assert not in_index(product)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.resilience.worker_settings",
        "DATABASE_URL": shared_database,
        "TASKS_BACKEND": "database",
        "EMAIL_FILE_PATH": str(mails),
        "ELASTICSEARCH_URL": own_search_server.url,
        "ELASTICSEARCH_INDEX": settings.ELASTICSEARCH_INDEX,
        "ELASTICSEARCH_TIMEOUT": "600",  # a frozen server keeps the task hanging until the kill
        "ELASTICSEARCH_MAX_RETRIES": "0",
    }

    # 2. Search frozen; the worker takes the re-indexing, hangs in it, and is killed.
    search_pid = own_search_server.process.pid
    os.kill(search_pid, signal.SIGSTOP)
    try:
        worker = start_worker(env)
        try:
            first = rows(REINDEX)[0]
            wait_for(
                lambda: DBTaskResult.objects.get(pk=first.pk).status == TaskResultStatus.RUNNING,
                "the worker claims the re-indexing",
                worker,
            )
        finally:
            worker.kill()  # SIGKILL: no clean shutdown, the task is cut in the middle
            worker.wait(WAIT)
        assert worker.returncode == -signal.SIGKILL
        first.refresh_from_db()
        assert first.status == TaskResultStatus.RUNNING and first.worker_ids == [WORKER_ID]
        assert [row.status for row in rows(PLACED_MAIL)] == [TaskResultStatus.READY]
        assert list(mails.iterdir()) == []
    finally:
        os.kill(search_pid, signal.SIGCONT)
    assert not in_index(product)

    # 3. The worker restarts: its dead run's task goes back to the queue, everything runs.
    worker = start_worker(env, "--batch")
    output = worker.communicate(timeout=WAIT)[0].decode(errors="replace")
    assert worker.returncode == 0, output
    assert "Queued again 1 task(s)" in output

    statuses = {row.task_path: set() for row in DBTaskResult.objects.all()}
    for row in DBTaskResult.objects.all():
        statuses[row.task_path].add(row.status)
    assert statuses[REINDEX] == {TaskResultStatus.SUCCESSFUL}, output
    assert statuses[PLACED_MAIL] == {TaskResultStatus.SUCCESSFUL}, output
    first.refresh_from_db()
    assert first.worker_ids == [WORKER_ID, WORKER_ID]  # run again from its start

    assert in_index(product)
    source = get_client().get(index=index_alias(), id=product.pk)["_source"]
    assert source["title"] == "Mật ong rừng tràm"

    sent = sent_mails(mails)
    to_buyer = [m for m in sent if m["To"] == "nguoi.mua@example.com"]
    to_shop = [m for m in sent if m["To"] == "chu.cua.hang@example.com"]
    assert len(to_buyer) == 1 and purchase.number in to_buyer[0]["Subject"]
    assert len(to_shop) == 1 and purchase.number in to_shop[0]["Subject"]
    assert mail.outbox == []  # all of it went through the worker
    codes = set(
        CommunicationEvent.objects.filter(order__purchase=purchase).values_list(
            "event_type__code", flat=True
        )
    )
    assert codes == {"ORDER_PLACED", "SHOP_NEW_ORDER"}
