"""Outsiders get nothing from another's application: not its draft pages, not
its page, not its files. The applicant, an enterprise's co-member and the
department's staff read the files through one URL."""

import pytest
from django.urls import reverse

from approvals import services as workflow
from portal.models import StaffRole
from services.services import MaterialInput
from tests.factories import EnterpriseFactory, MembershipFactory, citizen, staff
from tests.services.factories import make_item, publish
from tests.approvals.conftest import ANSWERS, PDF, fill
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db

DRAFT_PAGES = ["my_application", "apply_answers", "apply_materials", "apply_delivery", "apply_check", "apply_discard"]
SUBMITTED_PAGES = ["my_application", "apply_confirmation", "apply_withdraw"]


def _file_url(application):
    attachment = application.attachments.get()
    return reverse("application_file", args=[application.uid, attachment.pk])


@pytest.fixture
def cast(applicant, approver, other_approver, outsider):
    return {"citizen": outsider, "other department's approver": other_approver, "applicant": applicant, "approver": approver}


OUTSIDERS = ["anonymous", "citizen", "other department's approver"]


def _as(client, cast, who):
    if who != "anonymous":
        sign_in(client, cast[who])
    return client


def _nothing(response, who):
    if who == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("name", DRAFT_PAGES)
def test_outsiders_get_nothing_from_a_draft(client, draft, cast, who, name):
    _as(client, cast, who)
    url = reverse(name, args=[draft.uid])
    _nothing(client.get(url), who)
    _nothing(client.post(url, {**ANSWERS, "shop_name": "冒名", "declaration": "yes", "delivery": "electronic"}), who)
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.form_data == ANSWERS


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_upload_to_or_remove_from_a_draft(client, draft, cast, who):
    from tests.approvals.conftest import pdf

    _as(client, cast, who)
    material = draft.item_version.materials.get()
    attachment = draft.attachments.get()
    _nothing(client.post(reverse("apply_materials", args=[draft.uid]), {"material": material.pk, "files": [pdf()]}), who)
    _nothing(client.post(reverse("apply_attachment_remove", args=[draft.uid, attachment.pk])), who)
    assert list(draft.attachments.all()) == [attachment]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("name", SUBMITTED_PAGES)
def test_outsiders_get_nothing_from_a_submitted_application(client, submitted, cast, who, name):
    _as(client, cast, who)
    _nothing(client.get(reverse(name, args=[submitted.uid])), who)
    _nothing(client.post(reverse(name, args=[submitted.uid])), who)
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_the_departments_approver_reads_the_desk_not_the_applicants_pages(client, submitted, approver):
    sign_in(client, approver)
    assert client.get(reverse("my_application", args=[submitted.uid])).status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS + ["approver"])
def test_a_drafts_files_are_the_applicants_alone(client, draft, cast, who):
    _as(client, cast, who)
    _nothing(client.get(_file_url(draft)), who)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_nothing_from_the_files(client, submitted, cast, who):
    _as(client, cast, who)
    _nothing(client.get(_file_url(submitted)), who)


def test_a_file_url_with_another_applications_uid_finds_nothing(client, submitted, item, outsider):
    other = fill(workflow.application_start(actor=outsider, item_code=item.code), outsider)
    sign_in(client, outsider)
    attachment = submitted.attachments.get()
    assert client.get(reverse("application_file", args=[other.uid, attachment.pk])).status_code == 404


@pytest.mark.parametrize("who", ["applicant", "approver", "head", "supervisor"])
def test_the_applicant_and_the_departments_staff_get_the_file(client, submitted, cast, department, who):
    if who == "head":
        user = staff(StaffRole.Role.HEAD, department)
    elif who == "supervisor":
        user = staff(StaffRole.Role.SUPERVISOR)
    else:
        user = cast[who]
    sign_in(client, user)
    response = client.get(_file_url(submitted))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="scan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the desk previews it; other sites cannot frame it
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_staff_whose_session_passed_no_second_factor_get_nothing(client, submitted, department):
    user = staff(StaffRole.Role.APPROVER, department, mfa=False)
    sign_in(client, user)
    assert client.get(_file_url(submitted)).status_code == 404


def test_an_image_is_served_inline_with_its_real_type(client, draft, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    material = draft.item_version.materials.get()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    attachment = workflow.attachment_add(
        application=draft, actor=applicant, material=material, upload=SimpleUploadedFile("photo.pdf", png)
    )
    sign_in(client, applicant)
    response = client.get(reverse("application_file", args=[draft.uid, attachment.pk]))
    assert response["Content-Type"] == "image/png"  # from the content, whatever the name said
    assert response["Content-Disposition"].startswith("inline")


@pytest.fixture
def enterprise_application(department):
    make_item(department, code="ENT-002", audience="enterprise", materials=[MaterialInput(name_zh="章程", name_en="Articles")])
    publish()
    agent, colleague = citizen(), citizen()
    enterprise = EnterpriseFactory()
    MembershipFactory(user=agent, enterprise=enterprise)
    MembershipFactory(user=colleague, enterprise=enterprise, role="agent")
    application = fill(workflow.application_start(actor=agent, item_code="ENT-002", enterprise=enterprise), agent, answers={})
    application = workflow.application_submit(application=application, actor=agent, declaration=True)
    return application, agent, colleague, enterprise


def test_an_enterprise_co_member_gets_the_application_and_its_files(client, enterprise_application):
    application, _agent, colleague, _enterprise = enterprise_application
    sign_in(client, colleague)
    assert client.get(reverse("my_application", args=[application.uid])).status_code == 200
    assert client.get(_file_url(application)).status_code == 200


def test_a_former_member_of_the_enterprise_gets_nothing(client, enterprise_application):
    application, _agent, colleague, enterprise = enterprise_application
    enterprise.memberships.filter(user=colleague).delete()
    sign_in(client, colleague)
    assert client.get(reverse("my_application", args=[application.uid])).status_code == 404
    assert client.get(_file_url(application)).status_code == 404


def test_a_stranger_sees_no_trace_of_an_enterprise_application(client, enterprise_application, outsider):
    application, agent, _colleague, _enterprise = enterprise_application
    sign_in(client, outsider)
    assert application.tracking_number not in client.get(reverse("me")).content.decode()
    assert client.get(reverse("my_application", args=[application.uid])).status_code == 404
