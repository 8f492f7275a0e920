"""Bundles on the approval list ("get one thing done", 高效办成一件事): drafts, publication, the guard.

A bundle is edited and published like an item: the list administrators of
its lead department change its draft (every change writes a `ListChange`
row with the terms before and after), and `services.services.list_publish`
publishes it with the list version, through `bundles_publish`, in the same
transaction. A bundle is published only when every member item is on the
list version being published, and only with a promise no longer than its
members' longest chain of promised limits (the critical path).

`bundle_for_new_application` is the bundle's guard, as
`item_for_new_application` is the item's: every channel calls it before a
bundle application is made, and `bundle_terms` resolves the members to the
item snapshots on the list then, merging their questions (by key) and their
materials (by Chinese name) so that each is asked for once.

This module reads the list itself and never imports `services.services`
(which imports it to publish).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import StaffRole, User
from portal.permissions import require_role
from services.models import (
    Bundle,
    BundleEntry,
    BundleMember,
    BundleVersion,
    Department,
    FormField,
    ItemVersion,
    LifeEvent,
    ListChange,
    ListVersion,
    Material,
    ServiceItem,
)

BUNDLE_TERM_FIELDS = ("name_zh", "name_en", "promised_limit_days")


class BundleNotOnList(ValidationError):
    """Raised for a bundle that is not on the published list: no bundle application may be made."""

    UNKNOWN = "unknown"
    DRAFT = "draft"
    RETIRED = "retired"
    MEMBER_OFF_LIST = "member_off_list"

    def __init__(self, message, *, reason: str, code: str):
        super().__init__(message, code=reason)
        self.reason = reason
        self.bundle_code = code


@dataclass
class MemberInput:
    """One member as a list administrator gives it: the item, and how it takes part."""

    item_code: str
    required: bool = True
    condition_key: str = ""
    condition_value: str = ""
    after_code: str = ""


# -- the terms, for the audit trail and for comparing a draft with the list ----------------------


def bundle_terms_dict(version: BundleVersion) -> dict:
    """The terms of a bundle version as plain data (the audit trail's before and after)."""
    return {
        "code": version.bundle.code,
        "status": version.status,
        **{name: getattr(version, name) for name in BUNDLE_TERM_FIELDS},
        "event": version.event.code,
        "members": [
            {
                "item": member.item.code,
                "required": member.required,
                "condition_key": member.condition_key,
                "condition_value": member.condition_value,
                "after": member.after.code if member.after_id else "",
            }
            for member in version.members.all()
        ],
    }


def critical_path_days(members: Iterable[BundleMember], promised: dict[int, int]) -> int:
    """The longest chain of promised limits through the members' order (`promised`: item id → days).

    A member that starts after another adds its limit to that one's chain.
    """
    members = list(members)
    after = {m.item_id: m.after_id for m in members}
    memo: dict[int, int] = {}

    def chain(item_id: int, seen: frozenset = frozenset()) -> int:
        if item_id in memo:
            return memo[item_id]
        if item_id in seen:  # a cycle: refused when the draft is written, never published
            raise ValidationError(_("The order of the members goes round in a circle."))
        before = after.get(item_id)
        days = promised.get(item_id, 0) + (chain(before, seen | {item_id}) if before in after else 0)
        memo[item_id] = days
        return days

    return max((chain(m.item_id) for m in members), default=0)


# -- drafts ------------------------------------------------------------------------------------------


def _require_list_admin(actor: User | None, department: Department) -> None:
    if actor is not None:
        require_role(actor, StaffRole.Role.LIST_ADMIN, department=department)


def _audit(*, action, actor, at, bundle, before=None, after=None, list_version=None, note="") -> None:
    ListChange.objects.create(
        action=action, bundle=bundle, actor=actor, at=at, before=before, after=after, list_version=list_version, note=note[:300]
    )


def _member_rows(draft: BundleVersion, members: list[MemberInput]) -> list[BundleMember]:
    """The members checked as a whole: known items, each once, an order that names members and has no circle."""
    if not members:
        raise ValidationError({"members": _("A bundle needs at least two items.")})
    codes = [(m.item_code or "").strip().upper() for m in members]
    items = {item.code: item for item in ServiceItem.objects.filter(code__in=codes)}
    errors = []
    for n, code in enumerate(codes, start=1):
        if code not in items:
            errors.append(_("Member %(n)s: there is no item with the code “%(code)s”.") % {"n": n, "code": code or "—"})
    if len(set(codes)) != len(codes):
        errors.append(_("Each item can be a member only once."))
    if len(set(codes)) < 2:
        errors.append(_("A bundle needs at least two items."))
    rows = []
    for n, (member, code) in enumerate(zip(members, codes, strict=True), start=1):
        after_code = (member.after_code or "").strip().upper()
        if after_code and after_code not in codes:
            errors.append(
                _("Member %(n)s starts after “%(code)s”, which is not a member of this bundle.") % {"n": n, "code": after_code}
            )
        if after_code and after_code == code:
            errors.append(_("Member %(n)s cannot start after itself.") % {"n": n})
        condition_key = (member.condition_key or "").strip()
        if member.required and condition_key:
            errors.append(_("Member %(n)s is required, so it cannot depend on an answer.") % {"n": n})
        if code in items:
            rows.append(
                BundleMember(
                    bundle_version=draft,
                    position=n,
                    item=items[code],
                    required=member.required,
                    condition_key=condition_key,
                    condition_value=(member.condition_value or "").strip(),
                    after=items.get(after_code) if after_code and after_code != code else None,
                )
            )
    if not errors:
        try:
            critical_path_days(rows, {})
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"members": errors})
    return rows


