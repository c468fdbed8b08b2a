from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces: money, text folding, health checks, embedded services, demo data."""

    name = "marketplace.core"
    label = "marketplace_core"
    verbose_name = "Chợ OCOP"

    def ready(self):
        from marketplace.core.roles import connect_signals

        # The "Programme staff" group exists in every deployment (marketplace/core/roles.py).
        connect_signals()
