"""Supervision's calendar rules shared by its pages and reports: half-month
periods (kept with the calendar in deadlines.periods) and the 10-day nodes of
a countdown. Both count calendar days (a reform target falls due on a date,
not after a number of working days)."""

import datetime

from deadlines.periods import half_month_period

__all__ = ["NODE_STEP_DAYS", "countdown_nodes", "half_month_period"]

NODE_STEP_DAYS = 10


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
