"""Reads of the approval list. Each function runs a fixed number of queries,
whatever the number of items."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from portal.models import StaffRole
from portal.permissions import departments_for
from services.models import (
    BundleVersion,
    Audience,
    Department,
    ItemVersion,
    LifeEvent,
    ListChange,
    ListEntry,
    ListVersion,
    Material,
    ServiceItem,
    license_types,
)
from services.terms import Difference, Names, differences, terms_dict


def reference_names() -> Names:
    """Names of license types and events in the active language (two small queries)."""
    return Names(
        licenses={license.code: license.name for license in license_types()},
        events={event.code: event.name for event in LifeEvent.objects.all()},
    )


def current_list(*, at) -> ListVersion | None:
    return ListVersion.objects.current(at=at)


def list_admin_departments(user) -> list[Department]:
    """The departments whose list `user` administers."""
    return list(Department.objects.serving().filter(pk__in=departments_for(user, StaffRole.Role.LIST_ADMIN)))


# Which part of the address names which file of a material.
GUIDE_FILES = {"blank-form": "blank_form", "sample": "sample"}


def guide_file(*, code: str, material_id: int, which: str, user):
    """(material, its GuideFile) for the address of a blank form or sample, or None if `user` may not read it.

    A published snapshot's files are public, as the list is. A draft's files
    are for the list administrators of the item's department alone (in a
    session that passed the second factor: elsewhere staff hold no role).
    """
    name = GUIDE_FILES.get(which)
    if name is None:
        return None
    material = (
        Material.objects.filter(pk=material_id, item_version__item__code=code)
        .select_related(name, "item_version__item")
        .first()
    )
    if material is None or getattr(material, f"{name}_id") is None:
        return None
    version = material.item_version
    if version.is_draft and version.item.department_id not in departments_for(user, StaffRole.Role.LIST_ADMIN):
        return None
    return material, getattr(material, name)


# The public catalogue ------------------------------------------------------


@dataclass
class CatalogueFilters:
    q: str = ""
    department: str = ""
    audience: str = ""
    event: str = ""
    online: str = ""

    @property
    def active(self) -> bool:
        return any([self.q, self.department, self.audience, self.event, self.online])


def catalogue_items(*, list_version: ListVersion | None, filters: CatalogueFilters):
    """The published items matching `filters`, ready for a catalogue page."""
    items = ItemVersion.objects.on_list(list_version).with_page_relations()
    if filters.q:
        items = items.search(filters.q)
    if filters.department:
        items = items.filter(item__department__code=filters.department)
    if filters.audience in (Audience.PERSON, Audience.ENTERPRISE):
        items = items.for_audience(filters.audience)
    if filters.event:
        items = items.filter(events__code=filters.event)
    if filters.online in ItemVersion.OnlineLevel.values:
        items = items.filter(online_level=filters.online)
    return items.order_by("item__code")


def catalogue_item(*, list_version: ListVersion | None, code: str) -> ItemVersion | None:
    return ItemVersion.objects.on_list(list_version).with_terms().filter(item__code=code).first()


@dataclass
class MaterialNeed:
    material: object
    stand_ins: list
    spared_by: list


def material_needs(version: ItemVersion, *, held_license_type_ids: set[int] = frozenset()) -> list[MaterialNeed]:
    """Each material, with the license types that stand in for it and those the applicant holds."""
    needs = []
    for material in version.materials.all():
        stand_ins = list(material.stand_ins.all())
        needs.append(
            MaterialNeed(
                material=material,
                stand_ins=stand_ins,
                spared_by=[license for license in stand_ins if license.pk in held_license_type_ids],
            )
        )
    return needs


# Versions and differences --------------------------------------------------


@dataclass
class ItemChange:
    """How one item differs between two lists (or between the draft and the list)."""

    kind: str  # "added", "changed" or "retired"
    item: ServiceItem
    before: ItemVersion | None
    after: ItemVersion | None
    differences: list[Difference] = field(default_factory=list)

    @property
    def version(self) -> ItemVersion:
        return self.after or self.before


def _change_order(change: ItemChange):
    return ({"added": 0, "changed": 1, "retired": 2}[change.kind], change.item.code)


def pending_changes(*, department_ids, list_version: ListVersion | None, names: Names | None = None) -> list[ItemChange]:
    """The drafts of these departments that differ from `list_version`: what publishing would change."""
    drafts = list(ItemVersion.objects.drafts().for_departments(department_ids).with_terms())
    published = {
        version.item_id: version
        for version in ItemVersion.objects.on_list(list_version).for_departments(department_ids).with_terms()
    }
    changes = []
    for draft in drafts:
        current = published.get(draft.item_id)
        retired = draft.status == ItemVersion.Status.RETIRED
        if current is None:
            if not retired:
                changes.append(ItemChange("added", draft.item, None, draft))
        elif retired:
            changes.append(ItemChange("retired", draft.item, current, draft))
        else:
            before, after = terms_dict(current), terms_dict(draft)
            if before != after:
                changes.append(ItemChange("changed", draft.item, current, draft, differences(before, after, names)))
    return sorted(changes, key=_change_order)


@dataclass
class DraftRow:
    draft: ItemVersion
    state: str  # "new", "changed", "published", "retiring", "retired"


def draft_rows(*, department_ids, list_version: ListVersion | None) -> list[DraftRow]:
    """Every draft of these departments, with how it stands against the published list."""
    changes = {change.item.pk: change.kind for change in pending_changes(
        department_ids=department_ids, list_version=list_version
    )}
    on_list = set(
        ListEntry.objects.filter(list_version=list_version, item__department_id__in=department_ids).values_list(
            "item_id", flat=True
        )
    ) if list_version else set()
    rows = []
    drafts = ItemVersion.objects.drafts().for_departments(department_ids).with_page_relations().order_by("item__code")
    for draft in drafts:
        kind = changes.get(draft.item_id)
        if kind == "added":
            state = "new"
        elif kind == "retired":
            state = "retiring"
        elif kind == "changed":
            state = "changed"
        elif draft.item_id in on_list:
            state = "published"
        else:
            state = "retired"
        rows.append(DraftRow(draft, state))
    return rows


def version_changes(list_version: ListVersion, names: Names | None = None) -> list[ItemChange]:
    """What changed in `list_version` compared with the version before it."""
    previous = ListVersion.objects.filter(number=list_version.number - 1).first()
    now = dict(ListEntry.objects.filter(list_version=list_version).values_list("item_id", "item_version_id"))
    before = (
        dict(ListEntry.objects.filter(list_version=previous).values_list("item_id", "item_version_id"))
        if previous
        else {}
    )
    wanted = {v for item, v in now.items() if before.get(item) != v}
    wanted |= {v for item, v in before.items() if now.get(item) != v}
    versions = {v.pk: v for v in ItemVersion.objects.filter(pk__in=wanted).with_terms()}
    changes = []
    for item_id, version_id in now.items():
        if item_id not in before:
            changes.append(ItemChange("added", versions[version_id].item, None, versions[version_id]))
        elif before[item_id] != version_id:
            old, new = versions[before[item_id]], versions[version_id]
            changes.append(
                ItemChange("changed", new.item, old, new, differences(terms_dict(old), terms_dict(new), names))
            )
    for item_id, version_id in before.items():
        if item_id not in now:
            changes.append(ItemChange("retired", versions[version_id].item, versions[version_id], None))
    return sorted(changes, key=_change_order)


def recent_changes(*, department_ids):
    """The audit trail of these departments' items, and every publication."""
    return (
        ListChange.objects.filter(Q(item__department_id__in=department_ids) | Q(action=ListChange.Action.PUBLISH))
        .select_related("item", "actor", "list_version")
        .order_by("-at", "-id")
    )


