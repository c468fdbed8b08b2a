from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.ledger.posting import release_due


class Command(BaseCommand):
    help = "Make payable what delivered orders earned once their return window has passed (safe to run twice)."

    def handle(self, *args, **options):
        count = release_due()
        self.stdout.write(_("Đã chuyển %(count)d đơn sang số dư có thể thanh toán.") % {"count": count})
