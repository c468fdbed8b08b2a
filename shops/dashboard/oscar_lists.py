"""Oscar's product and user lists, installed in place of Oscar's configs (same labels), with
the columns that are not a database field made non-sortable.

Oscar's `ProductTable.checkbox` and `UserTable.actions` are django-tables2 columns left
sortable although they have no field behind them: `/dashboard/catalogue/?sort=checkbox` or
`/dashboard/users/?sort=actions` asked the database to sort by a field that does not exist
and answered 500. A column that cannot be sorted is ignored in `?sort=` by django-tables2.
"""

from __future__ import annotations

from oscar.apps.dashboard.catalogue.apps import (
    CatalogueDashboardConfig as OscarCatalogueDashboardConfig,
)
from oscar.apps.dashboard.users.apps import UsersDashboardConfig as OscarUsersDashboardConfig


def _unsortable(view, column_name: str):
    """`view` with a table class whose `column_name` is a copy that cannot be sorted."""
    table = view.table_class
    column = table.base_columns[column_name]
    copy = type(column)(**{**_column_kwargs(column), "orderable": False})
    # Meta is passed on explicitly: django-tables2 reads it from the class body, not the parent.
    fixed = type(table.__name__, (table,), {"__module__": __name__, "Meta": table.Meta, column_name: copy})
    return type(view.__name__, (view,), {"__module__": __name__, "table_class": fixed})


def _column_kwargs(column) -> dict:
    kwargs = {"verbose_name": column.verbose_name, "attrs": column.attrs}
    template_name = getattr(column, "template_name", None)
    if template_name:
        kwargs["template_name"] = template_name
    return kwargs


class CatalogueDashboardConfig(OscarCatalogueDashboardConfig):
    def ready(self):
        super().ready()
        self.product_list_view = _unsortable(self.product_list_view, "checkbox")


class UsersDashboardConfig(OscarUsersDashboardConfig):
    def ready(self):
        super().ready()
        self.index_view = _unsortable(self.index_view, "actions")
