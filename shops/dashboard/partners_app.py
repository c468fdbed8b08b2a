"""Oscar's partner dashboard app, serving the manage page with one-line shop names
(shops/dashboard/oscar_partners.py). Installed in place of Oscar's config, same label."""

from __future__ import annotations

from oscar.apps.dashboard.partners.apps import (
    PartnersDashboardConfig as OscarPartnersDashboardConfig,
)


class PartnersDashboardConfig(OscarPartnersDashboardConfig):
    def ready(self):
        super().ready()
        # Views import models: only once the app registry is ready, as Oscar's own ready() does.
        from shops.dashboard.oscar_partners import PartnerManageView

        self.manage_view = PartnerManageView
