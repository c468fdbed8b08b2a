"""The Oscar root config, minus its `/` redirect: Wagtail serves the home page."""

from oscar.config import Shop


class MarketplaceShopConfig(Shop):
    def get_urls(self):
        return [url for url in super().get_urls() if getattr(url, "name", None) != "home"]
