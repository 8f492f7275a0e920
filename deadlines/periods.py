"""Periods in calendar days, not working days: half months (1st–15th, 16th–month's
end), the periods of supervision's half-monthly report, which other apps' demos and
reports count in too; and months, as a license's validity and the time to sue run."""

import calendar
import datetime


def half_month_period(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half month `day` falls in: the 1st to the 15th, or the 16th to the month's last day."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=16), day.replace(day=last)


def previous_half_month(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half month that ended before the one `day` falls in."""
    first, _last = half_month_period(day)
    return half_month_period(first - datetime.timedelta(days=1))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day where that month is shorter (31 Aug + 6 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
