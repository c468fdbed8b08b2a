from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "marketplace.complaints"
    label = "complaints"
    verbose_name = _("Trả hàng và khiếu nại")
    default_auto_field = "django.db.models.BigAutoField"
