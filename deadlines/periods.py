"""Half-month periods (1st–15th, 16th–month's end): the periods of supervision's
half-monthly report, which other apps' demos and reports count in too.
Calendar days, not working days."""

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
