"""Parcels on their way for longer than ORDER_AUTO_DELIVERED_DAYS are taken as delivered.

Run daily (cron or the systemd timer in deploy/): a buyer who never taps "Đã nhận hàng" does
not keep an order open for ever. Safe to run twice: each parcel moves by a conditional update.
"""

from django.core.management import BaseCommand

from marketplace.order.shipments import shipments_auto_deliver


class Command(BaseCommand):
    help = "Đánh dấu đã giao các kiện hàng đang giao quá thời hạn người mua xác nhận."

    def handle(self, *args, **options):
        count = shipments_auto_deliver()
        self.stdout.write(f"Đã đánh dấu đã giao {count} kiện hàng quá hạn xác nhận.")
