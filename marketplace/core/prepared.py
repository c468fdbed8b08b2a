"""A queryset compiled to SQL once per process, then run again with another value.

Django turns a queryset into SQL on every evaluation. For the product page's query (a wide
`select_related` and four subqueries: catalogue.selectors.product_page_queryset) building
and compiling it cost ~5 ms of CPU per page, several times what PostgreSQL spends running
it. `PreparedQuery` builds and compiles the queryset once, with a marker value where the
varying value goes (a primary key, a foreign key), and keeps the SQL and the compiler's
description of its columns (what Django's `ModelIterable` reads to build the models, their
`select_related` objects and annotations). A run copies that compiler, puts the wanted
value where the marker was and lets Django's own iterable build the objects: the same
objects, converters and annotations the queryset gives, without compiling it again.

The queryset is built again when its *variant* changes (a value it depends on besides the
marked one, e.g. today's date for "certificates valid today"; only the latest variant is
kept) and per database alias and vendor. Nothing else may change its SQL: a queryset that
depends on the request, the user or settings changed at run time must not be prepared.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Hashable

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.db.models.sql import Query

#: Stands for the varying value while the queryset is compiled; no row has it.
MARKER = -7_301_942_733


class PreparedQuery:
    """`build(marker, variant)` gives a queryset that uses `marker` once, as an integer
    (e.g. `Model.objects.filter(pk=marker)`); `rows(value, variant)` is the list of
    `build(value, variant)`, compiled once per variant."""

    def __init__(self, build: Callable[[int, Hashable], QuerySet], *, using: str = "default"):
        self._build = build
        self._using = using
        self._compiled: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    def _prepare(self, variant: Hashable):
        connection = connections[self._using]
        key = (self._using, connection.vendor, variant)
        found = self._compiled.get(key)
        if found is not None:
            return found
        queryset = self._build(MARKER, variant).using(self._using)
        if queryset._prefetch_related_lookups or queryset._iterable_class is not ModelIterable:
            raise ValueError("a prepared query reads models, without prefetch_related")
        compiler = queryset.query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        positions = [i for i, value in enumerate(params) if value == MARKER]
        if len(positions) != 1:
            raise ValueError(f"the marker must be one parameter of the SQL, found {positions}")
        found = (queryset.model, compiler, sql, tuple(params), positions[0])
        with self._lock:
            # one variant per database: yesterday's SQL is not needed any more
            for old in [k for k in self._compiled if k[:2] == key[:2]]:
                del self._compiled[old]
            self._compiled[key] = found
        return found

    def rows(self, value: int, variant: Hashable = None) -> list[Model]:
        model, compiler, sql, params, position = self._prepare(variant)
        connection = connections[self._using]
        run_params = list(params)
        run_params[position] = value
        run = copy.copy(compiler)
        run.connection = connection  # this thread's connection, not the one it was built on
        run.as_sql = lambda *args, **kwargs: (sql, run_params)
        # A plain queryset of the model whose query hands Django's iterable this compiler.
        stub = Query(model)
        stub.get_compiler = lambda *args, **kwargs: run
        return list(QuerySet(model=model, query=stub, using=self._using))


def as_key(model: type[Model], value, *, using: str = "default") -> int | None:
    """`value` as a primary key of `model`, or None when it cannot be one (not a whole
    number, out of the column's range: Django's lookups give no row for those, a raw
    parameter would be a database error)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    low, high = connections[using].ops.integer_field_range(model._meta.pk.get_internal_type())
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number
