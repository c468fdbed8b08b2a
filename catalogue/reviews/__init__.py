"""Marketplace reviews on top of Oscar's reviews app (label `reviews`, not forked).

Oscar loads `get_class("catalogue.reviews.views", …)` / `("catalogue.reviews.forms", …)`:
the loader resolves the app from the FIRST part of the label (`catalogue`, our fork), so
modules of the same name in this package override Oscar's classes by name (see
docs/decisions/0008-reviews.md). Keep this package free of model imports: Oscar's model
module probes `catalogue.reviews.managers` while models load.
"""