def _write_draft(draft: BundleVersion, *, terms: dict, members: list[MemberInput], at) -> None:
    unknown = set(terms) - set(BUNDLE_TERM_FIELDS) - {"event"}
    if unknown:
        raise TypeError(f"unknown bundle terms: {sorted(unknown)}")
    for name, value in terms.items():
        setattr(draft, name, value.strip() if isinstance(value, str) else value)
    draft.updated_at = at
    draft.full_clean(exclude=["bundle"], validate_constraints=False)
    if not draft.promised_limit_days:
        raise ValidationError({"promised_limit_days": _("A bundle promises at least 1 working day.")})
    rows = _member_rows(draft, list(members))
    draft.save()
    draft.members.all().delete()
    BundleMember.objects.bulk_create(rows)


def _draft_for_update(bundle: Bundle) -> BundleVersion:
    draft = BundleVersion.objects.select_for_update().filter(bundle=bundle, published_in__isnull=True).first()
    if draft is None:
        raise ValidationError(_("This bundle has no draft."))
    return BundleVersion.objects.with_members().get(pk=draft.pk)


def _fresh(draft: BundleVersion) -> dict:
    return bundle_terms_dict(BundleVersion.objects.with_members().get(pk=draft.pk))


@transaction.atomic
def bundle_create(
    *,
    actor: User | None,
    code: str,
    department: Department,
    terms: dict,
    members: list[MemberInput],
    at: datetime | None = None,
) -> Bundle:
    """Add a bundle led by `department` to the draft list. It is offered once published.

    `terms`: name_zh, name_en, event (a LifeEvent), promised_limit_days.
    """
    at = at or timezone.now()
    _require_list_admin(actor, department)
    bundle = Bundle(code=(code or "").strip().upper(), department=department, created_at=at)
    bundle.full_clean()
    try:
        with transaction.atomic():
            bundle.save()
    except IntegrityError:
        raise ValidationError({"code": _("A bundle with this code already exists.")}) from None
    draft = BundleVersion(bundle=bundle, updated_at=at)
    _write_draft(draft, terms=terms, members=members, at=at)
    _audit(action=ListChange.Action.CREATE, actor=actor, at=at, bundle=bundle, after=_fresh(draft))
    return bundle


