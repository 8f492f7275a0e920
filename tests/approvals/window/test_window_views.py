"""The window workspace, page by page: finding applicants (typed or scanned),
registering walk-ins, starting, filling, submitting, accepting and correcting
at the window, and who gets nothing."""

import html
import re

import pytest
from django.urls import reverse

from approvals import services as workflow
from approvals.models import Application, Attachment, CorrectionNotice, Visit
from approvals.window.services import window_submit
from approvals.workflow import Action, State
from portal.models import Enterprise, Person
from services import services as list_services
from tests.factories import make_credit_code, make_resident_id
from tests.approvals.window.conftest import ANSWERS, DUE, NOW, fill, pdf, png, window_draft
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db


def _as(client, user):
    sign_in(client, user)
    return client


def _page(response) -> str:
    """The page's text with entities resolved (apostrophes and quotes are escaped in HTML)."""
    return html.unescape(response.content.decode())


# -- who gets in -----------------------------------------------------------------------


def _window_urls(application, notice=None):
    urls = [
        reverse("window"),
        reverse("window_person_new"),
        reverse("window_person", args=[application.applicant_person.pk]),
        reverse("window_enterprise_new"),
        reverse("window_application", args=[application.uid]),
        reverse("window_correction", args=[application.uid]),
        reverse("window_receipt", args=[application.uid]),
    ]
    if notice is not None:
        urls.append(reverse("window_correction_notice", args=[application.uid, notice.pk]))
    return urls


