"""Demo data for approvals: the working-day calendar, seeded as `calendar_sync` does."""

from django.utils import timezone

from deadlines.services import calendar_sync
from deadlines.selectors import stored_calendar


def seed(*, stdout) -> None:
    calendar_sync(at=timezone.now())
    calendar = stored_calendar()
    stdout.write(
        f"working-day calendar: official {min(calendar.official_years)}–{max(calendar.official_years)}, "
        f"provisional {', '.join(map(str, sorted(calendar.provisional_years))) or 'none'}"
    )
