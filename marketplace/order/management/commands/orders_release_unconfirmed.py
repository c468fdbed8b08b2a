"""Orders that hold stock for nothing are cancelled: COD orders their shop has not confirmed
within ORDER_UNCONFIRMED_RELEASE_HOURS, and bank-transfer orders still unpaid
TRANSFER_PAYMENT_HOURS after placement.

Run hourly (cron, or the systemd timer ocop-manage-hourly@orders_release_unconfirmed.timer): the stock they hold
goes back on sale and the buyer is told by e-mail. Safe to run twice or from two machines:
each order is checked again under its lock and moves by a conditional update.
"""

from django.conf import settings
from django.core.management import BaseCommand

from marketplace.order.lifecycle import orders_release_unconfirmed, orders_release_unpaid_transfers


class Command(BaseCommand):
    help = "Hủy các đơn COD cửa hàng chưa xác nhận và các đơn chuyển khoản quá hạn chưa trả, trả hàng về kho."

    def handle(self, *args, **options):
        count = orders_release_unconfirmed()
        self.stdout.write(
            f"Đã hủy {count} đơn COD cửa hàng không xác nhận trong "
            f"{settings.ORDER_UNCONFIRMED_RELEASE_HOURS} giờ."
        )
        unpaid = orders_release_unpaid_transfers()
        self.stdout.write(
            f"Đã hủy {unpaid} đơn chuyển khoản chưa nhận được tiền sau "
            f"{settings.TRANSFER_PAYMENT_HOURS} giờ."
        )
