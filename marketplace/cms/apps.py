from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Wagtail pages: home page, campaigns, producer stories, info pages."""

    name = "marketplace.cms"
    label = "cms"
    verbose_name = "Nội dung"

    def ready(self):
        # Imported once the app registry is ready: the receivers import the models they watch.
        from marketplace.cms import receivers

        receivers.connect()
