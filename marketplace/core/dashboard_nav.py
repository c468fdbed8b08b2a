"""Who sees which entry of Oscar's dashboard menu (OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION).

Oscar's own access function looks a page up among Oscar's dashboard apps and their
permissions; it knows nothing of the programme's pages (shops, OCOP certificates, curation,
payments, figures, settlement), which are for programme staff: any active `is_staff` user, as the views
themselves check (marketplace/core/staff.py). Every other entry is Oscar's to decide.
"""

from __future__ import annotations

from oscar.apps.dashboard.nav import default_access_fn

#: URL namespaces of the programme's staff pages.
PROGRAMME_NAMESPACES = frozenset(
    {"shops-dashboard", "ocop-dashboard", "curation", "payments-dashboard", "reports-dashboard",
     "complaints-dashboard", "settlement-dashboard", "tax-dashboard", "bank-credits",
     "privacy-dashboard"}
)


def dashboard_access(user, url_name, url_args=None, url_kwargs=None) -> bool:
    if url_name and url_name.split(":", 1)[0] in PROGRAMME_NAMESPACES:
        return bool(user.is_active and user.is_staff)
    return default_access_fn(user, url_name, url_args, url_kwargs)
