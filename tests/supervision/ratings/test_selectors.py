"""The rates other pages read: satisfaction and the real-name callback rate per
department and city-wide, each in one query whatever the number of ratings
and departments; upheld appeals are left out; late cases; the case sweep."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from approvals.workflow import State
from portal.models import Message
from supervision.ratings import services
from supervision.ratings.models import Case, CaseEscalation, Level
from supervision.ratings.selectors import (
    callback_rate_by_department,
    late_cases_for_accountability,
    satisfaction_by_department,
)
from supervision.ratings.sweep import sweep_cases
from tests.conftest import NOW
from tests.factories import DepartmentFactory, citizen
from tests.services.factories import make_item, publish
from tests.supervision.conftest import at, make_application

pytestmark = pytest.mark.django_db
TODAY = NOW.date()
PERIOD = {"since": date(2026, 11, 1), "until": TODAY}


def rated(item, level, *, real_name=True, when=NOW):
    person = citizen()
    application = make_application(
        item, person, State.APPROVED, due_on=date(2026, 11, 30), decided_at=when - timedelta(hours=1)
    )
    return services.rating_for_application(
        application=application, user=person, level=level, real_name=real_name, at=when
    )


def test_satisfaction_is_the_share_of_the_three_good_levels(item, other_item, department, other_department):
    for level in (Level.VERY_SATISFIED, Level.FAIRLY_SATISFIED, Level.DISSATISFIED, Level.VERY_DISSATISFIED):
        rated(item, level)
    rated(other_item, Level.SATISFIED)
    result = satisfaction_by_department(**PERIOD)
    assert result[department.pk] == Decimal("0.5")
    assert result[other_department.pk] == Decimal("1")
    assert result[None] == Decimal("0.6")


def test_no_ratings_give_none():
    assert satisfaction_by_department(**PERIOD) == {None: None}
    assert callback_rate_by_department(**PERIOD) == {None: None}


def test_an_upheld_appeal_leaves_the_rates_but_stays_on_record(item, department, approver, supervisor):
    rated(item, Level.SATISFIED)
    bad = rated(item, Level.VERY_DISSATISFIED)
    services.appeal_file(rating=bad, actor=approver, reason="The wrong office.")
    services.appeal_decide(rating=bad, actor=supervisor, upheld=True, decision="Confirmed.")
    assert satisfaction_by_department(**PERIOD)[department.pk] == Decimal("1")
    assert callback_rate_by_department(**PERIOD) == {None: None}
    assert Case.objects.filter(rating=bad).exists()


def test_the_callback_rate_counts_real_name_bad_ratings(item, department, approver):
    called = rated(item, Level.DISSATISFIED)
    rated(item, Level.VERY_DISSATISFIED)
    rated(item, Level.DISSATISFIED, real_name=False)  # anonymous: not in the rate
    services.case_callback(case=called.case, actor=approver, result="Reached by phone.", at=NOW)
    assert callback_rate_by_department(**PERIOD) == {department.pk: Decimal("0.5"), None: Decimal("0.5")}


@pytest.mark.parametrize("departments", [3, 30])
def test_the_rates_take_one_query_each(departments, django_assert_num_queries, frozen_time):
    for n in range(departments):
        item = make_item(DepartmentFactory(), audience="person")
        publish()
        rated(item, Level.DISSATISFIED)
        rated(item, Level.SATISFIED)
    with django_assert_num_queries(1):
        assert len(satisfaction_by_department(**PERIOD)) == departments + 1
    with django_assert_num_queries(1):
        assert len(callback_rate_by_department(**PERIOD)) == departments + 1


@pytest.mark.parametrize("rows", [3, 30])
def test_the_cases_page_takes_a_fixed_number_of_queries(rows, client, item, supervisor, django_assert_num_queries):
    from django.urls import reverse

    from tests.mfa import sign_in

    for _ in range(rows):
        rated(item, Level.DISSATISFIED)
    sign_in(client, supervisor)
    client.get(reverse("ratings_cases"))  # warm the session
    with django_assert_num_queries(6):
        response = client.get(reverse("ratings_cases"))
    assert response.status_code == 200


def test_late_cases_are_those_past_a_limit(item, approver):
    on_time = rated(item, Level.DISSATISFIED).case  # rated today: callback due tomorrow (Friday 27th)
    with time_machine.travel(at(date(2026, 11, 20)), tick=False):
        late = rated(item, Level.DISSATISFIED, when=at(date(2026, 11, 20))).case  # callback was due Monday 23rd
    assert list(late_cases_for_accountability(TODAY)) == [late]
    services.case_callback(case=late, actor=approver, result="Reached.", at=NOW)
    assert list(late_cases_for_accountability(TODAY)) == []
    assert on_time.callback_due == date(2026, 11, 27)


def test_the_sweep_escalates_once(item, head, supervisor, other_head):
    with time_machine.travel(at(date(2026, 11, 20)), tick=False):
        late = rated(item, Level.DISSATISFIED, when=at(date(2026, 11, 20))).case
    before = Message.objects.count()
    first = sweep_cases(at=NOW)
    assert first["escalations"] == 1 and first["messages"] == 2
    assert set(Message.objects.order_by("id")[before:].values_list("recipient", flat=True)) == {head.pk, supervisor.pk}
    assert sweep_cases(at=NOW)["escalations"] == 0
    assert Message.objects.count() == before + 2
    assert CaseEscalation.objects.get().case == late


def test_the_sweep_tells_nobody_on_a_day_off(item, head):
    with time_machine.travel(at(date(2026, 11, 20)), tick=False):
        rated(item, Level.DISSATISFIED, when=at(date(2026, 11, 20)))
    saturday = at(date(2026, 11, 28))
    assert sweep_cases(at=saturday)["escalations"] == 0
    assert not CaseEscalation.objects.exists()
