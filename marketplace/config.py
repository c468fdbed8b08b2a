"""The Oscar root config, minus its `/` redirect: Wagtail serves the home page; password
reset through marketplace.core.password_reset."""

from oscar.config import Shop


class MarketplaceShopConfig(Shop):
    def ready(self):
        super().ready()
        # The reset e-mail goes out from a task: the answer is the same for any address.
        # Imported once the app registry is ready: the module loads Oscar's form (get_class).
        from marketplace.core.password_reset import DeferredPasswordResetForm

        self.password_reset_form = DeferredPasswordResetForm

    def get_urls(self):
        return [url for url in super().get_urls() if getattr(url, "name", None) != "home"]
