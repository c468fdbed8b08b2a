"""E-mail the holders of OCOP certificates that expire within 30 days.

Run daily (cron, systemd timer). Safe to run twice or concurrently: each certificate is
warned once per expiry date (`OcopCertificate.expiry_warning_sent_for`); a renewed or
corrected expiry date is warned again. "Today" is the date in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

from catalogue.certificates import certificate_expiry_warnings_send
from marketplace.core.management.daily import DailyCommand


class Command(DailyCommand):
    help = "Gửi e-mail nhắc chứng nhận OCOP sắp hết hạn (trong 30 ngày tới)."

    def run(self, today):
        return f"{certificate_expiry_warnings_send(today=today)} expiry warning(s) sent"
