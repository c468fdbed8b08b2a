"""E-mail the owners of approved shops whose legal representative is not verified, at the
stages of SELLER_IDENTITY_REMINDER_DAYS around SELLER_IDENTITY_DEADLINE.

Run daily (cron, systemd timer). Safe to run twice or concurrently: each shop gets each
stage once (shops.models.IdentityReminder). "Today" is the date in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

from marketplace.core.management.daily import DailyCommand
from shops.identity.reminders import identity_reminders_send


class Command(DailyCommand):
    help = "Gửi e-mail nhắc xác thực người đại diện của cửa hàng trước và sau hạn chót."

    def run(self, today):
        return f"{identity_reminders_send(today=today)} identity reminder(s) sent"
