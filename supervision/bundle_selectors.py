"""Bundles against their promise, for supervisors: each bundle's clock (first acceptance to last
decision) next to its promised limit and its members' own limits."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from approvals.bundles import BundleClock, bundle_clock
from approvals.models import BundleApplication

RECENT = 50


@dataclass
class BundleRow:
    """One bundle (by its code) over its applications."""

    code: str
    name: str
    promised: int
    member_limits: list[tuple[str, int]] = field(default_factory=list)
    applications: int = 0
    complete: int = 0
    on_time: int = 0
    late: int = 0
    open_overdue: int = 0

    @property
    def rate(self) -> float | None:
        decided = self.on_time + self.late
        return self.on_time / decided if decided else None


@dataclass
class ClockRow:
    bundle: BundleApplication
    clock: BundleClock | None


def bundle_performance(*, today: datetime.date) -> tuple[list[BundleRow], list[ClockRow]]:
    """Every bundle with applications, and the latest applications with their clocks."""
    applications = list(
        BundleApplication.objects.select_related("bundle_version__bundle")
        .prefetch_related("bundle_version__members__item", "members__item_version")
        .order_by("-submitted_at", "-id")
    )
    rows: dict[str, BundleRow] = {}
    recent = []
    for n, bundle in enumerate(applications):
        version = bundle.bundle_version
        row = rows.get(version.bundle.code)
        if row is None:
            limits = {m.item_version.item_id: m.item_version.promised_limit_days for m in bundle.members.all()}
            row = rows[version.bundle.code] = BundleRow(
                code=version.bundle.code,
                name=version.name,
                promised=version.promised_limit_days,
                member_limits=[(m.item.code, limits[m.item_id]) for m in version.members.all() if m.item_id in limits],
            )
        row.applications += 1
        try:
            clock = bundle_clock(bundle, today=today)
        except ValidationError:
            clock = None
        if bundle.state == BundleApplication.State.COMPLETE:
            row.complete += 1
            if clock is not None and clock.started_on is not None:
                if clock.on_time:
                    row.on_time += 1
                else:
                    row.late += 1
        elif clock is not None and clock.status == "overdue":
            row.open_overdue += 1
        if n < RECENT:
            recent.append(ClockRow(bundle, clock))
    return sorted(rows.values(), key=lambda r: r.code), recent
