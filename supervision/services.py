"""Supervision's calendar rules shared by its pages and reports: half-month
periods and the 10-day nodes of a countdown. Both count calendar days (a
reform target falls due on a date, not after a number of working days)."""

import calendar
import datetime

NODE_STEP_DAYS = 10


def half_month_period(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half month `day` falls in: the 1st to the 15th, or the 16th to the month's last day."""
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=16), day.replace(day=last)


def countdown_nodes(start: datetime.date, due: datetime.date) -> list[datetime.date]:
    """The nodes of a countdown, ascending: the due date and every 10th calendar day before it,
    back to the start date (a node may fall on the start date itself)."""
    if due < start:
        return []
    nodes = []
    node = due
    while node >= start:
        nodes.append(node)
        node -= datetime.timedelta(days=NODE_STEP_DAYS)
    return nodes[::-1]
