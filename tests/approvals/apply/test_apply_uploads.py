"""Materials: files are judged by their content and their size; a refused file
is not stored, and the draft and the files given before survive it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals import services as workflow
from approvals.models import Attachment
from tests.approvals.conftest import ANSWERS, PDF, pdf

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def started(en, item, applicant):
    """A draft with its answers and one good file already given."""
    application = workflow.application_start(actor=applicant, item_code=item.code)
    workflow.application_save(application=application, actor=applicant, data=ANSWERS)
    material = application.item_version.materials.get()
    workflow.attachment_add(application=application, actor=applicant, material=material, upload=pdf("first.pdf"))
    en.force_login(applicant)
    return application, material


def _stored_files() -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()]


def _upload(en, application, material, *files):
    return en.post(reverse("apply_materials", args=[application.uid]), {"material": material.pk, "files": list(files)})


def _intact(application, applicant_files=("first.pdf",)):
    application.refresh_from_db()
    assert application.state == "draft"
    assert application.form_data == ANSWERS
    assert [a.original_name for a in application.attachments.all()] == list(applicant_files)
    assert len(_stored_files()) == len(applicant_files)


@pytest.mark.parametrize("content", [ELF, MZ], ids=["ELF", "MZ"])
def test_it_refuses_an_executable_named_pdf(en, started, content):
    application, material = started
    response = _upload(en, application, material, SimpleUploadedFile("license.pdf", content, "application/pdf"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "license.pdf: This file is not a real PDF, JPG, PNG file (its content was checked, not its name)." in page
    assert f'href="#files-{material.pk}"' in page and 'aria-invalid="true"' in page
    assert "first.pdf" in page  # the earlier file is still listed
    _intact(application)


def test_it_refuses_a_file_over_the_limit(en, started, settings):
    application, material = started
    settings.UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 1000, "application/pdf")
    response = _upload(en, application, material, big)
    assert response.status_code == 200
    page = response.content.decode()
    assert "big.pdf: The file is" in page and "the largest allowed is 1000\xa0bytes" in page
    assert "at most 1000\xa0bytes" in page  # the page states the configured limit
    _intact(application)


def test_it_keeps_the_good_files_of_a_mixed_upload(en, started):
    application, material = started
    response = _upload(
        en,
        application,
        material,
        SimpleUploadedFile("photo.png", PNG, "image/png"),
        SimpleUploadedFile("setup.pdf", MZ, "application/pdf"),
        SimpleUploadedFile("scan.jpg", JPEG, "image/jpeg"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 files uploaded." in page and "setup.pdf: This file is not a real" in page
    assert [(a.original_name, a.kind) for a in application.attachments.all()] == [
        ("first.pdf", "pdf"), ("photo.png", "png"), ("scan.jpg", "jpeg")
    ]


def test_it_asks_for_a_file_when_none_was_chosen(en, started):
    application, material = started
    response = _upload(en, application, material)
    assert response.status_code == 200
    assert "Choose a file to upload." in response.content.decode()
    _intact(application)


def test_the_file_is_stored_privately_under_a_name_of_our_own(en, started):
    application, material = started
    _upload(en, application, material, pdf("../../etc/passwd.pdf"))
    attachment = application.attachments.last()
    assert attachment.file.name.startswith(f"applications/{application.uid}/")
    assert "passwd" not in attachment.file.name and ".." not in attachment.file.name
    assert attachment.sha256 and attachment.size == len(PDF)


def test_a_file_is_removed_from_the_draft_and_from_storage(en, started):
    application, material = started
    attachment = application.attachments.get()
    response = en.post(reverse("apply_attachment_remove", args=[application.uid, attachment.pk]))
    assert response.status_code == 302
    assert not application.attachments.exists()
    assert _stored_files() == []


def test_removing_needs_a_post_and_an_attachment_of_this_application(en, started, item, outsider):
    application, material = started
    attachment = application.attachments.get()
    assert en.get(reverse("apply_attachment_remove", args=[application.uid, attachment.pk])).status_code == 405
    other = workflow.application_start(actor=outsider, item_code=item.code)
    other_file = workflow.attachment_add(application=other, actor=outsider, material=material, upload=pdf("theirs.pdf"))
    response = en.post(reverse("apply_attachment_remove", args=[application.uid, other_file.pk]))
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=other_file.pk).exists()


def test_a_material_of_another_item_is_refused(en, started, department):
    from services.services import MaterialInput
    from tests.services.factories import make_item, publish

    make_item(department, code="MKT-777", materials=[MaterialInput(name_zh="别的", name_en="Other")])
    publish()
    application, _material = started
    from services.models import Material

    foreign = Material.objects.filter(item_version__item__code="MKT-777").first()
    response = _upload(en, application, foreign, pdf())
    assert response.status_code == 404
    _intact(application)


def test_a_storage_that_fails_keeps_the_draft_and_says_so(en, started):
    """A full disk or an object store that is down: a clear message, not the error page."""
    from unittest import mock

    from django.core.files.storage import FileSystemStorage

    application, material = started
    with mock.patch.object(FileSystemStorage, "_save", side_effect=OSError(28, "No space left on device")):
        response = _upload(en, application, material, SimpleUploadedFile("second.pdf", PDF, "application/pdf"))
    assert response.status_code == 200
    assert "could not be stored just now" in response.content.decode()
    _intact(application)
    assert _upload(en, application, material, SimpleUploadedFile("second.pdf", PDF, "application/pdf")).status_code == 302
    _intact(application, ("first.pdf", "second.pdf"))
