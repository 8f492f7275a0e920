"""One code path for both channels: a window application and an online one
of the same item go through the same service functions, get the same
validation errors for the same bad input, and the same workflow and
deadlines."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from approvals import services as workflow
from approvals.models import Application
from approvals.window.services import window_submit
from approvals.workflow import Action, State
from portal import services as identity
from portal.identifiers import resident_id_check_char
from tests.factories import UserFactory, make_resident_id
from tests.approvals.window.conftest import ANSWERS, DUE, NOW, fill, window_draft
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db

# The same bad input, typed online or at the window.
BAD_ANSWERS = [
    pytest.param({**ANSWERS, "shop_name": ""}, id="required answer missing"),
    pytest.param({**ANSWERS, "shop_name": "很长的店铺名称" * 6}, id="answer too long"),
    pytest.param({**ANSWERS, "opening": "2026-02-30"}, id="not a real date"),
    pytest.param({**ANSWERS, "opening": "next week"}, id="not a date at all"),
    pytest.param({**ANSWERS, "contact": "12345"}, id="not a phone number"),
    pytest.param({"shop_name": "", "opening": "", "contact": "phone"}, id="everything wrong"),
]


@pytest.fixture
def online_draft(item, applicant):
    return workflow.application_start(actor=applicant, item_code=item.code)


@pytest.fixture
def drafts(online_draft, applicant, clerk, walk_in):
    """(application, actor) for each channel."""
    return {"online": (online_draft, applicant), "window": (window_draft(clerk, walk_in), clerk)}


@pytest.mark.parametrize("answers", BAD_ANSWERS)
def test_both_channels_give_the_same_errors_for_the_same_answers(drafts, answers):
    errors = {}
    for channel, (application, actor) in drafts.items():
        result = workflow.application_save(application=application, actor=actor, data=answers)
        assert result.application.channel == channel
        errors[channel] = result.errors
        # What was typed is kept, on both channels.
        assert result.application.form_data == {key: answers.get(key, "") for key in ANSWERS}
    assert errors["online"], "the bad input must be refused"
    assert errors["online"] == errors["window"]


@pytest.mark.parametrize(
    "delivery, address",
    [("post", ""), ("post", "   "), ("collect", ""), ("", "")],
    ids=["post without address", "post with blank address", "come back to collect", "nothing chosen"],
)
def test_both_channels_refuse_the_same_delivery_choices(drafts, delivery, address):
    errors = {}
    for channel, (application, actor) in drafts.items():
        result = workflow.application_save(
            application=application, actor=actor, data=ANSWERS, delivery=delivery, delivery_address=address
        )
        errors[channel] = result.errors
        assert result.application.delivery == Application.Delivery.ELECTRONIC
    assert errors["online"] and errors["online"] == errors["window"]


def test_both_channels_refuse_to_submit_the_same_incomplete_application(drafts):
    problems = {}
    for channel, (application, actor) in drafts.items():
        workflow.application_save(application=application, actor=actor, data={**ANSWERS, "shop_name": ""})
        with pytest.raises(ValidationError) as refused:
            workflow.application_submit(application=application, actor=actor, declaration=True, at=NOW)
        problems[channel] = refused.value.message_dict
    assert set(problems["online"]) == {"shop_name", "materials"}
    assert problems["online"] == problems["window"]


def test_both_channels_refuse_the_same_bad_resident_id():
    first17 = make_resident_id()[:17]
    bad = first17 + ("1" if resident_id_check_char(first17) != "1" else "2")
    with pytest.raises(ValidationError) as at_window:
        identity.person_register(real_name="李娜", resident_id=bad)
    with pytest.raises(ValidationError) as online:
        identity.person_complete_profile(user=UserFactory(), real_name="李娜", resident_id=bad)
    assert at_window.value.message_dict == online.value.message_dict


def test_both_channels_follow_the_same_workflow_and_deadlines(item, applicant, clerk, walk_in, approver):
    online = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    online = workflow.application_submit(application=online, actor=applicant, declaration=True, at=NOW)
    window = window_submit(application=fill(window_draft(clerk, walk_in), clerk), clerk=clerk, declaration=True, at=NOW)
    for application in (online, window):
        assert application.state == State.SUBMITTED
        assert re.fullmatch(r"HLD-2026-\d{6}", application.tracking_number)
        assert application.item_version == online.item_version
        application = workflow.application_accept(application=application, actor=approver, at=NOW)
        assert (application.state, application.due_on) == (State.ACCEPTED, DUE)
    workflow_steps = lambda app: [e.action for e in app.events.exclude(action=Action.VISIT)]  # noqa: E731
    assert workflow_steps(online) == workflow_steps(window) == [Action.SUBMIT, Action.ACCEPT]
    assert (online.channel, online.clerk) == ("online", None)
    assert (window.channel, window.clerk) == ("window", clerk)


def _errors_on_page(response) -> list[str]:
    """The error messages shown next to the fields."""
    text = html.unescape(response.content.decode())
    return sorted(m.strip() for m in re.findall(r'<p class="error-message"[^>]*>(.*?)</p>', text, re.S))


@pytest.mark.parametrize("answers", BAD_ANSWERS)
def test_the_window_page_and_the_online_page_show_the_same_errors(english, drafts, answers):
    (online, applicant), (window, clerk) = drafts["online"], drafts["window"]
    online_url = reverse("apply_answers", args=[online.uid])
    sign_in(english, applicant)
    online_page = english.post(online_url, answers)
    sign_in(english, clerk)
    window_page = english.post(
        reverse("window_application", args=[window.uid]),
        {**{f"answers-{k}": v for k, v in answers.items()}, "delivery": "electronic", "action": "save"},
    )
    assert window_page.status_code == 400
    with translation.override("en"):  # each request deactivates the language it used
        expected = sorted(
            " ".join(str(m) for m in messages)
            for messages in workflow.application_save(application=window, actor=clerk, data=answers).errors.values()
        )
    assert _errors_on_page(window_page) == expected
    assert _errors_on_page(online_page) == expected
