"""Fixtures of the resilience tests: real servers of a test's own, which the test stops.

Each test here starts its own osmem-server or localstripe (the session's are shared by
every other test and must stay up), points the settings at it, and kills the real process
in the middle of the test.
"""

from __future__ import annotations

import os
import signal
import sqlite3

import pytest
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from marketplace import embedded
from search.engine import reset_client

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def own_search_server(settings):
    """A real osmem-server of this test only; settings point at it."""
    server = embedded.start_search()
    settings.ELASTICSEARCH_URL = server.url
    settings.ELASTICSEARCH_MAX_RETRIES = 0
    settings.ELASTICSEARCH_TIMEOUT = 5
    reset_client()
    try:
        yield server
    finally:
        if server.running:
            os.kill(server.process.pid, signal.SIGCONT)  # in case a test froze it
        server.stop()
        reset_client()


@pytest.fixture
def own_stripe_server(settings):
    """A real localstripe of this test only; settings point the Stripe client at it."""
    server = embedded.start_stripe()
    for name, value in embedded.stripe_environment(server).items():
        setattr(settings, name, value)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def database_tasks(settings):
    """The database task backend in this process (tasks are stored, a worker runs them)."""
    settings.TASKS = DATABASE_TASKS
    return settings


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """DATABASE_URL of the test database for another process (a worker).

    PostgreSQL: the test database itself. SQLite: the test database lives in this
    process's memory, out of another process's reach, so it is copied into a file and
    this process works on that file until the end of the test.
    """
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict.get("USER") or ""
        password = settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        yield f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"
        return
    if connection.vendor != "sqlite":
        pytest.skip(f"no worker test for {connection.vendor}")
    if not connection.is_in_memory_db():
        yield f"sqlite:///{settings_dict['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    in_memory, name = connection.connection, settings_dict["NAME"]
    connection.connection = None  # the next query opens the file
    settings_dict["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        BaseDatabaseWrapper.close(connection)  # the file's connection (SQLite's close skips memory)
        settings_dict["NAME"] = name
        connection.connection = in_memory
