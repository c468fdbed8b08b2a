from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from marketplace.ledger.fee_notices import fee_change_notices_send


class Command(BaseCommand):
    help = ("E-mail every open shop not yet told about an announced fee change that has not "
            "started yet (daily; safe to run twice).")

    def handle(self, *args, **options):
        count = fee_change_notices_send()
        self.stdout.write(_("Đã báo thay đổi phí cho %(count)d cửa hàng.") % {"count": count})
