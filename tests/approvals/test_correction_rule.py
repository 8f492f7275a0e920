"""The one-time correction notice has one rule, in the service, whatever the
channel: a line names a material of the application's own terms or says what
is needed, and says what is wrong; what to do is optional; texts have limits."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from approvals import services as workflow
from approvals.forms import CorrectionForm
from approvals.models import CorrectionNotice
from approvals.workflow import State
from services.models import Material
from services.services import MaterialInput
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _refused(application, actor, items, **kwargs):
    with pytest.raises(ValidationError) as info:
        workflow.application_request_correction(application=application, actor=actor, items=items, **kwargs)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert not CorrectionNotice.objects.filter(application=application).exists()
    return info.value.message_dict


def test_it_refuses_a_material_of_another_item(submitted, approver, department):
    other = make_item(department, code="MKT-099", materials=[MaterialInput(name_zh="章程", name_en="Articles")])
    publish()
    foreign = Material.objects.filter(item_version__item=other).first()
    errors = _refused(submitted, approver, [{"material": foreign.pk, "problem": "missing"}])
    assert errors == {"material": ["This material is not asked for by this item."]}


def test_it_refuses_a_material_id_that_is_no_material(submitted, approver):
    errors = _refused(submitted, approver, [{"material": "not-a-number", "problem": "missing"}])
    assert "material" in errors


def test_it_needs_what_is_wrong_and_what_is_needed(submitted, approver):
    material = submitted.item_version.materials.get()
    errors = _refused(submitted, approver, [{"material": material.pk}, {"remedy": "upload it"}])
    assert errors["problem"] == ["Say what is wrong with this material.", "Say what is wrong or missing."]
    assert errors["name"] == ["Say what is needed."]


def test_it_limits_the_note_and_the_texts(submitted, approver):
    assert "name" in _refused(submitted, approver, [{"name": "x" * 151, "problem": "missing"}])
    assert "note" in _refused(submitted, approver, [{"name": "章程", "problem": "missing"}], note="n" * 2001)


def test_the_remedy_is_optional_and_the_material_s_name_is_filled_in(submitted, approver):
    material = submitted.item_version.materials.get()
    application = workflow.application_request_correction(
        application=submitted, actor=approver, items=[{"material": material.pk, "problem": " unreadable "}]
    )
    assert application.corrections.get().items == [
        {"material": material.pk, "name": "经营场所证明", "problem": "unreadable", "remedy": ""}
    ]


def test_the_shared_form_puts_the_service_s_rule_next_to_each_box(submitted):
    material = submitted.item_version.materials.get()
    form = CorrectionForm({f"m{material.pk}": "on", "x1_remedy": "explain"}, application=submitted)
    assert not form.is_valid()
    assert form.errors[f"m{material.pk}_problem"] == ["Say what is wrong with this material."]
    assert form.errors["x1_name"] == ["Say what is needed."]
    assert form.errors["x1_problem"] == ["Say what is wrong or missing."]


def test_the_shared_form_counts_a_material_with_a_problem_typed_even_unticked(submitted):
    material = submitted.item_version.materials.get()
    form = CorrectionForm({f"m{material.pk}_problem": "unreadable"}, application=submitted)
    assert form.is_valid(), form.errors
    assert form.service_kwargs()["items"] == [
        {"material": material.pk, "name": "经营场所证明", "problem": "unreadable", "remedy": ""}
    ]
    assert form.fields["note"].max_length == workflow.NOTE_MAX_LENGTH
