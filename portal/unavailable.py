"""A clean 503 page when the database cannot be reached.

`DatabaseUnavailableMiddleware.process_exception` turns a view's
`OperationalError` / `InterfaceError` into templates/503.html with status 503
and a Retry-After header; `server_error` (handler500) does the same for one
raised by a middleware (say, loading the signed-in user), and renders
templates/500.html for everything else. The page is rendered without the
request's context processors: they would ask the database again.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def unavailable_response() -> HttpResponse:
    page = loader.get_template("503.html").render()
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("the database is unavailable: %s: %s", type(exception).__name__, exception)
            return unavailable_response()
        return None


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the 503 page for a database outage, Django's own 500 page otherwise."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable_response()
    return HttpResponseServerError(loader.get_template(template_name).render())
