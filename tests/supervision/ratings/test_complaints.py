"""Complaints: anyone files one, signed in or not, about an application, a visit,
a department or an item, with up to five files each checked by its content; it
opens the same case loop as a bad rating; its number and query code find it on
/track/complaint/. Its files are for the case's staff, the signed-in filer and
whoever tracked it with the query code; nobody else."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from supervision.ratings import services
from supervision.ratings.models import Case, Complaint
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _pdf(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _file_urls(complaint):
    return [reverse("complaint_attachment", args=[complaint.uid, a.pk]) for a in complaint.attachments.all()]


def test_anyone_files_a_complaint_about_a_department_and_tracks_it(client, department, english):
    response = client.post(
        reverse("complaints_new"),
        {
            "about": "department", "department": department.pk, "text": "Nobody answered the phone.",
            "contact": "13800000000", "attachments": [_png(), _pdf("call log.pdf")],
        },
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.tracking_number in response.text and complaint.query_code in response.text
    assert complaint.filer is None
    assert [(a.name, a.kind) for a in complaint.attachments.all()] == [("photo.png", "png"), ("call log.pdf", "pdf")]
    case = Case.objects.get(complaint=complaint)
    assert case.department == department and case.callback_due.isoformat() == "2026-11-27"

    found = client.post(reverse("track_complaint"), {"number": complaint.tracking_number, "code": complaint.query_code})
    assert "Nobody answered the phone." in found.text
    wrong = client.post(reverse("track_complaint"), {"number": complaint.tracking_number, "code": "AAAAAAAA"})
    assert "Nobody answered the phone." not in wrong.text and "could not find" in wrong.text


def test_the_person_who_tracked_the_complaint_downloads_each_file_and_an_outsider_does_not(
    client, department, outsider, english
):
    client.post(
        reverse("complaints_new"),
        {"about": "department", "department": department.pk, "text": "Rude.", "attachments": [_png(), _pdf()]},
    )
    complaint = Complaint.objects.get()
    png_url, pdf_url = _file_urls(complaint)
    # Filing shows the query code once; the files open only once it has been given on /track/complaint/.
    assert client.get(png_url).status_code == 302
    page = client.post(reverse("track_complaint"), {"number": complaint.tracking_number, "code": complaint.query_code})
    assert png_url in page.text and pdf_url in page.text and "photo.png" in page.text
    png = client.get(png_url)
    assert png.status_code == 200 and b"".join(png.streaming_content) == PNG
    assert png["Content-Type"] == "image/png" and png["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in png["Content-Disposition"] and "no-store" in png["Cache-Control"]
    assert b"".join(client.get(pdf_url).streaming_content) == PDF

    stranger = Client()
    assert stranger.get(png_url).status_code == 302  # sent to sign in
    stranger.post(reverse("track_complaint"), {"number": complaint.tracking_number, "code": "AAAAAAAA"})
    assert stranger.get(png_url).status_code == 302
    sign_in(stranger, outsider)
    assert stranger.get(png_url).status_code == 404 and stranger.get(pdf_url).status_code == 404


def test_the_departments_staff_and_supervisors_download_the_files_and_another_department_does_not(
    client, department, approver, supervisor, other_approver
):
    client.post(
        reverse("complaints_new"),
        {"about": "department", "department": department.pk, "text": "Rude.", "attachments": [_pdf()]},
    )
    complaint = Complaint.objects.get()
    [url] = _file_urls(complaint)
    for user in (approver, supervisor):
        staff = Client()
        sign_in(staff, user)
        assert url in staff.get(reverse("ratings_case", args=[complaint.case.pk])).text
        assert staff.get(url).status_code == 200
    staff = Client()
    sign_in(staff, other_approver)
    assert staff.get(url).status_code == 404


def test_the_signed_in_filer_downloads_the_files_from_their_case(client, approved, applicant, outsider):
    sign_in(client, applicant.person.user)
    client.post(
        reverse("complaints_new"),
        {"about": "application", "tracking_number": approved.tracking_number, "text": "Too slow.",
         "attachments": [_png()]},
    )
    complaint = Complaint.objects.get()
    [url] = _file_urls(complaint)
    assert url in client.get(reverse("ratings_mine_case", args=[complaint.case.pk])).text
    assert client.get(url).status_code == 200
    client.logout()
    sign_in(client, outsider)
    assert client.get(url).status_code == 404


def test_each_bad_file_is_named_and_the_text_is_kept(client, department, english):
    response = client.post(
        reverse("complaints_new"),
        {
            "about": "department", "department": department.pk, "text": "Kept complaint text",
            "attachments": [
                _png("fine.png"),
                SimpleUploadedFile("scan.pdf", b"MZ not a pdf", content_type="application/pdf"),
                SimpleUploadedFile("empty.png", b"", content_type="image/png"),
            ],
        },
    )
    page = html.unescape(response.text)
    assert response.status_code == 200 and "Kept complaint text" in page
    assert "error-summary" in page and not Complaint.objects.exists()
    assert "“scan.pdf”: " in page and "“empty.png”: " in page and "“fine.png”" not in page
    assert "choose them again" in page


def test_more_than_five_files_are_refused(client, department, english):
    response = client.post(
        reverse("complaints_new"),
        {
            "about": "department", "department": department.pk, "text": "Six files",
            "attachments": [_png(f"photo{n}.png") for n in range(6)],
        },
    )
    assert response.status_code == 200 and "Attach up to 5 files; you chose 6." in html.unescape(response.text)
    assert not Complaint.objects.exists()


def test_five_files_are_accepted_through_the_service(department):
    from django.utils import timezone

    complaint = services.complaint_file(
        about=Complaint.About.DEPARTMENT, department=department, text="Five files",
        uploads=[_png(f"photo{n}.png") for n in range(5)], at=timezone.now(),
    )
    assert complaint.attachments.count() == 5
    assert all(a.file.name.startswith(f"complaints/{complaint.uid}/") for a in complaint.attachments.all())


def test_the_form_is_a_plain_multiple_file_input(client, english):
    page = client.get(reverse("complaints_new")).text
    assert re.search(r'<input type="file" name="attachments"[^>]*multiple', page)
    assert 'enctype="multipart/form-data"' in page


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
