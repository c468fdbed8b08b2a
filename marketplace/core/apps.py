from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces: money, text folding, health checks, embedded services, demo data."""

    name = "marketplace.core"
    label = "marketplace_core"
    verbose_name = "Chợ OCOP"

    def ready(self):
        # Imported once the app registry is ready: roles.py imports auth's and Wagtail's models.
        from marketplace.core.roles import connect_signals

        # The "Programme staff" group exists in every deployment (marketplace/core/roles.py).
        connect_signals()