def test_anonymous_visitors_are_sent_to_sign_in(client, submitted):
    for url in _window_urls(submitted):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for name in ("window_accept", "window_not_accept", "window_application_visit"):
        assert client.post(reverse(name, args=[submitted.uid]), {"refusal-note": "x"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


@pytest.mark.parametrize("who", ["citizen", "approver", "supervisor", "other_approver"])
def test_only_window_clerks_get_in(client, submitted, who, outsider, approver, supervisor, other_approver):
    user = {"citizen": outsider, "approver": approver, "supervisor": supervisor, "other_approver": other_approver}[who]
    _as(client, user)
    for url in _window_urls(submitted):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("window_accept", args=[submitted.uid])).status_code == 403
    assert client.post(reverse("window_not_accept", args=[submitted.uid]), {"refusal-note": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_staff_without_a_second_factor_enrol_first(client):
    from portal.models import StaffRole
    from tests.factories import staff

    _as(client, staff(StaffRole.Role.CLERK, mfa=False))
    response = client.get(reverse("window"))
    assert response.status_code == 302 and "/2fa/totp/activate/" in response["Location"]


# -- finding the applicant ------------------------------------------------------------------


def test_it_finds_a_registered_person_by_resident_id(client, clerk, walk_in):
    response = _as(client, clerk).get(reverse("window"), {"q": walk_in.resident_id.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("window_person", args=[walk_in.pk])


def test_it_offers_to_register_someone_new(english, clerk):
    rid = make_resident_id(birth="19950101")
    response = _as(english, clerk).get(reverse("window"), {"q": rid}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("window_person_new") + f"?resident_id={rid}"
    assert f'value="{rid}"' in _page(response)
    assert "No one is registered with this resident ID number yet" in _page(response)


def test_a_name_typed_beside_the_number_prefills_the_registration(english, clerk):
    rid = make_resident_id(birth="19950101")
    response = _as(english, clerk).get(reverse("window"), {"q": f"欧阳 娜娜 {rid}"}, follow=True)
    page = _page(response)
    assert f'value="{rid}"' in page and 'value="欧阳 娜娜"' in page
    credit = make_credit_code()
    response = english.get(reverse("window"), {"q": f"{credit} 葫芦岛海滨食品有限公司"}, follow=True)
    page = _page(response)
    assert f'value="{credit}"' in page and 'value="葫芦岛海滨食品有限公司"' in page


def test_a_clerk_lands_at_the_window_after_signing_in(client, clerk, applicant):
    from portal.adapter import AccountAdapter
    from django.test import RequestFactory

    request = RequestFactory().get("/accounts/login/")
    request.user = clerk
    assert AccountAdapter(request).get_login_redirect_url(request) == reverse("window")
    request.user = applicant
    assert AccountAdapter(request).get_login_redirect_url(request) == reverse("me")


def test_it_registers_a_walk_in_person(client, clerk):
    rid = make_resident_id(birth="19880808")
    response = _as(client, clerk).post(reverse("window_person_new"), {"real_name": " 李  娜 ", "resident_id": rid.lower()})
    person = Person.objects.get(resident_id=rid)
    assert (person.real_name, person.user) == ("李 娜", None)
    assert response["Location"] == reverse("window_person", args=[person.pk])


def test_it_validates_a_walk_in_as_the_profile_page_does(english, clerk, applicant):
    bad = make_resident_id()[:-1] + "0"
    bad = bad if bad[-1] != make_resident_id()[-1] else bad
    from portal.identifiers import resident_id_check_char

    bad = bad[:17] + ("1" if resident_id_check_char(bad[:17]) != "1" else "2")
    window = _as(english, clerk).post(reverse("window_person_new"), {"real_name": "李娜", "resident_id": bad})
    assert window.status_code == 200
    online = _as(english, applicant.__class__.objects.create_user(email="new@example.org")).post(
        reverse("profile"), {"real_name": "李娜", "resident_id": bad}
    )
    message = "This resident ID number is not valid: its last character does not match. Please check it."
    assert message in _page(window) and message in _page(online)
    assert not Person.objects.filter(resident_id=bad).exists()


def test_a_different_name_for_a_known_number_is_caught(english, clerk, walk_in):
    response = _as(english, clerk).post(
        reverse("window_person_new"), {"real_name": "王海涛", "resident_id": walk_in.resident_id}
    )
    assert "registered under a different name" in _page(response)


def test_it_finds_or_registers_an_enterprise_by_credit_code(english, clerk):
    code = make_credit_code()
    response = _as(english, clerk).get(reverse("window"), {"q": code})
    assert response["Location"] == reverse("window_enterprise_new") + f"?credit_code={code}"
    response = english.post(reverse("window_enterprise_new"), {"name": "葫芦岛海风餐饮有限公司", "credit_code": code})
    enterprise = Enterprise.objects.get(credit_code=code)
    assert not enterprise.memberships.exists()
    assert response["Location"] == reverse("window_enterprise", args=[enterprise.pk])
    assert english.get(reverse("window"), {"q": code})["Location"] == reverse("window_enterprise", args=[enterprise.pk])
    wrong = english.post(reverse("window_enterprise_new"), {"name": "别的公司", "credit_code": code})
    assert "registered under a different name" in _page(wrong)


def test_it_explains_what_it_could_not_read(english, clerk):
    response = _as(english, clerk).get(reverse("window"), {"q": "12345"})
    assert response.status_code == 400
    assert "This is not a resident ID number, a credit code or a tracking number" in _page(response)


def test_a_scanned_tracking_number_opens_the_application(client, clerk, other_clerk, submitted):
    _as(client, other_clerk)  # any clerk: the counter is city-wide
    for scanned in (submitted.tracking_number, f" {submitted.tracking_number.lower()}\n"):
        response = client.get(reverse("window"), {"q": scanned})
        assert response["Location"] == reverse("window_application", args=[submitted.uid])
    # The receipt's QR code types the tracking URL, which carries the number.
    response = client.get(reverse("window"), {"q": f"http://testserver/track/?number={submitted.tracking_number}"})
    assert response["Location"] == reverse("window_application", args=[submitted.uid])


def test_an_online_applications_number_finds_nothing(english, clerk, item, applicant):
    online = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    online = workflow.application_submit(application=online, actor=applicant, declaration=True)
    response = _as(english, clerk).get(reverse("window"), {"q": online.tracking_number})
    assert response.status_code == 400
    assert f"No window application has the tracking number {online.tracking_number}" in _page(response)
    assert applicant.person.real_name not in _page(response)


def test_the_workspace_is_ready_for_the_keyboard_and_the_scanner(client, clerk):
    page = _page(_as(client, clerk).get(reverse("window")))
    search = re.search(r"<input[^>]*name=\"q\"[^>]*>", page).group(0)
    assert "autofocus" in search and 'type="search"' in search
    assert "tabindex=\"1" not in page and "accesskey" not in page


# -- starting ------------------------------------------------------------------------------------


def test_it_starts_a_window_application(client, clerk, walk_in, item):
    response = _as(client, clerk).post(
        reverse("window_person", args=[walk_in.pk]), {"form": "start", "start-item": "mkt-001"}
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("window_application", args=[application.uid])
    assert (application.channel, application.clerk, application.created_by) == ("window", clerk, clerk)
    assert application.applicant_person == walk_in and application.state == State.DRAFT


@pytest.mark.parametrize(
    "code, message",
    [
        ("NOPE-1", "There is no item with the code “NOPE-1” on the city's approval list."),
        ("MKT-009", "is not on the published approval list yet"),
        ("MKT-001", "“Small eatery license” was removed from the approval list"),
    ],
)
def test_it_starts_nothing_for_an_item_not_on_the_list(english, clerk, walk_in, item, department, code, message):
    if code == "MKT-009":
        from tests.services.factories import make_item

        make_item(department, code="MKT-009", audience="person")  # a draft, never published
    if code == "MKT-001":
        list_services.item_retire(actor=None, item=item, at=NOW)
        from tests.services.factories import publish

        publish()
    response = _as(english, clerk).post(
        reverse("window_person", args=[walk_in.pk]), {"form": "start", "start-item": code}
    )
    assert response.status_code == 400
    assert message in _page(response)
    assert not Application.objects.exists()


def test_it_refuses_at_submission_an_item_retired_since_the_draft(english, clerk, draft, item):
    from tests.services.factories import publish

    list_services.item_retire(actor=None, item=item, at=NOW)
    publish()
    response = _as(english, clerk).post(
        reverse("window_application", args=[draft.uid]), {"action": "submit", "delivery": "electronic", "declaration": "on", **_posted(ANSWERS)}
    )
    assert response.status_code == 400
    assert "was removed from the approval list" in _page(response)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_it_starts_an_enterprise_application_with_the_person_who_came(client, clerk, enterprise_item):
    enterprise = Enterprise.objects.create(name="葫芦岛海风餐饮有限公司", credit_code=make_credit_code())
    rid = make_resident_id(birth="19850101")
    response = _as(client, clerk).post(
        reverse("window_enterprise", args=[enterprise.pk]),
        {"start-item": "MKT-002", "start-real_name": "赵强", "start-resident_id": rid},
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("window_application", args=[application.uid])
    assert application.applicant_enterprise == enterprise
    assert application.applicant_person == Person.objects.get(resident_id=rid)


def test_an_enterprise_item_needs_the_enterprise(english, clerk, walk_in, enterprise_item):
    response = _as(english, clerk).post(
        reverse("window_person", args=[walk_in.pk]), {"form": "start", "start-item": "MKT-002"}
    )
    assert response.status_code == 400 and "is for enterprises" in _page(response)


# -- drafts are private --------------------------------------------------------------------------


def test_a_clerk_cannot_see_citizens_drafts(client, clerk, item, applicant):
    online = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    _as(client, clerk)
    assert client.get(reverse("window_application", args=[online.uid])).status_code == 404
    assert client.get(reverse("window_receipt", args=[online.uid])).status_code == 404
    page = _page(client.get(reverse("window_person", args=[applicant.person.pk])))
    assert str(online.uid) not in page
    assert client.post(reverse("window_attachment_remove", args=[online.uid, online.attachments.first().pk])).status_code == 404
    assert online.attachments.count() == 2


def test_a_clerk_cannot_see_another_clerks_window_draft(client, other_clerk, draft, walk_in):
    _as(client, other_clerk)
    assert client.get(reverse("window_application", args=[draft.uid])).status_code == 404
    assert str(draft.uid) not in _page(client.get(reverse("window_person", args=[walk_in.pk])))


def test_a_submitted_online_application_is_not_the_windows_either(client, clerk, item, applicant):
    online = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
    online = workflow.application_submit(application=online, actor=applicant, declaration=True)
    assert _as(client, clerk).get(reverse("window_application", args=[online.uid])).status_code == 404


# -- filling in and submitting ----------------------------------------------------------------------


def _posted(answers):
    return {f"answers-{key}": value for key, value in answers.items()}


def test_it_offers_electronic_delivery_or_post_and_nothing_else(english, clerk, draft):
    page = _page(_as(english, clerk).get(reverse("window_application", args=[draft.uid])))
    radios = re.findall(r'<input type="radio" name="delivery" value="([^"]+)"', page)
    assert radios == ["electronic", "post"]
    assert "collect" not in page.lower().replace("nobody comes back to collect", "")


def test_it_submits_for_the_applicant_with_several_files_per_material(client, clerk, walk_in, item):
    application = window_draft(clerk, walk_in)
    premises, pledge = application.item_version.materials.all()
    response = _as(client, clerk).post(
        reverse("window_application", args=[application.uid]),
        {
            **_posted(ANSWERS),
            f"material-{premises.pk}": [pdf("front.pdf"), png("back.png")],
            f"material-{pledge.pk}": [pdf("pledge.pdf")],
            "delivery": "post",
            "delivery_address": "辽宁省葫芦岛市龙港区海滨路1号 125000 13812345678",
            "declaration": "on",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.tracking_number
    assert (application.channel, application.clerk) == ("window", clerk)
    assert application.form_data["shop_name"] == "海滨小吃"
    assert application.delivery == "post" and application.delivery_address.startswith("辽宁省")
    assert sorted(Attachment.objects.filter(material=premises).values_list("original_name", flat=True)) == [
        "back.png",
        "front.pdf",
    ]
    assert Visit.objects.get().purpose == Visit.Purpose.SUBMIT
    assert [e.action for e in application.events.all()] == [Action.VISIT, Action.SUBMIT]


def test_the_draft_page_puts_the_focus_on_the_first_question(client, clerk, draft):
    page = _page(_as(client, clerk).get(reverse("window_application", args=[draft.uid])))
    first = re.search(r"<input[^>]*name=\"answers-shop_name\"[^>]*>", page).group(0)
    assert "autofocus" in first
    # Enter in a field submits: the form's first own button is "submit" (the remove buttons belong to other forms).
    form = page[page.index('id="window-form"') : page.index("</form>", page.index('id="window-form"'))]
    own = [b for b in re.findall(r"<button[^>]*>", form) if "form=" not in b]
    assert 'value="submit"' in own[0]


def test_nothing_is_lost_when_the_submission_fails(english, clerk, walk_in, item):
    application = window_draft(clerk, walk_in)
    premises = application.item_version.materials.first()
    response = _as(english, clerk).post(
        reverse("window_application", args=[application.uid]),
        {**_posted({**ANSWERS, "shop_name": ""}), f"material-{premises.pk}": [pdf()], "delivery": "electronic", "action": "submit"},
    )
    assert response.status_code == 400
    page = _page(response)
    assert "There is a problem" in page
    assert "This field is required." in page  # the shop name
    assert "Upload “Food safety pledge”." in page  # the other material
    assert "Confirm the declaration to submit." in page
    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert application.form_data["opening"] == "2026-12-01"
    assert application.attachments.count() == 1


def test_a_refused_file_is_explained_and_the_rest_is_kept(english, clerk, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    premises = draft.item_version.materials.first()
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _as(english, clerk).post(
        reverse("window_application", args=[draft.uid]),
        {**_posted(ANSWERS), f"material-{premises.pk}": [fake], "delivery": "electronic", "action": "save"},
    )
    assert response.status_code == 400
    assert "scan.pdf: This file is not a real PDF, JPG, PNG file" in _page(response)
    assert draft.attachments.count() == 2


def test_the_clerk_removes_a_wrong_scan(client, clerk, draft):
    attachment = draft.attachments.first()
    response = _as(client, clerk).post(reverse("window_attachment_remove", args=[draft.uid, attachment.pk]))
    assert response.status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


# -- accepting and correcting -----------------------------------------------------------------------


def test_the_clerk_accepts_on_the_spot_and_prints_the_receipt(english, clerk, submitted):
    page = _page(_as(english, clerk).get(reverse("window_application", args=[submitted.uid])))
    assert "Accept now" in page and "Issue the one-time correction notice" in page
    english.post(reverse("window_accept", args=[submitted.uid]))
    submitted.refresh_from_db()
    assert submitted.state == State.ACCEPTED and submitted.due_on == DUE
    assert submitted.assignee is None  # the department's approvers pick it up on the desk
    page = _page(english.get(reverse("window_application", args=[submitted.uid])))
    assert "Acceptance receipt (PDF)" in page
    receipt = english.get(reverse("window_receipt", args=[submitted.uid]))
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    assert "no-store" in receipt["Cache-Control"]


def test_the_window_cannot_accept_for_a_department_that_accepts_itself(english, clerk, submitted, department):
    department.accepts_at_window = False
    department.save()
    page = _page(_as(english, clerk).get(reverse("window_application", args=[submitted.uid])))
    assert "Accept now" not in page
    assert "decides on acceptance itself" in page
    english.post(reverse("window_accept", args=[submitted.uid]))
    assert english.get(reverse("window_correction", args=[submitted.uid])).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_the_clerk_does_not_accept_with_a_reason_the_applicant_is_sent(
    english, clerk, applicant, item, mailoutbox, django_capture_on_commit_callbacks
):
    # A citizen with a portal account, at the window in person.
    submitted = window_submit(
        application=fill(window_draft(clerk, applicant.person), clerk), clerk=clerk, declaration=True, at=NOW
    )
    page = _page(_as(english, clerk).get(reverse("window_application", args=[submitted.uid])))
    assert "Cannot be accepted" in page
    url = reverse("window_not_accept", args=[submitted.uid])

    blank = english.post(url, {"refusal-note": "  "})
    assert blank.status_code == 400 and "This field is required." in _page(blank)
    assert "<details class=\"window-refusal\" open>" in blank.content.decode()  # the form stays open with its error
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED

    reason = "The premises are outside the city; apply in the county where the shop is."
    with django_capture_on_commit_callbacks(execute=True):
        assert english.post(url, {"refusal-note": reason}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.NOT_ACCEPTED
    event = submitted.events.get(action=Action.NOT_ACCEPT)
    assert (event.actor, event.note) == (clerk, reason)
    message = applicant.messages.latest("pk")
    assert submitted.tracking_number in message.subject and reason in message.body
    assert reason in mailoutbox[-1].body
    page = _page(english.get(reverse("window_application", args=[submitted.uid])))
    assert reason in page and "Cannot be accepted" not in page  # decided: nothing left to do here


def test_a_walk_in_without_an_account_is_told_at_the_counter(english, clerk, submitted):
    response = _as(english, clerk).post(
        reverse("window_not_accept", args=[submitted.uid]), {"refusal-note": "Not a listed matter."}, follow=True
    )
    assert "Give the applicant the reason: they have no portal account." in _page(response)


def test_the_window_cannot_refuse_for_a_department_that_decides_itself(english, clerk, submitted, department):
    department.accepts_at_window = False
    department.save()
    page = _page(_as(english, clerk).get(reverse("window_application", args=[submitted.uid])))
    assert "Cannot be accepted" not in page
    response = english.post(reverse("window_not_accept", args=[submitted.uid]), {"refusal-note": "no"}, follow=True)
    assert "does not let the window decide on acceptance" in _page(response)
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_the_clerk_issues_the_one_time_correction_notice(english, clerk, submitted):
    premises, pledge = submitted.item_version.materials.all()
    _as(english, clerk)
    incomplete = english.post(reverse("window_correction", args=[submitted.uid]), {f"m{premises.pk}": "on"})
    assert incomplete.status_code == 400
    assert "Say what is wrong with this material." in _page(incomplete)
    response = english.post(
        reverse("window_correction", args=[submitted.uid]),
        {
            f"m{premises.pk}": "on",
            f"m{premises.pk}_problem": "The lease has expired.",
            f"m{premises.pk}_remedy": "A lease valid for at least one more year.",
            f"m{pledge.pk}": "on",
            f"m{pledge.pk}_problem": "Not signed.",
            f"m{pledge.pk}_remedy": "The pledge signed by the applicant.",
            "x1_name": "卫生许可证",
            "x1_problem": "Missing.",
            "x1_remedy": "A copy of the health permit.",
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.CORRECTION
    notice = CorrectionNotice.objects.get()
    assert [line["name"] for line in notice.items] == ["经营场所证明", "食品安全承诺书", "卫生许可证"]
    page = _page(english.get(reverse("window_application", args=[submitted.uid])))
    assert reverse("window_correction_notice", args=[submitted.uid, notice.pk]) in page


def test_corrections_brought_in_person_are_a_second_visit(english, clerk, submitted):
    workflow.application_request_correction(
        application=submitted, actor=clerk, items=[{"material": None, "name": "卫生许可证", "problem": "missing"}], at=NOW
    )
    page = _page(_as(english, clerk).get(reverse("window_application", args=[submitted.uid])))
    assert "this is visit 2, but the item allows at most 1" in page
    assert 'name="reason"' in page and 'name="declaration"' not in page
    post = {**_posted(ANSWERS), "delivery": "electronic", "action": "submit"}
    refused = english.post(reverse("window_application", args=[submitted.uid]), post)
    assert refused.status_code == 400 and "Give the reason for the extra visit" in _page(refused)
    english.post(reverse("window_application", args=[submitted.uid]), {**post, "reason": "The department asked late."})
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    visit = Visit.objects.get(number=2)
    assert visit.violation and visit.reason == "The department asked late."


def test_a_visit_about_an_application_warns_and_needs_a_reason(english, clerk, submitted):
    page = _page(_as(english, clerk).get(reverse("window_application", args=[submitted.uid])))
    assert "this is visit 2" in page
    refused = english.post(reverse("window_application_visit", args=[submitted.uid]), {"visit-purpose": "consult"})
    assert refused.status_code == 400 and "Give the reason for the extra visit" in _page(refused)
    english.post(reverse("window_application_visit", args=[submitted.uid]), {"visit-purpose": "consult", "visit-reason": "asked about the date"})
    assert Visit.objects.filter(violation=True).count() == 1


def test_a_visit_without_an_application_is_recorded_from_the_persons_page(english, clerk, walk_in, item):
    url = reverse("window_person", args=[walk_in.pk])
    _as(english, clerk).post(url, {"form": "visit", "visit-purpose": "consult", "visit-item": "MKT-001"})
    refused = english.post(url, {"form": "visit", "visit-purpose": "consult", "visit-item": "MKT-001"})
    assert refused.status_code == 400 and "this is visit 2" in _page(refused).lower()
    english.post(url, {"form": "visit", "visit-purpose": "consult", "visit-item": "MKT-001", "visit-reason": "again"})
    assert list(Visit.objects.order_by("number").values_list("number", "violation")) == [(1, False), (2, True)]
    page = _page(english.get(url))
    assert "violation" in page and "again" in page


# -- the applicant's copies -----------------------------------------------------------------------------


def test_the_applicant_downloads_the_receipt_and_the_notice(client, clerk, submitted, walk_in, outsider):
    from portal.services import person_complete_profile
    from tests.factories import UserFactory

    application = workflow.application_request_correction(
        application=submitted, actor=clerk, items=[{"material": None, "name": "卫生许可证", "problem": "missing"}], at=NOW
    )
    notice = application.corrections.get()
    receipt_url = reverse("application_receipt", args=[submitted.uid])
    notice_url = reverse("application_correction_notice", args=[submitted.uid, notice.pk])
    _as(client, outsider)
    assert client.get(receipt_url).status_code == 404
    assert client.get(notice_url).status_code == 404
    user = UserFactory()
    person_complete_profile(user=user, real_name=walk_in.real_name, resident_id=walk_in.resident_id)
    _as(client, user)
    page = client.get(reverse("my_application", args=[submitted.uid])).content.decode()
    assert receipt_url in page and notice_url in page  # linked from the applicant's own page
    assert client.get(receipt_url)["Content-Type"] == "application/pdf"
    assert client.get(notice_url).content.startswith(b"%PDF")


def test_a_window_draft_has_no_receipt_for_anyone(client, clerk, draft):
    assert _as(client, clerk).get(reverse("window_receipt", args=[draft.uid])).status_code == 404


# -- a fixed number of queries --------------------------------------------------------------------------


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_persons_page_reads_a_fixed_number_of_queries(client, clerk, walk_in, item):
    from approvals.window.services import visit_record

    def one_more():
        application = window_submit(application=fill(window_draft(clerk, walk_in), clerk), clerk=clerk, declaration=True, at=NOW)
        visit_record(clerk=clerk, person=walk_in, application=application, purpose="consult", reason="again", at=NOW)

    _as(client, clerk)
    url = reverse("window_person", args=[walk_in.pk])
    one_more()
    few = _queries(client, url)
    for _ in range(4):
        one_more()
    assert _queries(client, url) == few


def test_the_applications_page_reads_a_fixed_number_of_queries(client, clerk, submitted, walk_in):
    from approvals.window.services import visit_record

    _as(client, clerk)
    url = reverse("window_application", args=[submitted.uid])
    few = _queries(client, url)
    for _ in range(3):
        visit_record(clerk=clerk, person=walk_in, application=submitted, purpose="consult", reason="again", at=NOW)
    assert _queries(client, url) == few
