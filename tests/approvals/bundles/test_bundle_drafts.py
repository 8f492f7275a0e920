"""What a bundle's form keeps between its steps: files checked by their content, kept under a name only
the session knows, and deleted once submitted, given up, or left behind longer than a session lives."""

import datetime
import os

import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.bundle_drafts import (
    bundle_drafts_forget,
    draft_add_files,
    draft_discard,
    draft_load,
    draft_save,
    draft_uploads,
)
from tests.approvals.conftest import NOW, PDF


def _pdf(name="a.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_a_file_is_kept_by_its_real_type_and_comes_back_for_the_submission(db):
    session = SessionStore()
    draft = draft_load(session, scope="online:1:self", code="BDL-1")
    problems = draft_add_files(draft, "公司章程", [_pdf(), SimpleUploadedFile("x.pdf", b"MZ\x90not", content_type="application/pdf")])
    draft_save(session, draft)

    assert len(problems) == 1 and "x.pdf" in problems[0]
    again = draft_load(session, scope="online:1:self", code="BDL-1")
    [kept] = again.files["公司章程"]
    assert kept.name == "a.pdf" and kept.kind == "pdf" and default_storage.exists(kept.path)
    [opened] = draft_uploads(again)["公司章程"]
    assert opened.read() == PDF and opened.name == "a.pdf"
    opened.close()

    draft_discard(session, again)
    assert not default_storage.exists(kept.path)
    assert not draft_load(session, scope="online:1:self", code="BDL-1").started


def test_files_left_behind_are_deleted_once_their_session_is_over(db, frozen_time):
    session = SessionStore()
    draft = draft_load(session, scope="online:1:self", code="BDL-1")
    draft_add_files(draft, "公司章程", [_pdf()])
    path = draft.files["公司章程"][0].path
    # The file system's clock is not the frozen one: the file is dated as uploaded now.
    os.utime(default_storage.path(path), (NOW.timestamp(), NOW.timestamp()))

    assert bundle_drafts_forget(at=NOW + datetime.timedelta(days=1)) == 0
    later = NOW + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later, tick=False):
        assert bundle_drafts_forget(at=later) == 1
    assert not default_storage.exists(path)
    assert draft_uploads(draft) == {"公司章程": []}  # the submission then asks for the file again
