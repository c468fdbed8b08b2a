from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Wagtail page models: the home page now; campaigns and stories later."""

    name = "marketplace.cms"
    label = "cms"
    verbose_name = "Nội dung"
