"""The daily housekeeping commands' shared shape: `--today YYYY-MM-DD` to run as of another
day (tests, a missed run), else today in Asia/Ho_Chi_Minh (the service decides)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyCommand(BaseCommand):
    """Subclasses implement `run(today)` (None: today in Viet Nam) and return a line to print."""

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Ngày tính là hôm nay (YYYY-MM-DD), mặc định là hôm nay theo giờ Việt Nam.",
        )

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError(f"--today: {error}") from error
        self.stdout.write(self.run(day))

    def run(self, today: datetime.date | None) -> str:
        raise NotImplementedError
