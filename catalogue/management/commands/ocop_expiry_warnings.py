"""E-mail the holders of OCOP certificates that expire within 30 days.

Run daily (cron, systemd timer). Safe to run twice or concurrently: each certificate is
warned once per expiry date (`OcopCertificate.expiry_warning_sent_for`); a renewed or
corrected expiry date is warned again. "Today" is the date in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from catalogue.certificates import certificate_expiry_warnings_send


class Command(BaseCommand):
    help = "Gửi e-mail nhắc chứng nhận OCOP sắp hết hạn (trong 30 ngày tới)."

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
        sent = certificate_expiry_warnings_send(today=day)
        self.stdout.write(f"{sent} expiry warning(s) sent")
