"""The clock of an application: it starts at acceptance, stops for corrections
and suspensions, and is extended once up to the statutory limit."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from approvals import services as workflow
from approvals.workflow import State
from services.services import MaterialInput, item_update
from tests.services.factories import make_item, publish, terms
from tests.approvals.conftest import FIELDS, at, fill

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def two_day_item(department):
    item = make_item(
        department,
        code="ENT-SETUP",
        audience="person",
        promised_limit_days=2,
        statutory_limit_days=5,
        materials=[MaterialInput(name_zh="章程", name_en="Articles of association")],
        fields=FIELDS,
    )
    publish(at=at(2025, 9, 1))
    return item


def _submit(item, applicant, when):
    with time_machine.travel(when, tick=False):
        draft = fill(workflow.application_start(actor=applicant, item_code=item.code, at=when), applicant)
        return workflow.application_submit(application=draft, actor=applicant, declaration=True, at=when)


def test_accepted_the_day_before_national_day_2025_it_is_due_on_10_october(two_day_item, applicant, approver):
    application = _submit(two_day_item, applicant, at(2025, 9, 30, 9))
    application = workflow.application_accept(application=application, actor=approver, at=at(2025, 9, 30, 11))
    assert application.due_on == D(2025, 10, 10)
    assert application.due_provisional is False
    assert application.clock.limit_days == 2


def test_a_correction_pause_moves_the_due_date_by_the_working_days_paused(two_day_item, applicant, approver):
    application = _submit(two_day_item, applicant, at(2025, 11, 3, 9))  # a Monday
    application = workflow.application_accept(application=application, actor=approver, at=at(2025, 11, 3, 10))
    assert application.due_on == D(2025, 11, 5)
    application = workflow.application_request_correction(
        application=application, actor=approver, at=at(2025, 11, 4, 10),
        items=[{"name": "章程", "problem": "未签字", "remedy": "签字后上传"}],
    )
    assert application.due_on is None  # no due date while the clock is stopped
    application = workflow.application_resubmit(application=application, actor=applicant, at=at(2025, 11, 7, 16))
    # Paused on Tue 4 Nov, resumed Fri 7 Nov: Wed, Thu, Fri (3 working days) do not count.
    assert application.due_on == D(2025, 11, 10)
    assert application.state == State.ACCEPTED


def test_an_extension_is_capped_at_the_statutory_limit_and_given_once(two_day_item, applicant, approver, head):
    application = _submit(two_day_item, applicant, at(2025, 11, 3, 9))
    application = workflow.application_accept(application=application, actor=approver, at=at(2025, 11, 3, 10))
    with pytest.raises(ValidationError) as info:
        workflow.application_extend(application=application, actor=head, days=4, note="复杂", at=at(2025, 11, 4))
    assert "days" in info.value.message_dict
    application = workflow.application_extend(application=application, actor=head, days=3, note="复杂", at=at(2025, 11, 4))
    assert application.due_on == D(2025, 11, 10)  # 2 + 3 = 5 working days after Mon 3 Nov
    with pytest.raises(ValidationError):
        workflow.application_extend(application=application, actor=head, days=1, note="再延", at=at(2025, 11, 5))


def test_an_application_keeps_the_terms_of_the_version_it_was_submitted_under(two_day_item, applicant, approver):
    application = _submit(two_day_item, applicant, at(2025, 11, 3, 9))
    item_update(
        actor=None, item=two_day_item,
        terms=terms(name_zh="企业开办", name_en="Setting up", audience="person", promised_limit_days=4,
                    statutory_limit_days=5),
        materials=[MaterialInput(name_zh="章程", name_en="Articles of association")],
        fields=FIELDS, at=at(2025, 11, 3, 9, ),
    )
    publish(at=at(2025, 11, 3, 9))
    application = workflow.application_accept(application=application, actor=approver, at=at(2025, 11, 3, 10))
    assert application.item_version.promised_limit_days == 2
    assert application.due_on == D(2025, 11, 5)


def test_an_instant_item_with_complete_materials_is_approved_on_submission(department, applicant):
    item = make_item(
        department, code="INSTANT-1", audience="person", kind="instant", promised_limit_days=0,
        statutory_limit_days=1, materials=[MaterialInput(name_zh="照片", name_en="Photo")], fields=FIELDS,
    )
    publish()
    draft = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    application = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    assert application.state == State.APPROVED
    assert list(application.events.values_list("action", flat=True)) == ["submit", "accept", "approve"]
    assert application.events.get(action="approve").actor is None


def test_an_incomplete_application_is_not_submitted_and_says_what_is_missing(item, applicant):
    draft = workflow.application_start(actor=applicant, item_code=item.code)
    workflow.application_save(application=draft, actor=applicant, data={"shop_name": "海滨小吃", "opening": "not a date"})
    with pytest.raises(ValidationError) as info:
        workflow.application_submit(application=draft, actor=applicant, declaration=True)
    problems = info.value.message_dict
    assert "opening" in problems and "materials" in problems
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert draft.form_data["opening"] == "not a date"  # what was typed is kept
    assert draft.tracking_number is None
