"""Complaints: anyone files one, signed in or not, about an application, a visit,
a department or an item, with a file checked by its content; it opens the same
case loop as a bad rating; its number and query code find it on /track/complaint/."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision.ratings.models import Case, Complaint
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_anyone_files_a_complaint_about_a_department_and_tracks_it(client, department, english):
    response = client.post(
        reverse("complaints_new"),
        {
            "about": "department", "department": department.pk, "text": "Nobody answered the phone.",
            "contact": "13800000000", "attachment": SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in response.text and complaint.query_code in response.text
    assert complaint.filer is None and complaint.attachment_kind == "png"
    case = Case.objects.get(complaint=complaint)
    assert case.department == department and case.callback_due.isoformat() == "2026-11-27"

    found = client.post(reverse("track_complaint"), {"number": complaint.tracking_number, "code": complaint.query_code})
    assert "Nobody answered the phone." in found.text
    wrong = client.post(reverse("track_complaint"), {"number": complaint.tracking_number, "code": "AAAAAAAA"})
    assert "Nobody answered the phone." not in wrong.text and "could not find" in wrong.text


def test_a_file_that_is_not_what_it_claims_is_refused_and_the_text_kept(client, department, english):
    response = client.post(
        reverse("complaints_new"),
        {
            "about": "department", "department": department.pk, "text": "Kept complaint text",
            "attachment": SimpleUploadedFile("scan.pdf", b"MZ not a pdf", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200 and "Kept complaint text" in response.text
    assert "error-summary" in response.text and not Complaint.objects.exists()


def test_a_complaint_about_an_application_needs_the_query_code_when_signed_out(client, approved, english):
    data = {"about": "application", "tracking_number": approved.tracking_number, "text": "Too slow."}
    assert client.post(reverse("complaints_new"), {**data, "query_code": "WRONGCOD"}).status_code == 200
    assert not Complaint.objects.exists()
    client.post(reverse("complaints_new"), {**data, "query_code": approved.query_code})
    assert Complaint.objects.get().department_id == approved.department_id


def test_a_signed_in_filer_sees_their_complaint_and_another_citizen_does_not(client, approved, applicant, outsider):
    sign_in(client, applicant.person.user)
    client.post(
        reverse("complaints_new"),
        {"about": "application", "tracking_number": approved.tracking_number, "text": "Too slow."},
    )
    complaint = Complaint.objects.get()
    assert complaint.filer == applicant.person.user
    assert complaint.tracking_number in client.get(reverse("ratings_mine")).text
    client.logout()
    sign_in(client, outsider)
    assert complaint.tracking_number not in client.get(reverse("ratings_mine")).text
    assert client.get(reverse("ratings_mine_case", args=[complaint.case.pk])).status_code == 404


def test_another_departments_staff_do_not_see_the_complaint_case(client, department, other_approver, approver):
    client.post(reverse("complaints_new"), {"about": "department", "department": department.pk, "text": "Rude."})
    case = Case.objects.get()
    sign_in(client, other_approver)
    assert client.get(reverse("ratings_case", args=[case.pk])).status_code == 404
    client.logout()
    sign_in(client, approver)
    assert client.get(reverse("ratings_case", args=[case.pk])).status_code == 200


def test_a_signed_in_person_complains_about_their_visit_and_not_anothers(client, visit, applicant, outsider, department):
    sign_in(client, outsider)
    client.post(reverse("complaints_new"), {"about": "visit", "visit": visit.pk, "text": "Long wait."})
    assert not Complaint.objects.exists()
    client.logout()
    sign_in(client, applicant.person.user)
    client.post(reverse("complaints_new"), {"about": "visit", "visit": visit.pk, "text": "Long wait."})
    complaint = Complaint.objects.get()
    assert complaint.visit == visit and complaint.department == department
