"""The API's interactive documentation in a real browser: a clerk signed in with the second
factor opens /api/v1/docs and Swagger UI draws the endpoints from the schema, under the site's
Content-Security-Policy (the `page` fixture fails on any violation). Swagger UI is django-ninja's
page, not ours, so it is not held to axe-core here."""

import pytest

from portal.models import StaffRole
from tests.factories import staff
from tests.mfa import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_read_the_api_documentation(page, client, live_server):
    sign_in(client, staff(StaffRole.Role.CLERK))
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.goto("/api/v1/docs")
    page.wait_for_url("**/staff/api/docs/")
    page.get_by_text("/api/v1/catalogue/items/{code}").first.wait_for()
    assert page.get_by_text("/api/v1/licenses/{number}/status").first.is_visible()
    assert page.get_by_text("OneGate departmental API").first.is_visible()
