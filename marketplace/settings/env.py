"""Small helpers that read configuration from environment variables.

Every setting that differs between machines comes from the environment; the
settings modules only choose defaults.
"""

from __future__ import annotations

import datetime
import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_date(name: str, default: str) -> datetime.date:
    """A date written YYYY-MM-DD."""
    raw = os.environ.get(name)
    text = raw.strip() if raw is not None and raw.strip() else default
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a date YYYY-MM-DD, not {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


#: The task backends TASKS_BACKEND may name (docs/decisions/0012-background-tasks.md).
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def env_tasks(name: str, default: str) -> dict:
    """The TASKS setting for the backend the variable names: `immediate` or `database`."""
    raw = os.environ.get(name)
    choice = (raw if raw is not None and raw.strip() else default).strip().lower()
    if choice not in TASK_BACKENDS:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(TASK_BACKENDS)}, not {raw!r}")
    return {"default": {"BACKEND": TASK_BACKENDS[choice], "QUEUES": ["default"]}}


#: EMAIL_URL schemes: (Django backend, STARTTLS, implicit TLS, default port).
EMAIL_SCHEMES = {
    "smtp": ("django.core.mail.backends.smtp.EmailBackend", False, False, 25),
    "smtp+tls": ("django.core.mail.backends.smtp.EmailBackend", True, False, 587),
    "submission": ("django.core.mail.backends.smtp.EmailBackend", True, False, 587),
    "smtps": ("django.core.mail.backends.smtp.EmailBackend", False, True, 465),
    "smtp+ssl": ("django.core.mail.backends.smtp.EmailBackend", False, True, 465),
    "console": ("django.core.mail.backends.console.EmailBackend", False, False, 0),
}


def parse_email_url(url: str) -> dict:
    """Django's e-mail settings from one URL.

    `smtp+tls://user:password@smtp.example.vn:587` (STARTTLS), `smtps://…:465` (TLS from the
    first byte), `smtp://localhost:25` (a local relay, no TLS), `console://` (print them).
    User and password are percent-encoded (`@` → `%40`). `?timeout=` sets EMAIL_TIMEOUT.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in EMAIL_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(s + '://' for s in EMAIL_SCHEMES)}"
        )
    backend, starttls, implicit_tls, default_port = EMAIL_SCHEMES[scheme]
    query = parse_qs(parts.query)
    try:
        port = parts.port or default_port
        timeout = int(query.get("timeout", ["10"])[0])
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL has a bad port or timeout: {exc}") from exc
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": starttls,
        "EMAIL_USE_SSL": implicit_tls,
        "EMAIL_TIMEOUT": timeout,
    }
