"""One application on the desk (/desk/<tracking number>/): what it shows, and
each action through a POST that calls the service and redirects back."""

import re
from datetime import date

import pytest
from django.urls import reverse

from approvals import services as workflow
from approvals.models import ApplicationEvent, CorrectionNotice
from approvals.workflow import State
from services.services import MaterialInput
from tests.services.factories import make_item, publish
from tests.approvals.conftest import fill
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db


def _page(application):
    return reverse("desk_application", args=[application.tracking_number])


def _action(application, action):
    return reverse("desk_action", args=[application.tracking_number, action])


def test_it_shows_the_application(english, submitted, approver, applicant):
    sign_in(english, approver)
    response = english.get(_page(submitted))
    assert response.status_code == 200
    page = response.content.decode()
    person = applicant.person
    assert submitted.tracking_number in page
    assert person.real_name in page and person.masked_id in page and person.resident_id not in page
    # The answers, labelled from the item version's questions.
    assert "Shop name" in page and "海滨小吃" in page and "Opening date" in page and "1 December 2026" in page
    # The terms it is bound to.
    assert "5 working days promised, 20 statutory" in page
    # The material, previewed inline, from the applicant area's file URL.
    attachment = submitted.attachments.get()
    file_url = reverse("application_file", args=[submitted.uid, attachment.pk])
    assert f'<object data="{file_url}" type="application/pdf"' in page
    assert f'href="{file_url}"' in page
    # The timeline.
    assert 'class="timeline"' in page and "Submitted" in page


def test_it_offers_only_the_actions_allowed_now(english, submitted, approver, head):
    sign_in(english, approver)
    response = english.get(_page(submitted))
    assert [entry["action"] for entry in response.context["actions"]] == ["accept", "not_accept", "request_correction"]
    page = response.content.decode()
    assert _action(submitted, "accept") in page and _action(submitted, "approve") not in page

    application = workflow.application_accept(application=submitted, actor=approver)
    response = english.get(_page(application))
    assert [entry["action"] for entry in response.context["actions"]] == [
        "start_review", "request_correction", "suspend", "approve", "deny",
    ]
    sign_in(english, head)
    response = english.get(_page(application))
    assert "extend" in [entry["action"] for entry in response.context["actions"]]
    assert "by up to 15 working days" in response.content.decode()


def test_it_accepts_and_redirects_back(english, submitted, approver):
    sign_in(english, approver)
    response = english.post(_action(submitted, "accept"))
    assert response.status_code == 302 and response["Location"] == _page(submitted)
    submitted.refresh_from_db()
    assert submitted.state == State.ACCEPTED and submitted.assignee == approver
    assert submitted.due_on is not None
    page = english.get(response["Location"]).content.decode()
    # Accepted on Thursday 26 November 2026 for 5 working days: due a week later, weekday included.
    assert submitted.due_on == date(2026, 12, 3)
    assert f"{submitted.tracking_number}: accepted. It is due by Thursday 3 December 2026." in page