@transaction.atomic
def bundle_update(
    *,
    actor: User | None,
    bundle: Bundle,
    terms: dict,
    members: list[MemberInput],
    revision: int | None = None,
    at: datetime | None = None,
) -> BundleVersion:
    """Change the draft of `bundle`; the published list is untouched until the next publication."""
    at = at or timezone.now()
    _require_list_admin(actor, bundle.department)
    draft = _draft_for_update(bundle)
    if revision is not None and revision != draft.revision:
        raise ValidationError(
            _("Someone else changed this bundle while you were editing it. Reload the page to see their change.")
        )
    before = bundle_terms_dict(draft)
    _write_draft(draft, terms=terms, members=members, at=at)
    after = _fresh(draft)
    if after == before:
        return draft
    BundleVersion.objects.filter(pk=draft.pk).update(revision=draft.revision + 1)
    draft.revision += 1
    _audit(action=ListChange.Action.UPDATE, actor=actor, at=at, bundle=bundle, before=before, after=after)
    return draft


def _set_status(*, actor, bundle: Bundle, status: str, action: str, at) -> BundleVersion:
    at = at or timezone.now()
    _require_list_admin(actor, bundle.department)
    draft = _draft_for_update(bundle)
    if draft.status == status:
        return draft
    before = bundle_terms_dict(draft)
    draft.status = status
    draft.revision += 1
    draft.updated_at = at
    draft.save(update_fields=["status", "revision", "updated_at"])
    _audit(action=action, actor=actor, at=at, bundle=bundle, before=before, after={**before, "status": status})
    return draft


@transaction.atomic
def bundle_retire(*, actor: User | None, bundle: Bundle, at: datetime | None = None) -> BundleVersion:
    """Mark the draft retired: the next publication takes the bundle off the list."""
    return _set_status(
        actor=actor, bundle=bundle, status=BundleVersion.Status.RETIRED, action=ListChange.Action.RETIRE, at=at
    )


@transaction.atomic
def bundle_restore(*, actor: User | None, bundle: Bundle, at: datetime | None = None) -> BundleVersion:
    """Undo a retirement in the draft: the next publication lists the bundle again."""
    return _set_status(
        actor=actor, bundle=bundle, status=BundleVersion.Status.ACTIVE, action=ListChange.Action.RESTORE, at=at
    )


# -- publication ---------------------------------------------------------------------------------------


@dataclass
class BundleChange:
    kind: str  # "added", "changed", "retired"
    bundle: Bundle
    before: BundleVersion | None
    after: BundleVersion


def bundle_pending_changes(*, department_ids, list_version: ListVersion | None) -> list[BundleChange]:
    """The bundle drafts of these (lead) departments that differ from `list_version`."""
    drafts = BundleVersion.objects.drafts().filter(bundle__department_id__in=department_ids).with_members()
    listed = {
        v.bundle_id: v
        for v in BundleVersion.objects.on_list(list_version).filter(bundle__department_id__in=department_ids).with_members()
    }
    changes = []
    for draft in drafts:
        current = listed.get(draft.bundle_id)
        retired = draft.status == BundleVersion.Status.RETIRED
        if current is None:
            if not retired:
                changes.append(BundleChange("added", draft.bundle, None, draft))
        elif retired:
            changes.append(BundleChange("retired", draft.bundle, current, draft))
        elif {**bundle_terms_dict(current), "status": ""} != {**bundle_terms_dict(draft), "status": ""}:
            changes.append(BundleChange("changed", draft.bundle, current, draft))
    return sorted(changes, key=lambda c: c.bundle.code)


def _snapshot(draft: BundleVersion, *, list_version: ListVersion) -> BundleVersion:
    copy = BundleVersion.objects.create(
        bundle_id=draft.bundle_id,
        published_in=list_version,
        status=BundleVersion.Status.ACTIVE,
        revision=draft.revision,
        event_id=draft.event_id,
        updated_at=draft.updated_at,
        **{name: getattr(draft, name) for name in BUNDLE_TERM_FIELDS},
    )
    BundleMember.objects.bulk_create(
        [
            BundleMember(
                bundle_version=copy,
                position=m.position,
                item_id=m.item_id,
                required=m.required,
                condition_key=m.condition_key,
                condition_value=m.condition_value,
                after_id=m.after_id,
            )
            for m in draft.members.all()
        ]
    )
    return copy


