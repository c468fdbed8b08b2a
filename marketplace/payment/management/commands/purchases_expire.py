"""Cancel card purchases left unpaid longer than CHECKOUT_CARD_TIMEOUT_MINUTES.

Production runs it every few minutes (cron or a worker): the stock those purchases hold
goes back on sale, their PaymentIntents are cancelled at Stripe first.
"""

from django.core.management import BaseCommand

from marketplace.payment.stripe_payments import purchases_expire


class Command(BaseCommand):
    help = "Hủy các giao dịch thanh toán thẻ quá hạn và trả lại hàng đã giữ."

    def handle(self, *args, **options):
        count = purchases_expire()
        self.stdout.write(f"Đã hủy {count} giao dịch thẻ quá hạn thanh toán.")
