import oscar.apps.catalogue.apps as oscar_catalogue
from django.db.models.signals import post_migrate
from django.urls import re_path
from oscar.core.loading import get_class


class CatalogueConfig(oscar_catalogue.CatalogueConfig):
    name = "catalogue"

    def ready(self):
        super().ready()
        self.qr_view = get_class("catalogue.views", "ProductQrView")
        # Imported once the app registry is ready: both modules use the catalogue's models.
        from catalogue import analytics, ocop

        # The OCOP groups are reference data every deployment needs (catalogue/ocop.py).
        post_migrate.connect(
            ocop.ensure_ocop_categories_after_migrate, sender=self, dispatch_uid="ocop-categories"
        )
        # Product views counted without waiting for the disk (catalogue/analytics.py).
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
