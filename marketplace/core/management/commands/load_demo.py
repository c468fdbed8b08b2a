"""`python manage.py load_demo`: the Cà Mau demo marketplace, idempotent.

Real producers and products (marketplace/demo/data/camau_catalogue.json) plus
illustrative ones, generated photos, OCOP certificates, the Wagtail home page and
the demo accounts of the public contract (password settings.DEMO_PASSWORD).
"""

from django.core.management.base import BaseCommand

from marketplace.demo.services import load_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu demo (cửa hàng, sản phẩm, chứng nhận OCOP, tài khoản). Chạy lại an toàn."

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="Không hiện thanh tiến trình và tóm tắt."
        )

    def handle(self, *args, quiet=False, **options):
        quiet = quiet or options.get("verbosity", 1) == 0
        result = load_demo(progress=not quiet)
        if not quiet:
            self.stdout.write(self.style.SUCCESS(result.summary()))
