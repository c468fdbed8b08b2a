import oscar.apps.catalogue.apps as oscar_catalogue
from django.db.models.signals import post_migrate
from django.urls import re_path
from oscar.core.loading import get_class


def _ensure_ocop_categories(sender, **kwargs):
    from catalogue.ocop import ensure_ocop_categories

    ensure_ocop_categories()


class CatalogueConfig(oscar_catalogue.CatalogueConfig):
    name = "catalogue"

    def ready(self):
        super().ready()
        self.qr_view = get_class("catalogue.views", "ProductQrView")
        # The OCOP groups are reference data every deployment needs (catalogue/ocop.py).
        post_migrate.connect(_ensure_ocop_categories, sender=self, dispatch_uid="ocop-categories")
        # Product views counted without waiting for the disk (catalogue/analytics.py).
        from catalogue import analytics

        analytics.connect()

    def get_urls(self):
        urls = super().get_urls()
        # The product page's QR code, for printing at fairs and on packaging.
        urls += [
            re_path(
                r"^(?P<product_slug>[\w-]*)_(?P<pk>\d+)/qr\.(?P<fmt>png|svg)$",
                self.qr_view.as_view(),
                name="product-qr",
            ),
        ]
        return self.post_process_urls(urls)