def bundle_listing_problems(version: BundleVersion, *, list_version: ListVersion) -> list[str]:
    """Why `version` cannot be on `list_version`: a member item not on it, or a promise longer than
    the members' longest chain of promised limits."""
    members = list(version.members.all())
    listed = {
        v.item_id: v.promised_limit_days
        for v in ItemVersion.objects.on_list(list_version).filter(item_id__in=[m.item_id for m in members])
    }
    problems = [
        _("The bundle “%(bundle)s” includes the item “%(item)s”, which is not on the published approval list.")
        % {"bundle": version.bundle.code, "item": m.item.code}
        for m in members
        if m.item_id not in listed
    ]
    if not problems:
        longest = critical_path_days(members, listed)
        if version.promised_limit_days > longest:
            problems.append(
                _(
                    "The bundle “%(bundle)s” promises %(promised)s working days, longer than its members' longest "
                    "chain of promised limits (%(longest)s)."
                )
                % {"bundle": version.bundle.code, "promised": version.promised_limit_days, "longest": longest}
            )
    return problems


def bundles_publish(
    *, list_version: ListVersion, previous: ListVersion | None, changes: list[BundleChange], actor, at
) -> None:
    """List the bundles on `list_version`: the changed drafts as new snapshots, the others carried over.

    Called by `list_publish` inside its transaction, after the items are
    listed. Every bundle on the new version is checked against it, so that a
    publication that takes a member item off the list, or lists a bundle whose
    member is not on it, is refused as a whole.
    """
    replaced = {c.bundle.pk for c in changes}
    carried = (
        list(BundleEntry.objects.filter(list_version=previous).exclude(bundle_id__in=replaced).values_list("bundle_id", "bundle_version_id"))
        if previous
        else []
    )
    entries = [BundleEntry(list_version=list_version, bundle_id=b, bundle_version_id=v) for b, v in carried]
    for change in changes:
        if change.kind in ("added", "changed"):
            entries.append(
                BundleEntry(list_version=list_version, bundle=change.bundle, bundle_version=_snapshot(change.after, list_version=list_version))
            )
    problems = []
    listed = BundleVersion.objects.filter(pk__in=[e.bundle_version_id for e in entries]).with_members()
    for version in listed:
        problems += bundle_listing_problems(version, list_version=list_version)
    if problems:
        raise ValidationError({"bundles": problems})
    BundleEntry.objects.bulk_create(entries)
    for change in changes:
        _audit(
            action=ListChange.Action.PUBLISH,
            actor=actor,
            at=at,
            bundle=change.bundle,
            list_version=list_version,
            before=bundle_terms_dict(change.before) if change.before else None,
            after=None if change.kind == "retired" else bundle_terms_dict(change.after),
            note=change.kind,
        )


# -- the guard and the merged terms ----------------------------------------------------------------------


def bundle_for_new_application(*, code: str, at: datetime | None = None) -> BundleVersion:
    """The published bundle under which a bundle application for `code` may be made now (or at `at`).

    Raises BundleNotOnList for an unknown code, a bundle never published, a
    retired one, and (should the list ever hold one) a bundle whose member
    item is no longer on the list.
    """
    at = at or timezone.now()
    code = (code or "").strip().upper()
    bundle = Bundle.objects.filter(code=code).first() if code else None
    if bundle is None:
        raise BundleNotOnList(
            _("There is no bundle with the code “%(code)s” on the city's approval list.") % {"code": code or "—"},
            reason=BundleNotOnList.UNKNOWN,
            code=code,
        )
    current = ListVersion.objects.current(at=at)
    version = BundleVersion.objects.on_list(current).filter(bundle=bundle).with_members().first()
    if version is not None:
        problems = bundle_listing_problems(version, list_version=current)
        if problems:
            raise BundleNotOnList(problems[0], reason=BundleNotOnList.MEMBER_OFF_LIST, code=code)
        return version
    last = (
        BundleEntry.objects.filter(bundle=bundle, list_version__published_at__lte=at)
        .select_related("bundle_version", "list_version")
        .order_by("-list_version__number")
        .first()
    )
    if last is None:
        raise BundleNotOnList(
            _("The bundle “%(code)s” is not on the published approval list yet, so no application can be made for it.")
            % {"code": code},
            reason=BundleNotOnList.DRAFT,
            code=code,
        )
    raise BundleNotOnList(
        _("“%(name)s” was removed from the approval list in version %(version)s. It no longer accepts applications.")
        % {"name": last.bundle_version.name, "version": last.list_version.number + 1},
        reason=BundleNotOnList.RETIRED,
        code=code,
    )