def test_it_requests_a_correction_of_two_items_at_once(english, department, applicant, approver):
    make_item(
        department,
        code="MKT-010",
        audience="person",
        materials=[
            MaterialInput(name_zh="经营场所证明", name_en="Proof of premises"),
            MaterialInput(name_zh="身份证明", name_en="Proof of identity"),
        ],
    )
    publish()
    draft = workflow.application_start(actor=applicant, item_code="MKT-010")
    workflow.application_save(application=draft, actor=applicant, data={})
    from tests.approvals.conftest import pdf

    for material in draft.item_version.materials.all():
        workflow.attachment_add(application=draft, actor=applicant, material=material, upload=pdf())
    application = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    premises, identity = application.item_version.materials.all()
    sign_in(english, approver)
    page = english.get(_page(application)).content.decode()
    assert "Proof of premises" in page and "Proof of identity" in page
    response = english.post(
        _action(application, "request_correction"),
        {
            f"request_correction-m{premises.pk}": "on",
            f"request_correction-m{premises.pk}_problem": "复印件不清晰",
            f"request_correction-m{premises.pk}_remedy": "上传清晰的扫描件",
            f"request_correction-m{identity.pk}": "",
            "request_correction-x1_name": "租赁合同",
            "request_correction-x1_problem": "缺少",
            "request_correction-x1_remedy": "上传租赁合同",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.CORRECTION
    notice = CorrectionNotice.objects.get(application=application)
    assert [(i["material"], i["name"], i["problem"]) for i in notice.items] == [
        (premises.pk, "经营场所证明", "复印件不清晰"),
        (None, "租赁合同", "缺少"),
    ]
    page = english.get(_page(application)).content.decode()
    assert "Correction notices" in page and "租赁合同" in page


def test_a_correction_needs_an_item_and_keeps_what_was_typed(english, submitted, approver):
    sign_in(english, approver)
    material = submitted.item_version.materials.get()
    response = english.post(
        _action(submitted, "request_correction"),
        {f"request_correction-m{material.pk}": "on", "request_correction-x1_remedy": "请补充说明"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say what is wrong with this material." in page and "Say what is needed." in page
    assert "请补充说明" in page and "Nothing was changed" in page
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    response = english.post(_action(submitted, "request_correction"), {})
    assert "List at least one item" in response.content.decode()


def test_it_approves(english, submitted, approver):
    application = workflow.application_accept(application=submitted, actor=approver)
    sign_in(english, approver)
    response = english.post(_action(application, "approve"), {"approve-note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert ApplicationEvent.objects.filter(application=application, action="approve", actor=approver).count() == 1


def test_it_denies_with_a_reason_only(english, submitted, approver):
    application = workflow.application_accept(application=submitted, actor=approver)
    sign_in(english, approver)
    response = english.post(_action(application, "deny"), {"deny-note": "  "})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == State.ACCEPTED
    response = english.post(_action(application, "deny"), {"deny-note": "经营场所不符合条件"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.DENIED
    assert application.events.last().note == "经营场所不符合条件"


def test_the_head_extends_up_to_the_statutory_limit_once(english, submitted, approver, head):
    application = workflow.application_accept(application=submitted, actor=approver)
    due = application.due_on
    sign_in(english, head)
    # 5 promised, 20 statutory: 15 working days at most.
    response = english.post(_action(application, "extend"), {"extend-days": "16", "extend-note": "情况复杂"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "情况复杂" in page and 'value="16"' in page
    application.refresh_from_db()
    assert application.due_on == due and not application.extended
    response = english.post(_action(application, "extend"), {"extend-days": "15", "extend-note": "情况复杂"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.extended and application.due_on > due
    assert application.clock.extension_days == 15
    # Once only: the form is gone, and a second POST changes nothing.
    assert "extend" not in [e["action"] for e in english.get(_page(application)).context["actions"]]
    response = english.post(_action(application, "extend"), {"extend-days": "1", "extend-note": "再延"})
    application.refresh_from_db()
    assert application.clock.extension_days == 15


def test_an_approver_cannot_extend(english, submitted, approver):
    application = workflow.application_accept(application=submitted, actor=approver)
    sign_in(english, approver)
    response = english.post(_action(application, "extend"), {"extend-days": "3", "extend-note": "情况复杂"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert not application.extended


def test_a_step_that_is_no_longer_possible_is_explained(english, submitted, approver):
    sign_in(english, approver)
    workflow.application_not_accept(application=submitted, actor=approver, note="不属于本部门职责")
    response = english.post(_action(submitted, "accept"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was changed." in page and "not possible while the application is “not accepted”" in page
    submitted.refresh_from_db()
    assert submitted.state == State.NOT_ACCEPTED


def test_suspend_and_resume(english, submitted, approver):
    application = workflow.application_accept(application=submitted, actor=approver)
    sign_in(english, approver)
    assert english.post(_action(application, "suspend"), {"suspend-note": "专家评审"}).status_code == 400
    application.refresh_from_db()
    assert application.state == State.ACCEPTED  # the kind of procedure and its expected length are required
    response = english.post(
        _action(application, "suspend"),
        {"suspend-kind": "expert_review", "suspend-expected_days": "10", "suspend-note": "专家评审"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.SUSPENDED and application.due_on is None
    page = english.get(_page(application)).content.decode()
    assert "Clock stopped" in page and "still stopped" in page
    assert "Expert review, expected to take 10 working days" in page
    assert english.post(_action(application, "resume")).status_code == 302
    application.refresh_from_db()
    assert application.state == State.ACCEPTED and application.due_on is not None


def test_unknown_actions_and_gets_are_refused(client, submitted, approver):
    sign_in(client, approver)
    assert client.post(_action(submitted, "withdraw")).status_code == 404
    assert client.post(_action(submitted, "explode")).status_code == 404
    assert client.get(_action(submitted, "accept")).status_code == 405
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_it_shows_an_enterprise_applicant_with_a_masked_code(english, department, approver):
    from tests.factories import EnterpriseFactory, MembershipFactory

    make_item(department, code="MKT-020", audience="enterprise")
    publish()
    membership = MembershipFactory(enterprise=EnterpriseFactory(name="海滨餐饮有限公司"))
    from tests.factories import PersonFactory

    PersonFactory(user=membership.user)
    draft = workflow.application_start(actor=membership.user, item_code="MKT-020", enterprise=membership.enterprise)
    application = workflow.application_submit(application=fill(draft, membership.user), actor=membership.user, declaration=True)
    sign_in(english, approver)
    page = english.get(_page(application)).content.decode()
    assert "海滨餐饮有限公司" in page
    assert membership.enterprise.masked_code in page and membership.enterprise.credit_code not in page


def test_the_buttons_say_what_the_approver_does(english, submitted, approver):
    sign_in(english, approver)
    page = english.get(_page(submitted)).content.decode()
    assert re.findall(r'<details id="action-\w+">\s*<summary>([^<]*)</summary>', page) == [
        "Accept", "Do not accept", "Ask for corrections",
    ]
    assert re.findall(r'<button class="button[^"]*" type="submit">([^<]*)</button>', page) == [
        "Accept", "Do not accept", "Send the correction notice",
    ]

    application = workflow.application_accept(application=submitted, actor=approver)
    page = english.get(_page(application)).content.decode()
    assert re.findall(r'<details id="action-\w+">\s*<summary>([^<]*)</summary>', page) == [
        "Start the review", "Ask for corrections", "Start a special procedure", "Approve", "Refuse",
    ]
    # The timeline keeps saying what was done.
    assert "Accepted" in page.split('class="desk-timeline"')[1]


def test_the_correction_rows_stay_folded_until_used(english, submitted, approver):
    sign_in(english, approver)
    material = submitted.item_version.materials.get()
    page = english.get(_page(submitted)).content.decode()
    assert '<details class="correction-row">' in page and '<details class="correction-row" open>' not in page

    response = english.post(
        _action(submitted, "request_correction"), {f"request_correction-m{material.pk}": "on"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    # The ticked material with nothing said about it opens, and its box stays ticked.
    assert page.count('<details class="correction-row" open>') == 1
    assert f'name="request_correction-m{material.pk}" id="id_request_correction-m{material.pk}" checked' in page
