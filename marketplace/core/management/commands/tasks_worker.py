"""`manage.py tasks_worker`: django-tasks-db's `db_worker`, safe to kill and restart.

Before it starts working it hands back to the queue the tasks a previous run of the same
worker id left RUNNING, and any task RUNNING longer than --stale-after minutes
(marketplace.core.worker). Every option of `db_worker` works here too; `--worker-id`
defaults to TASKS_WORKER_ID or the host name instead of a random id, so that a restarted
worker recognises its own tasks (docs/decisions/0012-background-tasks.md).
"""

from __future__ import annotations

import datetime

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import valid_interval, validate_worker_id

from marketplace.core.worker import STALE_AFTER, default_worker_id, tasks_requeue_abandoned


class Command(DbWorkerCommand):
    help = "Run the background worker (django-tasks database backend), recovering killed runs."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=validate_worker_id(default_worker_id()))
        parser.add_argument(
            "--stale-after",
            type=valid_interval,
            default=STALE_AFTER.total_seconds() / 60,
            help="Minutes after which any worker's RUNNING task is queued again (default: %(default)s)",
        )

    def handle(self, *args, stale_after: float, **options):
        requeued = tasks_requeue_abandoned(
            worker_id=options["worker_id"],
            backend_name=options["backend_name"],
            stale_after=datetime.timedelta(minutes=stale_after),
        )
        if requeued and options["verbosity"]:
            self.stdout.write(f"Queued again {len(requeued)} task(s) a killed worker left running.")
        super().handle(*args, **options)
