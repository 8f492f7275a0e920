"""The home page: the two entrances, the most used services from real counts, the to-dos of a
signed-in person (theirs only), the search suggestions (the current list only) and a fixed
number of queries whatever the data size.

Time is frozen on Thursday 26 November 2026, 10:00 Shanghai time (tests/conftest.py).
"""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import Application
from approvals.workflow import State
from licenses.models import License
from approvals import home as approvals_home
from licenses import home as licenses_home
from portal import home
from services import services as list_services
from services.models import ItemVersion
from tests.conftest import NOW
from tests.mfa import sign_in
from tests.services.factories import LicenseTypeFactory, LifeEventFactory, make_item, publish

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    """Every test here runs on the suite's day."""


def make_application(item, user, state, *, submitted_at=NOW - timedelta(days=3), enterprise=None, **fields):
    """A submitted application straight into `state`: the home page only reads it."""
    version = ItemVersion.objects.snapshots().filter(item=item).order_by("-id").first()
    return Application.objects.create(
        item_version=version,
        department_id=item.department_id,
        applicant_person=user.person,
        applicant_enterprise=enterprise,
        created_by=user,
        tracking_number=f"HLD-2026-{700000 + next(_serial):06d}",
        state=state,
        submitted_at=submitted_at,
        **fields,
    )


def issue_license(application, *, issued_at):
    return License.objects.create(
        number=f"TEST-2026-{next(_serial):06d}",
        license_type=LicenseTypeFactory(),
        application=application,
        department_id=application.department_id,
        holder_person=application.applicant_person,
        holder_enterprise=application.applicant_enterprise,
        holder_name="王小明",
        holder_id_masked="2114**********1234",
        status=License.Status.VALID,
        valid_from=issued_at.date(),
        issued_at=issued_at,
        revision=1,
        wanted_revision=1,
        sha256="0" * 64,
        created_at=issued_at,
    )


@pytest.fixture
def items(department):
    """A person's item, an enterprise's item, and a third one; published."""
    baby = LifeEventFactory(code="baby", audience="person")
    start = LifeEventFactory(code="start-business", audience="enterprise")
    person = make_item(department, code="MKT-101", name_zh="个体工商户登记", name_en="Sole trader registration",
                       audience="person", events=[baby])
    enterprise = make_item(department, code="MKT-102", name_zh="企业设立登记", name_en="Company registration",
                           audience="enterprise", events=[start])
    third = make_item(department, code="MKT-103", name_zh="食品经营许可", name_en="Food business license",
                      audience="both")
    publish()
    return {"person": person, "enterprise": enterprise, "third": third}


# -- the entrances -----------------------------------------------------------------------------


def test_it_links_the_entrances_to_the_audience_filtered_catalogue(client, items):
    page = client.get(reverse("home")).content.decode()
    catalogue = reverse("catalogue")
    assert f'href="{catalogue}?audience=person"' in page
    assert f'href="{catalogue}?audience=enterprise"' in page
    assert f'href="{catalogue}?audience=person&amp;event=baby"' in page
    assert f'href="{catalogue}?audience=enterprise&amp;event=start-business"' in page
    assert f'href="{catalogue}?department={items["person"].department.code}"' in page

    people = client.get(catalogue, {"audience": "person"}).content.decode()
    assert "MKT-101" in people and "MKT-103" in people and "MKT-102" not in people
    enterprises = client.get(catalogue, {"audience": "enterprise"}).content.decode()
    assert "MKT-102" in enterprises and "MKT-103" in enterprises and "MKT-101" not in enterprises


# -- the most used services --------------------------------------------------------------------


def test_most_used_follows_the_counts_of_the_last_90_days(items, applicant):
    for _ in range(3):
        make_application(items["third"], applicant, State.IN_REVIEW)
    make_application(items["person"], applicant, State.APPROVED)
    # Older than 90 days, and drafts, do not count.
    for _ in range(5):
        make_application(items["enterprise"], applicant, State.APPROVED, submitted_at=NOW - timedelta(days=91))
    Application.objects.create(
        item_version=ItemVersion.objects.snapshots().get(item=items["enterprise"]),
        department_id=items["enterprise"].department_id, applicant_person=applicant.person, created_by=applicant,
    )

    popular = approvals_home.popular_items(at=NOW)

    assert [(row.version.item.code, row.applications) for row in popular] == [("MKT-103", 3), ("MKT-101", 1)]


def test_most_used_leaves_out_items_no_longer_on_the_list(client, items, applicant):
    for _ in range(4):
        make_application(items["enterprise"], applicant, State.APPROVED)
    make_application(items["person"], applicant, State.SUBMITTED)
    list_services.item_retire(actor=None, item=items["enterprise"])
    publish()

    popular = home.front_page(at=timezone.now())["popular"]

    assert [row.version.item.code for row in popular] == ["MKT-101"]
    page = client.get(reverse("home")).content.decode()
    assert reverse("catalogue_item", args=["MKT-101"]) in page
    assert reverse("catalogue_item", args=["MKT-102"]) not in page


def test_most_used_shows_nothing_rather_than_inventing(items):
    assert home.front_page(at=timezone.now())["popular"] == []


# -- the to-dos ----------------------------------------------------------------------------------


