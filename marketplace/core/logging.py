"""Structured logs for production: one JSON object per line on stdout, with the request id.

`JsonFormatter` writes `time`, `level`, `logger`, `message`, the `request_id` of the request
being served (when there is one), `exception` (the traceback) and any `extra={...}` fields.
Records of gunicorn's access log carry the request's method, path, status, duration and id.

`RequestIdMiddleware` takes the id nginx sends (`X-Request-ID: $request_id`, deploy/nginx) or
makes one, keeps it in a context variable for the formatter and returns it in the response's
`X-Request-ID`, so that a buyer's report, the nginx log and the application log meet.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import uuid
from collections.abc import Mapping

#: The id of the request this thread (or task) is serving; "" outside a request.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Attributes every LogRecord has: anything else on a record came from `extra=`.
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# gunicorn's access log passes its "atoms" as the record's args (gunicorn.glogging.Logger).
_ACCESS_FIELDS = {
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "h": "client",  # REMOTE_ADDR after marketplace.core.proxy: the real client
    "a": "user_agent",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current:
            entry["request_id"] = current
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(_access_fields(record.args))
        for name, value in vars(record).items():
            if name in _RESERVED or name.startswith("_") or name in entry:
                continue
            if name == "request":  # django.request and django.security put the request here
                entry["method"] = getattr(value, "method", None)
                entry["path"] = getattr(value, "path", None)
                # Django logs 4xx answers after the middleware has returned: the id is here.
                if "request_id" not in entry and getattr(value, "request_id", None):
                    entry["request_id"] = value.request_id
                continue
            entry[name] = (
                value if isinstance(value, str | int | float | bool | None) else str(value)
            )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _access_fields(atoms: Mapping) -> dict[str, object]:
    fields: dict[str, object] = {}
    for atom, name in _ACCESS_FIELDS.items():
        value = atoms.get(atom)
        if value not in (None, "", "-"):
            fields[name] = int(value) if name in {"status", "bytes", "duration_ms"} else value
    # The id RequestIdMiddleware answered with (the one nginx sent, or one it made).
    for header in ("{x-request-id}o", "{x-request-id}i"):
        value = atoms.get(header)
        if value and value != "-":
            fields["request_id"] = value
            break
    return fields


def incoming_request_id(meta: Mapping) -> str:
    """The id the proxy sent when it looks like one, else a new one."""
    value = meta.get(REQUEST_ID_HEADER, "")
    return value if _SAFE_ID.match(value) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets `request_id` for the logs of this request and answers it in `X-Request-ID`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = incoming_request_id(request.META)
        request.request_id = value
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = value
        return response
