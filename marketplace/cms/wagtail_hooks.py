"""Wagtail admin hooks of the content app: the catalogue choosers (marketplace/cms/choosers.py)."""

from wagtail import hooks

from marketplace.cms.choosers import product_chooser_viewset, shop_chooser_viewset


@hooks.register("register_admin_viewset")
def register_catalogue_choosers():
    return [product_chooser_viewset, shop_chooser_viewset]