@pytest.fixture
def to_do_links(items, applicant, enterprise_member):
    """A correction for the applicant, one for the enterprise the member acts for, a license just
    issued and a decision not yet rated: the links the home page should offer their owners."""
    correction = make_application(items["person"], applicant, State.CORRECTION)
    for_enterprise = make_application(items["enterprise"], enterprise_member.user, State.CORRECTION,
                                      enterprise=enterprise_member.enterprise)
    decided = make_application(items["third"], applicant, State.APPROVED, decided_at=NOW - timedelta(days=2))
    license = issue_license(decided, issued_at=NOW - timedelta(days=1))
    return {
        "applicant": [
            reverse("my_application", args=[correction.uid]),
            reverse("wallet_license", args=[license.number]),
            reverse("ratings_rate_application", args=[decided.uid]),
        ],
        "member": [reverse("my_application", args=[for_enterprise.uid])],
    }


def test_it_shows_a_citizen_their_to_dos(client, applicant, enterprise_member, to_do_links):
    client.force_login(applicant)
    page = client.get(reverse("home")).content.decode()
    for link in to_do_links["applicant"]:
        assert link in page
    for link in to_do_links["member"]:
        assert link not in page

    client.force_login(enterprise_member.user)
    page = client.get(reverse("home")).content.decode()
    for link in to_do_links["member"]:
        assert link in page
    for link in to_do_links["applicant"]:
        assert link not in page


def test_another_citizen_and_an_anonymous_visitor_see_none_of_them(client, outsider, to_do_links):
    anonymous = client.get(reverse("home")).content.decode()
    client.force_login(outsider)
    other = client.get(reverse("home")).content.decode()
    for page in (anonymous, other):
        for link in to_do_links["applicant"] + to_do_links["member"]:
            assert link not in page
    assert 'id="home-todos-title"' not in anonymous and 'id="home-todos-title"' not in other


def test_a_license_issued_long_ago_is_no_longer_a_to_do(client, items, applicant):
    decided = make_application(items["third"], applicant, State.APPROVED, decided_at=NOW - timedelta(days=60))
    license = issue_license(decided, issued_at=NOW - timedelta(days=licenses_home.NEW_LICENSE_DAYS + 1))
    client.force_login(applicant)
    page = client.get(reverse("home")).content.decode()
    assert reverse("wallet_license", args=[license.number]) not in page


def test_staff_get_a_link_to_their_workspace(client, approver, items):
    sign_in(client, approver)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("desk")}"' in page.split('id="home-workspace-title"', 1)[1]


# -- search --------------------------------------------------------------------------------------


def test_the_suggestions_are_items_on_the_current_list(client, items, department):
    list_services.item_retire(actor=None, item=items["enterprise"])
    publish()
    make_item(department, code="MKT-104", name_zh="登记草稿事项", name_en="Registration draft")  # a draft only

    response = client.get(reverse("home_suggest"), {"q": "登记"})

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("catalogue_item", args=["MKT-101"]) in page
    assert reverse("catalogue_item", args=["MKT-102"]) not in page  # retired
    assert reverse("catalogue_item", args=["MKT-104"]) not in page  # not on the list
    assert reverse("catalogue_item", args=["MKT-103"]) not in page  # does not match


def test_the_suggestions_stop_at_eight(client, department):
    for n in range(10):
        make_item(department, code=f"MKT-2{n:02d}", name_zh=f"测试登记{n}", name_en=f"Test registration {n}")
    publish()
    page = client.get(reverse("home_suggest"), {"q": "registration"}).content.decode()
    assert page.count('href="/catalogue/MKT-2') == home.SUGGESTION_LIMIT


def test_an_empty_query_suggests_nothing(client, items):
    page = client.get(reverse("home_suggest"), {"q": "  "}).content.decode()
    assert "/catalogue/MKT-" not in page


def test_the_search_box_works_without_javascript(client, items):
    page = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("catalogue")}" method="get"' in page
    assert 'name="q"' in page
    results = client.get(reverse("catalogue"), {"q": "个体工商户"}).content.decode()
    assert reverse("catalogue_item", args=["MKT-101"]) in results


# -- a fixed number of queries -------------------------------------------------------------------


def _more_data(items, department, applicant, count):
    """More items, applications and events: the query count must not follow them."""
    extra = [
        make_item(department, name_zh=f"加测事项{n}", name_en=f"Extra item {n}", events=[LifeEventFactory(audience="both")])
        for n in range(count)
    ]
    publish()
    for item in extra:
        make_application(item, applicant, State.CORRECTION)


def test_the_anonymous_page_runs_a_fixed_number_of_queries(client, items, applicant, department,
                                                          django_assert_max_num_queries):
    make_application(items["person"], applicant, State.SUBMITTED)
    _more_data(items, department, applicant, 6)
    # The list, its figures, departments, events, notices, counts and items; and the page cache's key.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_a_citizen_with_to_dos_runs_a_fixed_number_of_queries(client, items, applicant, department, to_do_links,
                                                              django_assert_max_num_queries):
    _more_data(items, department, applicant, 6)
    client.force_login(applicant)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("home-todo--action") == approvals_home.TODO_LIMIT  # the newest corrections; my office has the rest
    for link in to_do_links["applicant"][1:]:
        assert link in page
