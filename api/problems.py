"""Errors as RFC 9457 problem details (application/problem+json).

Every error the API returns is a `Problem`: `type` (a URI naming the kind of
problem, or about:blank for a plain HTTP status), a translated `title`, the
`status`, a translated `detail` for this occurrence and, for invalid input,
`errors` (where and what). The kinds are listed in docs/api.md.
"""

from __future__ import annotations

import json
import logging

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:onegate:problem:"


def status_title(status: int) -> str:
    titles = {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        410: _("No longer available"),
        422: _("Invalid request"),
        429: _("Too many requests"),
        500: _("Internal error"),
    }
    return titles.get(status, _("Error"))


def status_detail(status: int) -> str:
    details = {
        401: _("Send a valid access token: Authorization: Bearer <token>."),
        403: _("This client may not do this."),
        404: _("There is nothing at this address."),
        405: _("This address does not take this method."),
        429: _("Too many calls. Try again later."),
        500: _("Something went wrong on our side. It has been logged."),
    }
    return details.get(status, status_title(status))


class Problem(Exception):
    """An error an endpoint raises; the API answers it as problem details."""

    status = 400
    kind = ""  # the last part of the type URI; empty: about:blank

    def __init__(self, detail: str = "", *, title: str = "", errors: list | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.title = title
        self.errors = errors
        self.headers = headers or {}

    def response(self) -> HttpResponse:
        return problem_response(
            self.status,
            kind=self.kind,
            title=self.title,
            detail=self.detail,
            errors=self.errors,
            headers=self.headers,
        )


class NotAuthenticated(Problem):
    status = 401
    kind = "invalid-token"

    def __init__(self, detail: str = ""):
        super().__init__(
            detail or status_detail(401),
            # RFC 6750 §3: a resource server tells the client how to authenticate.
            headers={"WWW-Authenticate": 'Bearer realm="onegate", error="invalid_token"'},
        )


class InsufficientScope(Problem):
    status = 403
    kind = "insufficient-scope"

    def __init__(self, scope: str):
        super().__init__(
            _("This endpoint needs the scope “%(scope)s”, which this client's token does not have.") % {"scope": scope},
            headers={"WWW-Authenticate": f'Bearer realm="onegate", error="insufficient_scope", scope="{scope}"'},
        )


class NotFound(Problem):
    status = 404


class Gone(Problem):
    status = 410


class RateLimited(Problem):
    status = 429
    kind = "rate-limited"

    def __init__(self, retry_after: int):
        super().__init__(
            _("Too many calls. Try again in %(seconds)s seconds.") % {"seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def problem_response(
    status: int,
    *,
    kind: str = "",
    title: str = "",
    detail: str = "",
    errors: list | None = None,
    headers: dict | None = None,
) -> HttpResponse:
    body = {
        "type": f"{TYPE_PREFIX}{kind}" if kind else "about:blank",
        "title": title or status_title(status),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_errors(exc: ValidationError) -> list[dict]:
    """Pydantic's errors, as `{"location": [...], "message": ..., "code": ...}`."""
    return [
        {"location": [str(part) for part in error.get("loc", ())], "message": error.get("msg", ""), "code": error.get("type", "")}
        for error in exc.errors
    ]


def install(api) -> None:
    """Answer every error of `api` with problem details (replacing django-ninja's handlers)."""

    @api.exception_handler(Problem)
    def on_problem(request, exc: Problem):
        return exc.response()

    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc: ValidationError):
        return problem_response(
            422,
            kind="validation",
            detail=_("The request has errors: see “errors” for where and what."),
            errors=_validation_errors(exc),
        )

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request, exc):
        return NotAuthenticated().response()

    @api.exception_handler(AuthorizationError)
    def on_authorization_error(request, exc):
        return problem_response(403, detail=status_detail(403))

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return problem_response(404, detail=status_detail(404))

    @api.exception_handler(HttpError)
    def on_http_error(request, exc: HttpError):
        return problem_response(exc.status_code, detail=status_detail(exc.status_code))

    @api.exception_handler(Exception)
    def on_error(request, exc: Exception):
        logger.exception("API error on %s %s", request.method, request.path)
        return problem_response(500, detail=status_detail(500))
