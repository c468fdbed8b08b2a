"""The background worker's bookkeeping: tasks left RUNNING by a worker that died.

django-tasks-db's worker marks a task RUNNING when it claims it and FAILED or SUCCESSFUL
when it ends. A worker killed in between (SIGKILL, out of memory, a lost machine) leaves
the row RUNNING for ever and no worker runs it again. `tasks_requeue_abandoned` hands such
tasks back to the queue; `manage.py tasks_worker` calls it before it starts working
(docs/decisions/0012-background-tasks.md).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket

from django.utils import timezone

logger = logging.getLogger(__name__)

#: A task RUNNING for longer than this belongs to a worker that is gone (ours take seconds).
STALE_AFTER = datetime.timedelta(minutes=30)


def default_worker_id() -> str:
    """A worker id that survives a restart: TASKS_WORKER_ID, else the host name.

    Give each worker of one machine its own (`--worker-id` or TASKS_WORKER_ID, e.g.
    `%H-1` in a systemd template unit): a worker hands back the RUNNING tasks of its id.
    """
    return (os.environ.get("TASKS_WORKER_ID") or socket.gethostname() or "worker")[:64]


def tasks_requeue_abandoned(
    *, worker_id: str, backend_name: str = "default", stale_after: datetime.timedelta = STALE_AFTER
) -> list[str]:
    """Put back to READY the tasks this worker id left RUNNING, and any RUNNING too long.

    Conditional updates (still RUNNING): a task that finished meanwhile stays finished.
    A task handed back runs again from its start, so tasks must tolerate a second run
    (re-indexing is idempotent; a mail may go twice — at least once, never lost).
    Returns the ids handed back.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - stale_after
    running = DBTaskResult.objects.running().filter(backend_name=backend_name)
    requeued = []
    for row in running.only("id", "worker_ids", "started_at").order_by():
        mine = bool(row.worker_ids) and row.worker_ids[-1] == worker_id
        stale = row.started_at is not None and row.started_at < cutoff
        if not (mine or stale):
            continue
        moved = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        if moved:
            requeued.append(str(row.pk))
            logger.warning(
                "task %s was left running by worker %s: queued again",
                row.pk,
                row.worker_ids[-1] if row.worker_ids else "?",
            )
    return requeued
