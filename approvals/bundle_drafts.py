"""What someone has given for a bundle before it is submitted: answers, choices and files.

`approvals.bundles.bundle_submit` makes everything at once and keeps no
draft, so the pages (online and at the window) keep what was given between
their steps in the session: the answers as they were typed, the optional
members chosen, and each file, checked by its real type and size
(`portal.uploads.check_upload`, as every upload) and put in the private
storage under a name only this session knows. A page with an error keeps
all of it; the submission reads the files back, and they are deleted once
the bundle is submitted or the draft is given up; the files of drafts
nobody came back to are deleted with their sessions (`bundle_drafts_forget`).
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from portal.uploads import DOCUMENTS, check_upload, store_file

SESSION_KEY = "bundle-drafts"
FOLDER = "bundle-drafts"


@dataclass
class StoredFile:
    path: str
    name: str
    size: int
    kind: str


@dataclass
class BundleDraft:
    """One draft, named by where it is made (`scope`) and the bundle's code."""

    key: str
    answers: dict = field(default_factory=dict)
    chosen: list = field(default_factory=list)
    files: dict[str, list[StoredFile]] = field(default_factory=dict)
    stand_ins: dict[str, str] = field(default_factory=dict)  # material's Chinese name → a held license's id
    token: str = ""
    sent: bool = False  # the form was sent once (a bundle may ask no question and no material)

    @property
    def started(self) -> bool:
        return bool(self.sent or self.answers or self.files)

    def files_for(self, group_key: str) -> list[StoredFile]:
        return self.files.get(group_key, [])


def draft_load(session, *, scope: str, code: str) -> BundleDraft:
    key = f"{scope}:{code}"
    stored = session.get(SESSION_KEY, {}).get(key) or {}
    return BundleDraft(
        key=key,
        answers=stored.get("answers", {}),
        chosen=stored.get("chosen", []),
        files={group: [StoredFile(**f) for f in files] for group, files in stored.get("files", {}).items()},
        stand_ins=stored.get("stand_ins", {}),
        token=stored.get("token") or uuid.uuid4().hex,
        sent=bool(stored.get("sent")),
    )


def draft_save(session, draft: BundleDraft) -> None:
    drafts = dict(session.get(SESSION_KEY, {}))
    drafts[draft.key] = {
        "answers": draft.answers,
        "chosen": draft.chosen,
        "files": {group: [f.__dict__ for f in files] for group, files in draft.files.items() if files},
        "stand_ins": draft.stand_ins,
        "token": draft.token,
        "sent": draft.sent,
    }
    session[SESSION_KEY] = drafts


def draft_answers(draft: BundleDraft, data, keys, *, chosen) -> None:
    """Keep the answers as typed (a list for a question with several values) and the choices."""
    answers = {}
    for key in keys:
        values = data.getlist(key) if hasattr(data, "getlist") else [data.get(key, "")]
        values = [v for v in values if v is not None]
        answers[key] = values if len(values) > 1 else (values[0] if values else "")
    draft.answers = answers
    draft.chosen = sorted(set(chosen))
    draft.sent = True


def draft_add_files(draft: BundleDraft, group_key: str, uploads) -> list[str]:
    """Check and keep `uploads` for one material; return a message for each file refused."""
    problems = []
    for upload in uploads:
        try:
            kind = check_upload(upload, allowed=DOCUMENTS)
            path = store_file(f"{FOLDER}/{draft.token}/{uuid.uuid4().hex}", upload)
        except ValidationError as exc:
            problems.append(_("%(file)s: %(problem)s") % {"file": upload.name, "problem": " ".join(exc.messages)})
            continue
        draft.files.setdefault(group_key, []).append(
            StoredFile(path=path, name=(upload.name or "file")[-200:], size=upload.size, kind=kind.name)
        )
    return problems


def draft_remove_file(draft: BundleDraft, group_key: str, index: int) -> StoredFile | None:
    files = draft.files.get(group_key, [])
    if not 0 <= index < len(files):
        return None
    removed = files.pop(index)
    default_storage.delete(removed.path)
    return removed


def draft_uploads(draft: BundleDraft) -> dict[str, list[File]]:
    """The kept files, opened for `bundle_submit` (material's Chinese name → files)."""
    opened = {}
    for group, files in draft.files.items():
        # A file deleted meanwhile (bundle_drafts_forget) is missing: the submission then asks for it.
        opened[group] = [File(default_storage.open(f.path, "rb"), name=f.name) for f in files if default_storage.exists(f.path)]
    return opened


def draft_close(files: dict[str, list[File]]) -> None:
    for group in files.values():
        for each in group:
            each.close()


def draft_discard(session, draft: BundleDraft) -> None:
    """Forget the draft and delete its kept files."""
    for files in draft.files.values():
        for stored in files:
            default_storage.delete(stored.path)
    drafts = dict(session.get(SESSION_KEY, {}))
    drafts.pop(draft.key, None)
    session[SESSION_KEY] = drafts


def bundle_drafts_forget(*, at: datetime.datetime) -> int:
    """Delete the kept files older than a session can live (their drafts are gone); return how many."""
    oldest = at - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    deleted = 0
    try:
        folders, _files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    for folder in folders:
        _sub, names = default_storage.listdir(f"{FOLDER}/{folder}")
        for name in names:
            path = f"{FOLDER}/{folder}/{name}"
            if default_storage.get_modified_time(path) < oldest:
                default_storage.delete(path)
                deleted += 1
    return deleted
