from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "marketplace.privacy"
    label = "privacy"
    verbose_name = _("Dữ liệu cá nhân")
    default_auto_field = "django.db.models.BigAutoField"
