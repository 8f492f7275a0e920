"""/supervision/countdown/: each target with days left, its next node, the trajectory and the
nodes, the value needed on the nodes ahead and the departments behind; supervisors set targets,
a department's staff read their own department's."""

from datetime import date as D
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.models import StaffRole
from supervision.countdown.models import Target
from supervision.countdown.selectors import countdowns, missed_nodes_for_accountability
from tests.factories import DepartmentFactory, staff
from tests.mfa import sign_in
from tests.supervision.countdown.conftest import snap, target

pytestmark = pytest.mark.django_db

URL = "/supervision/countdown/"
TODAY = D(2026, 11, 26)


def test_a_city_target_counts_down_to_its_due_date(supervisor, online_trajectory, other_department):
    target(supervisor)
    [countdown] = countdowns(today=TODAY)
    assert countdown.days_left == 4
    assert [n.day for n in countdown.nodes] == [
        D(2026, 10, 11), D(2026, 10, 21), D(2026, 10, 31), D(2026, 11, 10), D(2026, 11, 20), D(2026, 11, 30)
    ]
    assert countdown.next_node.day == D(2026, 11, 30)
    assert countdown.current == Decimal("98.0")
    # The plan runs straight from the first value (50 % on 9 October) to 100 % on 30 November.
    assert countdown.nodes[0].expected == Decimal("51.9")
    assert countdown.nodes[-1].expected == Decimal("100.0")
    assert countdown.nodes[-1].needed == Decimal("100.0")
    # Housing stays at 40 %: behind on every node passed; the market keeps up.
    assert all(node.behind == [other_department] for node in countdown.nodes if node.passed)
    assert countdown.behind == [(other_department, Decimal("40.0"))]


def test_the_value_needed_is_spread_over_the_nodes_ahead(supervisor, department):
    snap(D(2026, 11, 1), "on_time", department, 80)
    target(
        supervisor, metric="on_time", department=department, value="98", start_on=D(2026, 11, 1),
        due_on=D(2026, 12, 31),
    )
    [countdown] = countdowns(today=TODAY)
    ahead = [node for node in countdown.nodes if not node.passed]
    assert [n.day for n in ahead] == [D(2026, 12, 1), D(2026, 12, 11), D(2026, 12, 21), D(2026, 12, 31)]
    assert [n.needed for n in ahead] == [Decimal("84.5"), Decimal("89.0"), Decimal("93.5"), Decimal("98.0")]


def test_missed_nodes_are_offered_for_accountability(supervisor, online_trajectory, department, other_department):
    online = target(supervisor)
    target(supervisor, metric="online", department=department, start_on=D(2026, 10, 9))
    missed = missed_nodes_for_accountability(D(2026, 11, 20))
    assert [(m.target, m.department, m.value) for m in missed] == [(online, other_department, Decimal("40.0"))]
    assert missed[0].key == f"countdown:{online.pk}:2026-11-20:housing"
    assert missed[0].expected > missed[0].value
    # The morning after (the node's snapshots are taken in the evening) it is still on offer, under the same key.
    assert [m.key for m in missed_nodes_for_accountability(D(2026, 11, 21))] == [missed[0].key]
    # Before the countdown's first node: nothing.
    assert missed_nodes_for_accountability(D(2026, 10, 10)) == []


def test_the_supervisor_sees_the_countdown(english, supervisor, online_trajectory):
    target(supervisor)
    sign_in(english, supervisor)
    page = english.get(URL).content.decode()
    assert "Online availability ≥ 100.0%" in page and "City-wide" in page
    assert "<svg" in page and "<polyline" in page and "<caption" in page
    assert "Housing Bureau" in page and "behind" in page
    assert reverse("countdown") == URL


def test_a_department_reads_only_its_own_targets(english, supervisor, head, other_head, department, online_trajectory):
    target(supervisor, department=department)
    target(supervisor, metric="on_time")
    sign_in(english, head)
    response = english.get(URL)
    assert response.status_code == 200
    assert [c.target.department for c in response.context["countdowns"]] == [department]
    assert reverse("countdown_target_create") not in response.content.decode()
    sign_in(english, other_head)
    assert english.get(URL).context["countdowns"] == []


def test_nobody_else_sees_it(client, supervisor, applicant, outsider, clerk, department):
    edit = reverse("countdown_target_edit", args=[target(supervisor).pk])
    urls = [URL, reverse("countdown_target_create"), edit]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (applicant, outsider, clerk):
        sign_in(client, user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
    head = staff(StaffRole.Role.HEAD, department)
    sign_in(client, head)
    for url in urls[1:]:
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    assert Target.objects.count() == 1


def test_the_supervisor_sets_a_target(english, supervisor, department):
    sign_in(english, supervisor)
    response = english.post(
        reverse("countdown_target_create"),
        {
            "metric": "full_online", "department": department.pk, "value": "50",
            "start_on": "2026-11-01", "due_on": "2026-12-31",
        },
    )
    assert response.status_code == 302 and response["Location"] == URL
    created = Target.objects.get()
    assert (created.metric, created.department, created.value, created.created_by) == (
        "full_online", department, Decimal("50"), supervisor,
    )


def test_a_bad_target_is_refused_with_the_answers_kept(english, supervisor):
    sign_in(english, supervisor)
    response = english.post(
        reverse("countdown_target_create"),
        {"metric": "on_time", "department": "", "value": "98", "start_on": "2026-12-31", "due_on": "2026-12-01"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "The due date must be after the start date." in page
    assert 'value="98"' in page and 'value="2026-12-31"' in page
    assert not Target.objects.exists()
    response = english.post(
        reverse("countdown_target_create"),
        {"metric": "on_time", "value": "101", "start_on": "2026-11-01", "due_on": "2026-12-01"},
    )
    assert response.status_code == 200 and not Target.objects.exists()


def test_the_supervisor_changes_a_target(english, supervisor):
    online = target(supervisor)
    sign_in(english, supervisor)
    url = reverse("countdown_target_edit", args=[online.pk])
    assert 'value="2026-11-30"' in english.get(url).content.decode()
    response = english.post(
        url, {"metric": "online", "value": "99.5", "start_on": "2026-10-09", "due_on": "2026-12-10"}
    )
    assert response.status_code == 302
    online.refresh_from_db()
    assert (online.value, online.due_on) == (Decimal("99.5"), D(2026, 12, 10))
    assert english.get(reverse("countdown_target_edit", args=[online.pk + 99])).status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_it_runs_a_fixed_number_of_queries(client, supervisor, count, django_assert_num_queries):
    for i in range(count):
        department = DepartmentFactory()
        target(supervisor, department=department, metric="on_time", value="98")
        for day in (D(2026, 10, 11), D(2026, 10, 21), D(2026, 11, 20)):
            snap(day, "on_time", department, 90 + i % 5)
    target(supervisor)
    sign_in(client, supervisor)
    # User, roles; the targets, their snapshots, the departments (the session comes from the cache).
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert len(response.context["countdowns"]) == count + 1
