from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces: money, text folding, health checks, embedded services, demo data."""

    name = "marketplace.core"
    label = "marketplace_core"
    verbose_name = "Chợ OCOP"
