"""Writes to the approval list, and the one guard every application channel calls.

List administrators change drafts (create, update, retire, restore) and
publish them; each change writes a ListChange row with the actor, the time and
the terms before and after. `actor=None` means a management command or the
demo seed, never a web request.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import StaffRole, User
from portal.permissions import require_role
from portal.uploads import PDF, check_upload, store_file
from services import bundles, public_cache, selectors, transfer
from services.models import (
    Department,
    FormField,
    FrequentQuestion,
    GuideFile,
    ImportJob,
    ItemVersion,
    LifeEvent,
    ListChange,
    ListEntry,
    ListVersion,
    Material,
    ServiceItem,
    guide_file_name,
    normalise_search_text,
)
from services.terms import (
    FAQ_FIELDS,
    FORM_FIELD_FIELDS,
    MATERIAL_FILES,
    TERM_FIELDS,
    MaterialInput,
    WrittenRows,
    terms_dict,
)

# The guard -------------------------------------------------------------------


class ItemNotOnList(ValidationError):
    """Raised for an item that is not on the published list: no application may start."""

    UNKNOWN = "unknown"
    DRAFT = "draft"
    RETIRED = "retired"

    def __init__(self, message, *, reason: str, code: str):
        super().__init__(message, code=reason)
        self.reason = reason
        self.item_code = code


def item_for_new_application(*, code: str, at: datetime | None = None, with_terms: bool = True) -> ItemVersion:
    """The terms under which an application for `code` may start now (or at `at`).

    This is the single gate of "no approval beyond the list" (清单之外无审批):
    every channel (web, window counter, API, admin action) calls it before it
    creates an application, and binds the application to the ItemVersion it
    returns. It raises ItemNotOnList for an unknown code, an item that was
    never published (a draft), and an item retired from the list.

    `with_terms=False` skips reading the terms (materials, fields, questions,
    events): for callers that only bind to the version or check its own fields.
    """
    at = at or timezone.now()
    code = (code or "").strip().upper()
    item = ServiceItem.objects.filter(code=code).first() if code else None
    if item is None:
        raise ItemNotOnList(
            _(
                "There is no item with the code “%(code)s” on the city's approval list. "
                "Only items on the published list can be applied for."
            )
            % {"code": code or "—"},
            reason=ItemNotOnList.UNKNOWN,
            code=code,
        )
    current = ListVersion.objects.current(at=at)
    versions = ItemVersion.objects.on_list(current).filter(item=item)
    version = (versions.with_terms() if with_terms else versions.select_related("item")).first()
    if version is not None:
        return version
    last = (
        ListEntry.objects.filter(item=item, list_version__published_at__lte=at)
        .select_related("item_version", "list_version")
        .order_by("-list_version__number")
        .first()
    )
    if last is None:
        raise ItemNotOnList(
            _(
                "The item “%(code)s” is not on the published approval list yet, so no application "
                "can be started for it."
            )
            % {"code": code},
            reason=ItemNotOnList.DRAFT,
            code=code,
        )
    raise ItemNotOnList(
        _(
            "“%(name)s” was removed from the approval list in version %(version)s. "
            "It no longer accepts applications."
        )
        % {"name": last.item_version.name, "version": last.list_version.number + 1},
        reason=ItemNotOnList.RETIRED,
        code=code,
    )


# Drafts ----------------------------------------------------------------------


def _require_list_admin(actor: User | None, department: Department) -> None:
    if actor is not None:
        require_role(actor, StaffRole.Role.LIST_ADMIN, department=department)


def _audit(*, action, actor, at, item=None, list_version=None, before=None, after=None, note="") -> None:
    ListChange.objects.create(
        action=action,
        item=item,
        list_version=list_version,
        actor=actor,
        at=at,
        before=before,
        after=after,
        note=note[:300],
    )


def _draft_for_update(item: ServiceItem) -> ItemVersion:
    draft = ItemVersion.objects.select_for_update().filter(item=item, published_in__isnull=True).first()
    if draft is None:  # every item is created with its draft; this is a broken row
        raise ValidationError(_("This item has no draft."))
    return ItemVersion.objects.with_terms().get(pk=draft.pk)


def _search_text(item: ServiceItem, version: ItemVersion) -> str:
    parts = [
        item.code,
        version.name_zh,
        version.name_en,
        version.description_zh,
        version.description_en,
        version.keywords,
    ]
    return normalise_search_text(" ".join(parts))


# A blank form or a filled sample is a short PDF; a scan of many pages belongs elsewhere.
GUIDE_FILE_MAX_BYTES = 5 * 1024 * 1024


def guide_file_store(upload, *, at: datetime | None = None) -> GuideFile:
    """Check an uploaded blank form or sample (a real PDF, not too large) and store it once by its content.

    The same content uploaded twice is one row and one file; a different
    content is a new row, so a published snapshot's file never changes.
    """
    at = at or timezone.now()
    check_upload(upload, allowed=(PDF,), max_bytes=GUIDE_FILE_MAX_BYTES)
    upload.seek(0)
    data = upload.read()
    digest = hashlib.sha256(data).hexdigest()
    existing = GuideFile.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    name = guide_file_name(digest)
    if not default_storage.exists(name):  # left by an upload whose transaction rolled back: the same bytes
        name = store_file(name, ContentFile(data))
    try:
        with transaction.atomic():
            return GuideFile.objects.create(sha256=digest, size=len(data), file=name, uploaded_at=at)
    except IntegrityError:  # the same file, stored by someone else at the same moment
        return GuideFile.objects.get(sha256=digest)


def _guide_file(value, *, at) -> GuideFile | None:
    if value is None or value is False or isinstance(value, GuideFile):
        return value or None
    return guide_file_store(value, at=at)


def _write_draft(
    draft: ItemVersion,
    *,
    terms: dict,
    events: Iterable[LifeEvent],
    materials: list[MaterialInput],
    fields: list[dict],
    faq: list[dict],
    at,
) -> WrittenRows:
    unknown = set(terms) - set(TERM_FIELDS) - {"license_type"}
    if unknown:
        raise TypeError(f"unknown terms: {sorted(unknown)}")
    for name, value in terms.items():
        setattr(draft, name, value.strip() if isinstance(value, str) else value)
    draft.search_text = _search_text(draft.item, draft)
    draft.updated_at = at
    draft.full_clean()
    new = draft._state.adding
    draft.save()
    events = list(events)
    draft.events.set(events)

    material_rows = []
    for position, material in enumerate(materials, start=1):
        row = Material(
            item_version=draft,
            position=position,
            name_zh=(material.name_zh or "").strip(),
            name_en=(material.name_en or "").strip(),
            required=material.required,
        )
        try:
            row.full_clean(exclude=["item_version", *MATERIAL_FILES])
            for name, label in ((MATERIAL_FILES[0], _("blank form")), (MATERIAL_FILES[1], _("filled sample"))):
                try:
                    setattr(row, name, _guide_file(getattr(material, name), at=at))
                except ValidationError as exc:
                    raise ValidationError(
                        _("%(what)s: %(errors)s") % {"what": label, "errors": " ".join(exc.messages)}
                    ) from None
        except ValidationError as exc:
            raise ValidationError(
                {"materials": _("Material %(n)s: %(errors)s") % {"n": position, "errors": " ".join(exc.messages)}}
            ) from None
        material_rows.append((row, list(material.stand_ins)))
    field_rows = []
    keys = set()
    for position, values in enumerate(fields, start=1):
        unknown = set(values) - set(FORM_FIELD_FIELDS)
        if unknown:
            raise TypeError(f"unknown form-field settings: {sorted(unknown)}")
        row = FormField(item_version=draft, position=position, **values)
        try:
            row.full_clean(exclude=["item_version"], validate_constraints=False)
            if row.key in keys:
                raise ValidationError({"key": _("Each question needs its own key.")})
        except ValidationError as exc:
            raise ValidationError(
                {"fields": _("Question %(n)s: %(errors)s") % {"n": position, "errors": " ".join(exc.messages)}}
            ) from None
        keys.add(row.key)
        field_rows.append(row)
    faq_rows = []
    for position, values in enumerate(faq, start=1):
        unknown = set(values) - set(FAQ_FIELDS)
        if unknown:
            raise TypeError(f"unknown FAQ settings: {sorted(unknown)}")
        row = FrequentQuestion(
            item_version=draft, position=position, **{name: (values.get(name) or "").strip() for name in FAQ_FIELDS}
        )
        try:
            row.full_clean(exclude=["item_version"])
        except ValidationError as exc:
            raise ValidationError(
                {"faq": _("FAQ %(n)s: %(errors)s") % {"n": position, "errors": " ".join(exc.messages)}}
            ) from None
        faq_rows.append(row)

    if not new:  # a draft being changed: its rows are written anew
        draft.materials.all().delete()
        draft.fields.all().delete()
        draft.faq.all().delete()
    created = Material.objects.bulk_create([row for row, _stand_ins in material_rows])
    Through = Material.stand_ins.through
    Through.objects.bulk_create(
        [
            Through(material_id=row.pk, licensetype_id=license.pk)
            for row, (_unsaved, stand_ins) in zip(created, material_rows, strict=True)
            for license in stand_ins
        ]
    )
    FormField.objects.bulk_create(field_rows)
    FrequentQuestion.objects.bulk_create(faq_rows)
    return WrittenRows(events=events, materials=material_rows, fields=field_rows, faq=faq_rows)


class _Unchanged(Exception):
    pass


def _fresh_terms(draft: ItemVersion) -> dict:
    return terms_dict(ItemVersion.objects.with_terms().get(pk=draft.pk))


@transaction.atomic
def item_create(
    *,
    actor: User | None,
    code: str,
    department: Department,
    terms: dict,
    events: Iterable[LifeEvent] = (),
    materials: list[MaterialInput] = (),
    fields: list[dict] = (),
    faq: list[dict] = (),
    at: datetime | None = None,
) -> ServiceItem:
    """Add a new item to the draft list of `department`. It is public once published."""
    at = at or timezone.now()
    _require_list_admin(actor, department)
    item = ServiceItem(code=(code or "").strip().upper(), department=department, created_at=at)
    item.full_clean()
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        raise ValidationError({"code": _("An item with this code already exists.")}) from None
    draft = ItemVersion(item=item, updated_at=at)
    written = _write_draft(
        draft, terms=terms, events=events, materials=list(materials), fields=list(fields), faq=list(faq), at=at
    )
    # Built from the rows just validated and written, not read back (a third of this function's time).
    _audit(action=ListChange.Action.CREATE, actor=actor, at=at, item=item, after=terms_dict(draft, written=written))
    return item


@transaction.atomic
def item_update(
    *,
    actor: User | None,
    item: ServiceItem,
    terms: dict,
    events: Iterable[LifeEvent] = (),
    materials: list[MaterialInput] = (),
    fields: list[dict] = (),
    faq: list[dict] = (),
    revision: int | None = None,
    at: datetime | None = None,
) -> ItemVersion:
    """Change the draft of `item`. The published list is untouched until the next publication.

    With `revision` (the draft revision the editor started from), a draft that
    someone else changed meanwhile is refused rather than overwritten.
    """
    at = at or timezone.now()
    _require_list_admin(actor, item.department)
    draft = _draft_for_update(item)
    if revision is not None and revision != draft.revision:
        raise ValidationError(
            _("Someone else changed this item while you were editing it. Reload the page to see their change.")
        )
    before = terms_dict(draft)
    try:
        with transaction.atomic():
            _write_draft(
                draft, terms=terms, events=events, materials=list(materials), fields=list(fields), faq=list(faq), at=at
            )
            after = _fresh_terms(draft)
            if after == before:
                raise _Unchanged
    except _Unchanged:  # saving the same terms again: no new revision, no audit row
        return ItemVersion.objects.with_terms().get(pk=draft.pk)
    ItemVersion.objects.filter(pk=draft.pk).update(revision=draft.revision + 1)
    draft.revision += 1
    _audit(action=ListChange.Action.UPDATE, actor=actor, at=at, item=item, before=before, after=after)
    return draft


def _set_status(*, actor, item: ServiceItem, status: str, action: str, at) -> ItemVersion:
    at = at or timezone.now()
    _require_list_admin(actor, item.department)
    draft = _draft_for_update(item)
    if draft.status == status:
        return draft
    before = terms_dict(draft)
    draft.status = status
    draft.revision += 1
    draft.updated_at = at
    draft.save(update_fields=["status", "revision", "updated_at"])
    _audit(action=action, actor=actor, at=at, item=item, before=before, after={**before, "status": status})
    return draft


@transaction.atomic
def item_retire(*, actor: User | None, item: ServiceItem, at: datetime | None = None) -> ItemVersion:
    """Mark the draft retired: the next publication takes the item off the list."""
    return _set_status(
        actor=actor, item=item, status=ItemVersion.Status.RETIRED, action=ListChange.Action.RETIRE, at=at
    )


@transaction.atomic
def item_restore(*, actor: User | None, item: ServiceItem, at: datetime | None = None) -> ItemVersion:
    """Undo a retirement in the draft: the next publication lists the item again."""
    return _set_status(
        actor=actor, item=item, status=ItemVersion.Status.ACTIVE, action=ListChange.Action.RESTORE, at=at
    )


# Publishing ------------------------------------------------------------------


def _snapshots(drafts: list[ItemVersion], *, list_version: ListVersion) -> dict[int, ItemVersion]:
    """Copy each draft, with its events, materials and form fields, into `list_version`.

    Bulk inserts keep this at a handful of queries whatever the number of items.
    """
    copies = ItemVersion.objects.bulk_create(
        [
            ItemVersion(
                item_id=draft.item_id,
                published_in=list_version,
                status=ItemVersion.Status.ACTIVE,
                revision=draft.revision,
                license_type_id=draft.license_type_id,
                search_text=draft.search_text,
                updated_at=draft.updated_at,
                **{name: getattr(draft, name) for name in TERM_FIELDS},
            )
            for draft in drafts
        ]
    )
    EventThrough = ItemVersion.events.through
    EventThrough.objects.bulk_create(
        [
            EventThrough(itemversion_id=copy.pk, lifeevent_id=event.pk)
            for draft, copy in zip(drafts, copies, strict=True)
            for event in draft.events.all()
        ]
    )
    pairs = [(material, copy) for draft, copy in zip(drafts, copies, strict=True) for material in draft.materials.all()]
    materials = Material.objects.bulk_create(
        [
            Material(
                item_version=copy,
                position=material.position,
                name_zh=material.name_zh,
                name_en=material.name_en,
                required=material.required,
                # The same stored files: they are never changed, only replaced by new ones in a draft.
                blank_form_id=material.blank_form_id,
                sample_id=material.sample_id,
            )
            for material, copy in pairs
        ]
    )
    StandInThrough = Material.stand_ins.through
    StandInThrough.objects.bulk_create(
        [
            StandInThrough(material_id=new.pk, licensetype_id=license.pk)
            for (old, _copy), new in zip(pairs, materials, strict=True)
            for license in old.stand_ins.all()
        ]
    )
    FormField.objects.bulk_create(
        [
            FormField(item_version=copy, position=f.position, **{name: getattr(f, name) for name in FORM_FIELD_FIELDS})
            for draft, copy in zip(drafts, copies, strict=True)
            for f in draft.fields.all()
        ]
    )
    FrequentQuestion.objects.bulk_create(
        [
            FrequentQuestion(item_version=copy, position=q.position, **{name: getattr(q, name) for name in FAQ_FIELDS})
            for draft, copy in zip(drafts, copies, strict=True)
            for q in draft.faq.all()
        ]
    )
    return {copy.item_id: copy for copy in copies}


@transaction.atomic
def list_publish(
    *,
    actor: User | None,
    note: str,
    departments: Iterable[Department] | None = None,
    at: datetime | None = None,
) -> ListVersion:
    """Publish the drafts of `departments` as the next list version, N + 1.

    A list administrator publishes their own departments' drafts; every other
    department's items carry over unchanged. `departments=None` publishes all
    of them and is for management commands and the demo seed only.
    """
    at = at or timezone.now()
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what this version changes: the note is published with it.")})
    if departments is None:
        if actor is not None:
            raise ValidationError(_("Choose the departments to publish."))
        departments = list(Department.objects.serving())
    departments = list(departments)
    for department in departments:
        _require_list_admin(actor, department)
    department_ids = [d.pk for d in departments]

    previous = ListVersion.objects.select_for_update().order_by("-number").first()
    changes = selectors.pending_changes(department_ids=department_ids, list_version=previous)
    bundle_changes = bundles.bundle_pending_changes(department_ids=department_ids, list_version=previous)
    if not changes and not bundle_changes:
        raise ValidationError(_("There are no changes to publish."))
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in ("added", "changed", "retired")}
    if previous is not None:
        at = max(at, previous.published_at)
    try:
        with transaction.atomic():
            version = ListVersion.objects.create(
                number=previous.number + 1 if previous else 1,
                note=note,
                published_at=at,
                published_by=actor,
                total=(previous.total if previous else 0) + counts["added"] - counts["retired"],
                **counts,
            )
    except IntegrityError:
        raise ValidationError(_("Another version was published at the same moment. Check the changes and publish again.")) from None
    version.departments.set(departments)
    # The public pages are keyed by the list version in force: forget the cached one now, and
    # again once this commits (a page asked for in between would have kept the old one).
    public_cache.forget_list_stamp()
    transaction.on_commit(public_cache.forget_list_stamp)

    replaced = {c.item.pk for c in changes if c.kind in ("changed", "retired")}
    snapshots = _snapshots([c.after for c in changes if c.kind in ("added", "changed")], list_version=version)
    carried = (
        ListEntry.objects.filter(list_version=previous).exclude(item_id__in=replaced).values_list("item_id", "item_version_id")
        if previous
        else []
    )
    ListEntry.objects.bulk_create(
        [ListEntry(list_version=version, item_id=item_id, item_version_id=v) for item_id, v in carried]
        + [ListEntry(list_version=version, item_id=item_id, item_version=v) for item_id, v in snapshots.items()]
    )
    # The bundles after the items: each is checked against the items this version lists.
    bundles.bundles_publish(list_version=version, previous=previous, changes=bundle_changes, actor=actor, at=at)
    _audit(
        action=ListChange.Action.PUBLISH,
        actor=actor,
        at=at,
        list_version=version,
        after={
            "version": version.number,
            "note": note,
            "departments": sorted(d.code for d in departments),
            **{kind: sorted(c.item.code for c in changes if c.kind == kind) for kind in counts},
            **(
                {"bundles": {c.bundle.code: c.kind for c in bundle_changes}} if bundle_changes else {}
            ),
        },
        note=note,
    )
    return version


# Import ----------------------------------------------------------------------

# Uploads with more rows than this are imported by a Celery worker while the
# page shows progress; smaller ones are imported during the request.
IMPORT_INLINE_MAX_ROWS = 100


def import_start(
    *,
    actor: User | None,
    file_name: str,
    data: bytes,
    background: bool | None = None,
    progress=None,
    at: datetime | None = None,
) -> ImportJob:
    """Check and import an uploaded list (CSV or XLSX), all or nothing.

    A file that cannot be read at all raises ValidationError. Otherwise an
    ImportJob records the outcome: imported, or rejected with every bad row.
    `background=None` sends large files to the worker.
    """
    at = at or timezone.now()
    if actor is not None and not selectors.list_admin_departments(actor):
        require_role(actor, StaffRole.Role.LIST_ADMIN)
    file_format, rows = transfer.read_upload(data)
    job = ImportJob.objects.create(
        actor=actor,
        file_name=(file_name or "")[-200:],
        file_format=file_format,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        total_rows=len(rows),
        created_at=at,
    )
    if background is None:
        background = len(rows) > IMPORT_INLINE_MAX_ROWS
    if not background:
        import_run(job=job, rows=rows, progress=progress, at=at)
        job.refresh_from_db()
        return job
    job.stored_file = store_file(f"list-imports/{job.pk}.{file_format}", ContentFile(data))
    job.save(update_fields=["stored_file"])
    # By name: the task module imports this one, not the other way round.
    transaction.on_commit(lambda: current_app.signature("services.tasks.run_list_import", args=(job.pk,)).delay())
    return job


def import_run(*, job: ImportJob, rows=None, progress=None, at: datetime | None = None) -> None:
    """Run a pending import job once: check every row, then save all of them or none.

    Progress is written to the job row as rows are checked, outside the saving
    transaction, so that the upload page can show it.
    """
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.CHECKING
    )
    if not claimed:  # another worker has it, or it is finished
        return
    job.refresh_from_db()
    at = at or timezone.now()
    try:
        with translation.override(job.language):
            outcome = _import_check_and_save(job, rows=rows, progress=progress, at=at)
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            finished_at=timezone.now(),
            errors=[{"line": None, "field": "", "message": _("The import stopped with an error. Nothing was imported.")}],
        )
        raise
    finally:
        if job.stored_file:
            default_storage.delete(job.stored_file)
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), **outcome)


def _import_check_and_save(job: ImportJob, *, rows, progress, at) -> dict:
    if rows is None:
        with default_storage.open(job.stored_file, "rb") as stored:
            _format, rows = transfer.read_upload(stored.read())

    def report(count):
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=count)
        if progress:
            progress(count, len(rows))

    parsed, errors = transfer.check_rows(rows, actor=job.actor, progress=report)
    if errors:
        return {"status": ImportJob.Status.REJECTED, "errors": [e.as_dict() for e in errors]}
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SAVING)
    try:
        with transaction.atomic():
            created, changed = _import_apply(parsed, actor=job.actor, at=at)
    except ValidationError as exc:  # e.g. a role withdrawn while the job waited
        return {
            "status": ImportJob.Status.FAILED,
            "errors": [{"line": None, "field": "", "message": " ".join(exc.messages)}],
        }
    return {"status": ImportJob.Status.DONE, "created": created, "updated": changed}


def _import_apply(rows: list[transfer.ParsedRow], *, actor, at) -> tuple[int, int]:
    """Create or update the draft of every checked row. Call inside a transaction; returns (created, changed)."""
    created = changed = 0
    for row in rows:
        if row.item is not None:
            _keep_guide_files(row.materials, item=row.item)
        arguments = {
            "terms": row.terms,
            "events": row.events,
            "materials": row.materials,
            "fields": row.fields,
            "faq": row.faq,
            "at": at,
        }
        if row.item is None:
            item = item_create(actor=actor, code=row.code, department=row.department, **arguments)
            created += 1
        else:
            item = row.item
            before = ItemVersion.objects.drafts().get(item=item).revision
            draft = item_update(actor=actor, item=item, **arguments)
            changed += draft.revision != before
        if row.status == ItemVersion.Status.RETIRED:
            item_retire(actor=actor, item=item, at=at)
        elif row.item is not None:
            item_restore(actor=actor, item=item, at=at)
    return created, changed


def _keep_guide_files(materials: list[MaterialInput], *, item: ServiceItem) -> None:
    """A spreadsheet carries no files: each imported material keeps the blank form and sample
    that the draft's material of the same Chinese name has."""
    current = {
        m.name_zh: m for m in Material.objects.filter(item_version__item=item, item_version__published_in__isnull=True)
    }
    for material in materials:
        held = current.get(material.name_zh)
        if held is not None:
            material.blank_form = material.blank_form or held.blank_form
            material.sample = material.sample or held.sample
