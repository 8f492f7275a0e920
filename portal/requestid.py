"""The request id: one short token per request, in every log line it causes.

The proxy in front of the portal may send `X-Request-ID`; a value that is
short and made of safe characters is kept (so the proxy's and our logs can be
joined), anything else is replaced with a fresh id. The id goes back in the
response's `X-Request-ID` header and, through a context variable and a logging
filter, into every log record of the request. A Celery task enqueued during a
request carries the id in its message headers and logs under it; a task with
no request behind it (beat) logs under its task id.

In production the console handler writes one JSON object per line
(`LOG_FORMAT=json`, the default when DEBUG is off); in DEBUG, plain text.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

HEADER = "X-Request-ID"
TASK_HEADER = "onegate_request_id"
NONE = "-"
_VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NONE)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """The proxy's id when it is 1–64 letters, digits and . _ : - ; otherwise a new one."""
    if value and _VALID.fullmatch(value):
        return value
    return new_request_id()


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every later step logs under the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = accepted_request_id(request.headers.get(HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` attribute (the handler's filter, so library records get it too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, request id, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NONE),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# -- Celery: the id travels in the task's headers ---------------------------------------------

_task_tokens: dict[str, contextvars.Token] = {}


def add_request_id_to_headers(headers=None, **kwargs) -> None:
    """before_task_publish: a task enqueued while serving a request carries that request's id."""
    request_id = request_id_var.get()
    if headers is not None and request_id != NONE:
        headers.setdefault(TASK_HEADER, request_id)


def enter_task(task_id=None, task=None, **kwargs) -> None:
    """task_prerun: log under the enqueuing request's id, else (beat, a sweep) under the task id.

    A task run eagerly inside a request keeps the request's id."""
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if not request_id and request_id_var.get() != NONE:
        return
    _task_tokens[task_id] = request_id_var.set(request_id or task_id or NONE)


def leave_task(task_id=None, **kwargs) -> None:
    """task_postrun: the worker's next task starts with a clean slate."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (a thread pool): just clear it
            request_id_var.set(NONE)


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(add_request_id_to_headers, weak=False, dispatch_uid="onegate-request-id-publish")
    task_prerun.connect(enter_task, weak=False, dispatch_uid="onegate-request-id-prerun")
    task_postrun.connect(leave_task, weak=False, dispatch_uid="onegate-request-id-postrun")
