"""Return and complaint cases the shop has not answered within COMPLAINT_ANSWER_DAYS go to
programme staff (/dashboard/complaints/), and both sides are told.

Run hourly (the systemd timer ocop-manage-hourly@complaints_escalate.timer). Safe to run
twice, or on two machines at once: each case moves by a conditional update.
"""

from django.core.management import BaseCommand

from marketplace.complaints.services import complaints_escalate


class Command(BaseCommand):
    help = "Chuyển Ban quản lý chương trình các yêu cầu trả hàng/khiếu nại cửa hàng chưa phản hồi đúng hạn."

    def handle(self, *args, **options):
        count = complaints_escalate()
        self.stdout.write(f"Đã chuyển {count} yêu cầu quá hạn phản hồi cho Ban quản lý chương trình.")
