"""The one form of a bundle, as the online pages and the window show it.

Both channels ask the same: every member's questions once
(`approvals.bundles.bundle_form_class`), the optional members to choose, one
upload per shared material, then a check page with the declaration. What is
given is kept between the steps by `approvals.bundle_drafts`; the rules (the
answers each member needs, the materials, the list) are checked again by
`bundle_submit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals.bundle_drafts import BundleDraft, draft_add_files, draft_answers, draft_remove_file
from approvals.bundles import MemberResult, bundle_form_class, bundle_summary
from approvals.documents.selectors import documents_of
from approvals.workflow import State
from services.bundles import BundleTerms, MaterialGroup, MemberTerms


@dataclass
class GroupRow:
    """One material asked for once, with the members that need it and the files kept for it."""

    index: int
    group: MaterialGroup
    needed_by: list[str]
    files: list = field(default_factory=list)
    stand_in: str = ""  # the held license chosen in place of a file
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.group.first.name


@dataclass
class BundlePage:
    terms: BundleTerms
    form: forms.Form
    groups: list[GroupRow]
    choosable: list[MemberTerms]  # optional members the applicant ticks
    conditional: list[tuple[MemberTerms, str]]  # optional members included by an answer, with its question
    chosen: list[str]
    errors: list[tuple[str, str]]  # (message, anchor) for the error summary

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)


def _labels(terms: BundleTerms) -> dict[str, str]:
    return {f.key: f.label for f in terms.fields}


def bundle_page(terms: BundleTerms, draft: BundleDraft, *, initial: dict, bound: bool) -> BundlePage:
    """The form page from what the draft keeps: bound (showing errors) once something was sent."""
    form_class = bundle_form_class(terms)
    form = form_class(data=draft.answers) if bound else form_class(initial={**initial, **draft.answers})
    names = {m.item_version.pk: m.item_version.name for m in terms.members}
    groups = [
        GroupRow(
            index=n,
            group=group,
            needed_by=[names[m.item_version_id] for m in group.materials if m.item_version_id in names],
            files=draft.files_for(group.key),
            stand_in=draft.stand_ins.get(group.key, ""),
        )
        for n, group in enumerate(terms.materials)
    ]
    optional = [m for m in terms.members if not m.member.required]
    return BundlePage(
        terms=terms,
        form=form,
        groups=groups,
        choosable=[m for m in optional if not m.member.condition_key],
        conditional=[
            (m, _labels(terms).get(m.member.condition_key, m.member.condition_key)) for m in optional if m.member.condition_key
        ],
        chosen=list(draft.chosen),
        errors=[],
    )


def bundle_take(terms: BundleTerms, draft: BundleDraft, data, files) -> dict[int, list[str]]:
    """Keep what the form sent in the draft: answers, choices, and each new file (checked).

    Returns the refused files' messages by material group. A "remove"
    button ("<group>:<n>") takes one kept file away.
    """
    keys = [f.key for f in terms.fields]
    codes = {m.code for m in terms.members if not m.member.required and not m.member.condition_key}
    draft_answers(draft, data, keys, chosen=[c for c in data.getlist("chosen") if c in codes])
    refused = {}
    for n, group in enumerate(terms.materials):
        chosen_license = (data.get(f"license-{n}") or "").strip()
        if chosen_license.isdigit():
            draft.stand_ins[group.key] = chosen_license
        elif f"license-{n}" in data:
            draft.stand_ins.pop(group.key, None)
        uploads = files.getlist(f"files-{n}")
        if uploads:
            problems = draft_add_files(draft, group.key, uploads)
            if problems:
                refused[n] = problems
    remove = data.get("remove", "")
    group_index, _sep, file_index = remove.partition(":")
    if group_index.isdigit() and file_index.isdigit() and int(group_index) < len(terms.materials):
        draft_remove_file(draft, terms.materials[int(group_index)].key, int(file_index))
    return refused


def bundle_problems(page: BundlePage, refused: dict[int, list[str]]) -> list[tuple[str, str]]:
    """Everything on the form page that stops going on to the check: answers, refused files, missing materials."""
    problems = []
    form = page.form
    valid = form.is_valid()
    labels = _labels(page.terms)
    for key, errors in form.errors.items():
        for error in errors:
            label = labels.get(key)
            problems.append((f"{label}: {error}" if label else str(error), f"#id_{key}"))
    answers = form.cleaned_data if valid else {}
    included = {m.item_version.pk for m in page.terms.included(answers, page.chosen)} if valid else None
    for row in page.groups:
        row.errors = list(refused.get(row.index, []))
        needed = any(m.required and (included is None or m.item_version_id in included) for m in row.group.materials)
        if needed and not row.files and not row.stand_in and not row.errors and valid:
            row.errors.append(_("Upload “%(material)s”.") % {"material": row.name})
        problems += [(error, f"#files-{row.index}") for error in row.errors]
    return problems


@dataclass
class CheckRow:
    key: str
    label: str
    value: str


def _shown(form: forms.Form, key: str, value) -> str:
    definition = form.fields[key]
    if isinstance(definition, forms.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(definition, forms.ChoiceField):
        choices = dict(definition.choices)
        return str(choices.get(value, value) or "")
    return "" if value is None else str(value)


def check_rows(form: forms.Form) -> list[CheckRow]:
    """The answers as the check page shows them (a valid, bound form)."""
    return [CheckRow(key, str(form.fields[key].label), _shown(form, key, form.cleaned_data.get(key))) for key in form.fields]


def submit_errors(exc) -> tuple[str, list[str]]:
    """A refused submission: the declaration's message, and every other message."""
    if hasattr(exc, "error_dict"):
        raised = exc.message_dict
        declaration = " ".join(raised.pop("declaration", []))
        return declaration, [message for messages in raised.values() for message in messages]
    return "", list(exc.messages)


DECISION_KINDS = ("grant", "refusal", "non_acceptance")


def bundle_context(bundle) -> dict:
    """What the applicant's (and the window's) page of a bundle shows."""
    try:
        summary = bundle_summary(bundle)
    except ValidationError:  # the calendar does not reach these dates yet: the members still show
        summary = None
    members = (
        summary.members
        if summary
        else [MemberResult(m, []) for m in bundle.members.select_related("item_version__item", "department").order_by("id")]
    )
    decisions = []
    for member in members:
        for document in documents_of(member.application):
            if document.kind in DECISION_KINDS:
                decisions.append((member.application, document))
    events = sorted(
        (
            (event, member.application)
            for member in members
            for event in member.application.events.all()
        ),
        key=lambda pair: (pair[0].at, pair[0].pk),
    )
    return {
        "bundle": bundle,
        "summary": summary,
        "members": members,
        "decisions": decisions,
        "events": events,
        "notices": list(bundle.notices.all()),
        "waiting_state": State.DRAFT,
    }
