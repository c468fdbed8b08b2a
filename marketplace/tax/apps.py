from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxConfig(AppConfig):
    name = "marketplace.tax"
    label = "tax"
    verbose_name = _("Thuế khấu trừ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported once the app registry is ready: statutory.py imports the tax models.
        from marketplace.tax.statutory import connect_signals

        connect_signals()