# Metrics ---------------------------------------------------------------------


def _rate(part: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(100) * part / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Metrics:
    department: Department | None
    total: int
    online: int
    full_online: int
    at_most_one_visit: int

    @property
    def online_rate(self) -> Decimal | None:
        """Online availability: share of items that can be applied for online."""
        return _rate(self.online, self.total)

    @property
    def full_online_rate(self) -> Decimal | None:
        """Share of items done with 0 visits."""
        return _rate(self.full_online, self.total)

    @property
    def at_most_one_visit_rate(self) -> Decimal | None:
        """Share of items needing 1 visit or none."""
        return _rate(self.at_most_one_visit, self.total)


def list_metrics(*, list_version: ListVersion | None) -> tuple[Metrics, list[Metrics]]:
    """The city's metrics and each department's, for the items on `list_version`."""
    rows = (
        ItemVersion.objects.on_list(list_version)
        .values("item__department")
        .annotate(
            total=Count("pk"),
            online=Count("pk", filter=~Q(online_level=ItemVersion.OnlineLevel.OFFLINE)),
            full_online=Count("pk", filter=Q(max_visits=0)),
            at_most_one_visit=Count("pk", filter=Q(max_visits__lte=1)),
        )
        .order_by()
    )
    by_department = {row.pop("item__department"): row for row in rows}
    departments = Department.objects.filter(pk__in=by_department).order_by("code")
    per_department = [Metrics(department=d, **by_department[d.pk]) for d in departments]
    city = Metrics(
        department=None,
        **{
            key: sum(getattr(m, key) for m in per_department)
            for key in ["total", "online", "full_online", "at_most_one_visit"]
        },
    )
    return city, per_department


def item_history(item: ServiceItem, *, at) -> list[ItemVersion]:
    """The published snapshots of `item` in lists published by `at`, oldest first (one query)."""
    return list(
        ItemVersion.objects.snapshots()
        .filter(item=item, published_in__published_at__lte=at)
        .select_related("published_in")
        .order_by("published_in__number")
    )


def listed_bundles(*, list_version):
    """The bundles on `list_version`, with their event, lead department and members, by event and code."""
    return BundleVersion.objects.on_list(list_version).with_members().order_by("event__position", "event__code", "bundle__code")
