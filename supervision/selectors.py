"""Supervision's reads. "Run at most once": visits to the window and the
violations among them, counted per department and per item (two queries
each, whatever the number of visits)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from approvals.models import Visit
from portal.i18n import BilingualNameMixin
from services.models import Department, ItemVersion


def percentage(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, to one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


def share_percentage(share: Decimal | None) -> Decimal | None:
    """A share of 1 (the ratings' rates) as a percentage to one decimal, rounded half up; None stays None."""
    if share is None:
        return None
    return (Decimal(share) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def start_of(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the current time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass
class VisitTally(BilingualNameMixin):
    """Visits and violations for one department or one item."""

    code: str
    name_zh: str
    name_en: str
    visits: int
    violations: int
    department: str = ""

    @property
    def rate(self) -> float | None:
        """Violations per visit, as a percentage (None without visits, which a tally never has)."""
        return percentage(self.violations, self.visits)


def _visits(since: datetime.date | None, until: datetime.date | None):
    visits = Visit.objects.all()
    if since:
        visits = visits.filter(at__gte=start_of(since))
    if until:
        visits = visits.filter(at__lt=start_of(until + datetime.timedelta(days=1)))
    return visits


def _counts():
    return {"visits": Count("id"), "violations": Count("id", filter=Q(violation=True))}


def visit_violations_by_department(
    *, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[VisitTally]:
    """Each department with visits: how many, and how many broke "run at most once". Most violations first."""
    rows = list(_visits(since, until).values("department_id").annotate(**_counts()))
    departments = Department.objects.in_bulk([row["department_id"] for row in rows if row["department_id"]])
    tallies = []
    for row in rows:
        department = departments.get(row["department_id"])
        tallies.append(
            VisitTally(
                code=department.code if department else "",
                name_zh=department.name_zh if department else "",
                name_en=department.name_en if department else "",
                visits=row["visits"],
                violations=row["violations"],
            )
        )
    return sorted(tallies, key=lambda t: (-t.violations, -t.visits, t.code))


def visit_violations_by_item(
    *, since: datetime.date | None = None, until: datetime.date | None = None
) -> list[VisitTally]:
    """Each list item with visits (all its versions together), most violations first."""
    rows = list(
        _visits(since, until)
        .filter(item_version__isnull=False)
        .values("item_version__item_id")
        .annotate(**_counts())
    )
    item_ids = [row["item_version__item_id"] for row in rows]
    # The newest version of each item names it.
    versions = {}
    for version in (
        ItemVersion.objects.filter(item_id__in=item_ids, visits__isnull=False)
        .select_related("item__department")
        .order_by("item_id", "-id")
        .distinct()
    ):
        versions.setdefault(version.item_id, version)
    tallies = []
    for row in rows:
        version = versions[row["item_version__item_id"]]
        tallies.append(
            VisitTally(
                code=version.item.code,
                name_zh=version.name_zh,
                name_en=version.name_en,
                visits=row["visits"],
                violations=row["violations"],
                department=version.item.department.name,
            )
        )
    return sorted(tallies, key=lambda t: (-t.violations, -t.visits, t.code))


def recent_violations(*, since: datetime.date | None = None, until: datetime.date | None = None, limit: int = 50):
    return list(
        _visits(since, until)
        .filter(violation=True)
        .select_related("person", "application", "item_version__item", "department", "clerk__person")
        .order_by("-at", "-id")[:limit]
    )
