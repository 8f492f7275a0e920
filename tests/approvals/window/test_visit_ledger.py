"""The visit ledger (最多跑一次): every in-person visit is recorded; one beyond
what the item allows needs the clerk's reason and is a violation."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals import services as workflow
from approvals.models import ApplicationEvent, Visit
from approvals.window.services import visit_count, visit_record, window_resubmit, window_submit
from approvals.workflow import Action, State
from services.services import item_for_new_application
from tests.factories import PersonFactory
from tests.approvals.window.conftest import NOW, fill, pdf, window_draft

pytestmark = pytest.mark.django_db


def _correction(application, clerk):
    return workflow.application_request_correction(
        application=application,
        actor=clerk,
        items=[{"material": application.item_version.materials.first().pk, "problem": "unreadable", "remedy": "rescan"}],
        at=NOW,
    )


def test_it_records_the_submission_visit(submitted, clerk, walk_in):
    visit = Visit.objects.get()
    assert (visit.person, visit.application, visit.clerk) == (walk_in, submitted, clerk)
    assert (visit.purpose, visit.number, visit.allowed, visit.violation) == (Visit.Purpose.SUBMIT, 1, 1, False)
    assert visit.department == submitted.department
    assert visit.item_version == submitted.item_version
    assert visit.at == NOW


def test_the_second_visit_for_a_one_visit_item_is_a_violation_with_the_reason(submitted, clerk):
    application = _correction(submitted, clerk)
    workflow.attachment_add(application=application, actor=clerk, material=application.item_version.materials.first(), upload=pdf())
    with pytest.raises(ValidationError) as refused:
        window_resubmit(application=application, clerk=clerk, reason="", at=NOW)
    assert "visit 2" in refused.value.message_dict["reason"][0]
    assert Visit.objects.count() == 1
    application.refresh_from_db()
    assert application.state == State.CORRECTION  # nothing happened

    window_resubmit(application=application, clerk=clerk, reason="The scan was unreadable at the first visit.", at=NOW)
    second = Visit.objects.order_by("number").last()
    assert (second.number, second.allowed, second.violation) == (2, 1, True)
    assert second.purpose == Visit.Purpose.CORRECTION
    assert second.reason == "The scan was unreadable at the first visit."
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_it_refuses_an_extra_visit_without_a_reason(submitted, clerk, walk_in):
    with pytest.raises(ValidationError) as refused:
        visit_record(clerk=clerk, person=walk_in, application=submitted, purpose=Visit.Purpose.CONSULT, at=NOW)
    assert "reason" in refused.value.message_dict
    assert Visit.objects.count() == 1
    visit = visit_record(
        clerk=clerk, person=walk_in, application=submitted, purpose=Visit.Purpose.CONSULT, reason="  asked twice  ", at=NOW
    )
    assert (visit.number, visit.violation, visit.reason) == (2, True, "asked twice")


def test_it_counts_visits_without_an_application_per_person_and_item(item, enterprise_item, clerk, walk_in):
    version = item_for_new_application(code="MKT-001", at=NOW)
    first = visit_record(clerk=clerk, person=walk_in, item_version=version, purpose=Visit.Purpose.CONSULT, at=NOW)
    assert (first.number, first.violation) == (1, False)
    # Someone else, or another item, starts their own count.
    other = visit_record(clerk=clerk, person=PersonFactory(), item_version=version, purpose=Visit.Purpose.CONSULT, at=NOW)
    assert other.number == 1
    filing = item_for_new_application(code="MKT-002", at=NOW)
    assert visit_record(clerk=clerk, person=walk_in, item_version=filing, purpose=Visit.Purpose.OTHER, at=NOW).number == 1
    assert visit_count(person=walk_in, item_version=version).violation
    with pytest.raises(ValidationError):
        visit_record(clerk=clerk, person=walk_in, item_version=version, purpose=Visit.Purpose.CONSULT, at=NOW)
    again = visit_record(
        clerk=clerk, person=walk_in, item_version=version, purpose=Visit.Purpose.CONSULT, reason="lost the leaflet", at=NOW
    )
    assert (again.number, again.violation) == (2, True)
    assert again.department_id == item.department_id


def test_any_visit_for_a_fully_online_item_is_a_violation(online_item, clerk, walk_in):
    draft = window_draft(clerk, walk_in, code="MKT-003")
    assert visit_count(person=walk_in, application=draft).violation
    with pytest.raises(ValidationError) as refused:
        window_submit(application=draft, clerk=clerk, declaration=True, reason="", at=NOW)
    assert "reason" in refused.value.message_dict
    window_submit(application=draft, clerk=clerk, declaration=True, reason="No computer at home; asked for help.", at=NOW)
    visit = Visit.objects.get()
    assert (visit.number, visit.allowed, visit.violation) == (1, 0, True)


def test_a_missing_reason_and_the_submission_problems_are_reported_together(online_item, clerk, walk_in):
    draft = window_draft(clerk, walk_in, code="MKT-003")
    with pytest.raises(ValidationError) as refused:
        window_submit(application=draft, clerk=clerk, declaration=False, reason="", at=NOW)
    assert {"reason", "declaration"} <= set(refused.value.message_dict)


def test_the_applicants_timeline_shows_their_visits(submitted, clerk, walk_in):
    event = ApplicationEvent.objects.get(application=submitted, action=Action.VISIT)
    assert (event.from_state, event.to_state, event.actor) == (State.DRAFT, State.DRAFT, clerk)
    assert event.data["purpose"] == Visit.Purpose.SUBMIT and event.data["number"] == 1
    visit_record(clerk=clerk, person=walk_in, application=submitted, purpose=Visit.Purpose.CONSULT, reason="came to ask", at=NOW)
    second = ApplicationEvent.objects.filter(application=submitted, action=Action.VISIT).last()
    assert (second.from_state, second.to_state, second.note) == (State.SUBMITTED, State.SUBMITTED, "came to ask")
    assert second.action_label == "visit recorded"
    # The visit comes before the submission it was made for.
    assert [e.action for e in submitted.events.all()][:2] == [Action.VISIT, Action.SUBMIT]


def test_the_visits_show_on_the_applicants_page_once_they_claim_the_account(submitted, walk_in, english):
    from django.urls import reverse

    from portal.services import person_complete_profile
    from tests.factories import UserFactory

    user = UserFactory()
    person_complete_profile(user=user, real_name=walk_in.real_name, resident_id=walk_in.resident_id)
    url = reverse("my_application", args=[submitted.uid])
    english.force_login(user)
    page = english.get(url)
    assert page.status_code == 200
    assert "Visit recorded" in page.content.decode()


def test_only_window_clerks_record_visits(submitted, approver, walk_in, supervisor):
    for actor in (approver, supervisor, walk_in.user or PersonFactory().user):
        with pytest.raises(PermissionDenied):
            visit_record(clerk=actor, person=walk_in, application=submitted, purpose=Visit.Purpose.CONSULT, at=NOW)


def test_a_clerk_cannot_record_a_visit_on_an_application_it_cannot_see(item, clerk, other_clerk, walk_in, applicant):
    online = workflow.application_start(actor=applicant, item_code=item.code)
    with pytest.raises(PermissionDenied):
        visit_record(clerk=clerk, person=applicant.person, application=online, purpose=Visit.Purpose.CONSULT, at=NOW)
    someone_elses_draft = window_draft(other_clerk, walk_in)
    with pytest.raises(PermissionDenied):
        visit_record(clerk=clerk, person=walk_in, application=someone_elses_draft, purpose=Visit.Purpose.CONSULT, at=NOW)


def test_a_visit_is_about_an_application_or_an_item(clerk, walk_in, item):
    with pytest.raises(ValidationError) as refused:
        visit_record(clerk=clerk, person=walk_in, purpose=Visit.Purpose.CONSULT, at=NOW)
    assert "item" in refused.value.message_dict


def test_a_failed_submission_records_no_visit(clerk, walk_in, item):
    draft = window_draft(clerk, walk_in)  # nothing filled in
    with pytest.raises(ValidationError):
        window_submit(application=draft, clerk=clerk, declaration=True, at=NOW)
    assert not Visit.objects.exists()
    assert not ApplicationEvent.objects.exists()
    fill(draft, clerk)
    window_submit(application=draft, clerk=clerk, declaration=True, at=NOW)
    assert Visit.objects.get().number == 1
