"""E-mail the owners of approved shops whose legal representative is not verified, at the
stages of SELLER_IDENTITY_REMINDER_DAYS around SELLER_IDENTITY_DEADLINE.

Run daily (cron, systemd timer). Safe to run twice or concurrently: each shop gets each
stage once (shops.models.IdentityReminder). "Today" is the date in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from shops.identity.reminders import identity_reminders_send


class Command(BaseCommand):
    help = "Gửi e-mail nhắc xác thực người đại diện của cửa hàng trước và sau hạn chót."

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
        sent = identity_reminders_send(today=day)
        self.stdout.write(f"{sent} identity reminder(s) sent")
