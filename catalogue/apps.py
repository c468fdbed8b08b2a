import oscar.apps.catalogue.apps as oscar_catalogue
from django.db.models.signals import post_migrate


def _ensure_ocop_categories(sender, **kwargs):
    from catalogue.ocop import ensure_ocop_categories

    ensure_ocop_categories()


class CatalogueConfig(oscar_catalogue.CatalogueConfig):
    name = "catalogue"

    def ready(self):
        super().ready()
        # The OCOP groups are reference data every deployment needs (catalogue/ocop.py).
        post_migrate.connect(_ensure_ocop_categories, sender=self, dispatch_uid="ocop-categories")