@dataclass
class MemberTerms:
    member: BundleMember
    item_version: ItemVersion

    @property
    def code(self) -> str:
        return self.member.item.code


@dataclass
class MaterialGroup:
    """One material asked for once: the same Chinese name in every member that needs it."""

    key: str
    materials: list[Material] = field(default_factory=list)

    @property
    def first(self) -> Material:
        return self.materials[0]

    @property
    def required(self) -> bool:
        return any(m.required for m in self.materials)


@dataclass
class BundleTerms:
    """A published bundle with its members resolved to the item snapshots on the list."""

    version: BundleVersion
    members: list[MemberTerms]

    def included(self, answers: dict, chosen: Iterable[str] = ()) -> list[MemberTerms]:
        """The members that an application with these answers and choices includes, in order."""
        chosen = set(chosen)
        return [m for m in self.members if m.member.included(answers, chosen)]

    @property
    def fields(self) -> list[FormField]:
        """Every question of every member once, by key, in the members' order."""
        merged: dict[str, FormField] = {}
        for m in self.members:
            for definition in m.item_version.fields.all():
                merged.setdefault(definition.key, definition)
        return list(merged.values())

    def askers(self, key: str) -> list[str]:
        """The item codes whose forms ask the question `key`."""
        return [m.code for m in self.members if any(f.key == key for f in m.item_version.fields.all())]

    @property
    def materials(self) -> list[MaterialGroup]:
        """Every material of every member once, by its Chinese name, in the members' order."""
        groups: dict[str, MaterialGroup] = {}
        for m in self.members:
            for material in m.item_version.materials.all():
                groups.setdefault(material.name_zh, MaterialGroup(material.name_zh)).materials.append(material)
        return list(groups.values())

    def member_for(self, item_code: str) -> MemberTerms | None:
        return next((m for m in self.members if m.code == item_code), None)

    def with_predecessors(self, members: Iterable[MemberTerms] | None = None) -> list[tuple[MemberTerms, MemberTerms | None]]:
        """Each member (of `members`, default all) with the member it starts after, if any."""
        by_item = {m.member.item_id: m for m in self.members}
        return [(m, by_item.get(m.member.after_id)) for m in (self.members if members is None else members)]


def bundle_terms(*, bundle_version: BundleVersion, at: datetime | None = None) -> BundleTerms:
    """The members of a published bundle, each bound to its item's snapshot on the list at `at`."""
    at = at or timezone.now()
    current = ListVersion.objects.current(at=at)
    item_ids = [m.item_id for m in bundle_version.members.all()]
    versions = {
        v.item_id: v
        for v in ItemVersion.objects.on_list(current).filter(item_id__in=item_ids).with_terms()
    }
    members = []
    for member in bundle_version.members.all():
        version = versions.get(member.item_id)
        if version is None:
            raise BundleNotOnList(
                _("The bundle “%(bundle)s” includes the item “%(item)s”, which is not on the published approval list.")
                % {"bundle": bundle_version.bundle.code, "item": member.item.code},
                reason=BundleNotOnList.MEMBER_OFF_LIST,
                code=bundle_version.bundle.code,
            )
        members.append(MemberTerms(member, version))
    return BundleTerms(bundle_version, members)


def bundles_for_event(*, event: LifeEvent, at: datetime | None = None):
    """The published bundles of a life or business event (for the catalogue)."""
    current = ListVersion.objects.current(at=at or timezone.now())
    return BundleVersion.objects.on_list(current).filter(event=event).with_members()


def listed_bundle_codes(*, list_version: ListVersion | None) -> list[str]:
    return list(
        BundleEntry.objects.filter(list_version=list_version).order_by("bundle__code").values_list("bundle__code", flat=True)
    ) if list_version else []

