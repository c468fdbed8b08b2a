"""Delete shop application documents kept longer than the retention period after the decision.

Run daily (systemd timer `ocop-manage@shops_purge_application_documents.timer`). Safe to run
twice or concurrently, and resumable after a failure midway (shops/retention.py).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from shops.retention import application_documents_purge


class Command(BaseCommand):
    help = "Xoá giấy tờ đăng ký cửa hàng đã quá thời hạn lưu trữ sau khi có kết quả xét duyệt."

    def handle(self, *args, **options):
        purged = application_documents_purge()
        self.stdout.write(f"{purged} application document(s) deleted")
