"""The staff areas (where staff must enrol a second factor first) come from the URL configuration."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import RegexPattern

from portal.middleware import staff_area, staff_path_prefixes
from portal.models import StaffRole
from tests.factories import DepartmentFactory, citizen, staff
from tests.test_every_url_is_guarded import PROTECTED, PUBLIC

# The cast members of the URL audit who hold a staff role (or are Django staff).
STAFF_OWNERS = {"approver", "head", "list_admin", "clerk", "supervisor", "superuser"}
# Public pages that also show a draft to its own staff (the audit checks them as the
# draft's owner): a published item's blank forms and samples are for everyone.
PUBLIC_WITH_DRAFTS = {"catalogue_material_file"}


def _ok(request, **kwargs):
    return HttpResponse("ok")


# A URL configuration with one more staff page, as a new feature would add it.
urlpatterns = [
    *staff_area(path("reports/", _ok, name="reports")),
    path("", include("portal.urls")),
]


def _routes(patterns, prefix="", namespace=""):
    """(full name, full path) of every named route, includes and all."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def _in_staff_area(route: str) -> bool:
    return ("/" + route.lstrip("^")).startswith(staff_path_prefixes())


def test_it_reads_the_staff_areas_from_the_url_configuration():
    assert set(staff_path_prefixes()) == {"/admin/", "/desk/", "/window/", "/list-admin/", "/supervision/", "/staff/"}


def test_every_staff_page_is_in_a_staff_area():
    """A page whose rightful user is staff (per the URL audit's table) is under a staff area."""
    routes = dict(_routes(get_resolver().url_patterns))
    staff_pages = {
        name for name, guarded in PROTECTED.items() if guarded.owner in STAFF_OWNERS and name not in PUBLIC_WITH_DRAFTS
    }
    assert staff_pages - set(routes) == set()
    outside = sorted(f"{name} ({routes[name]})" for name in staff_pages if not _in_staff_area(routes[name]))
    assert not outside, (
        "Staff pages outside every staff area (mark them with portal.middleware.staff_area in their URL module): "
        f"{outside}"
    )


def test_no_citizen_or_public_page_is_in_a_staff_area():
    routes = dict(_routes(get_resolver().url_patterns))
    others = {name for name, guarded in PROTECTED.items() if guarded.owner not in STAFF_OWNERS} | set(PUBLIC) | PUBLIC_WITH_DRAFTS
    inside = sorted(f"{name} ({routes[name]})" for name in others if name in routes and _in_staff_area(routes[name]))
    assert not inside, f"Citizens' and public pages inside a staff area: {inside}"


@override_settings(ROOT_URLCONF=__name__)
def test_a_new_marked_page_makes_its_area_a_staff_area():
    assert "/reports/" in staff_path_prefixes()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_it_sends_staff_without_mfa_to_enrol_on_a_new_staff_page(client):
    client.force_login(staff(StaffRole.Role.APPROVER, DepartmentFactory(), mfa=False))
    response = client.get("/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_it_leaves_citizens_alone_on_a_new_staff_page(client):
    client.force_login(citizen())
    assert client.get("/reports/").content == b"ok"


@pytest.mark.django_db
def test_it_sends_staff_without_mfa_to_enrol_under_a_staff_area_with_no_such_page(client):
    client.force_login(staff(StaffRole.Role.APPROVER, DepartmentFactory(), mfa=False))
    response = client.get("/desk/no/such/page/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_it_refuses_a_staff_page_without_a_fixed_first_segment():
    resolver = URLResolver(RegexPattern(r"^/"), [*staff_area(path("<str:area>/", _ok, name="anywhere"))])
    with pytest.raises(ImproperlyConfigured, match="<str:area>/"):
        staff_path_prefixes(resolver)
