"""Line charts drawn as SVG on the server: coordinates for a template to draw, no script."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 30


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    lines: list[dict] = field(default_factory=list)  # {"label", "points": "x,y x,y", "dots": [(x, y)], "style"}
    marks: list[dict] = field(default_factory=list)  # vertical node marks: {"x", "label"}
    goal_y: float | None = None
    grid: list[dict] = field(default_factory=list)  # {"y", "label"}
    first_label: str = ""
    last_label: str = ""
    left: int = LEFT
    right_x: int = WIDTH - RIGHT
    bottom_y: int = HEIGHT - BOTTOM


def line_chart(
    series: list[tuple[str, list[tuple[datetime.date, Decimal | None]]]], *, first: datetime.date,
    last: datetime.date, marks: list[datetime.date] = (), goal: Decimal | None = None,
) -> Chart:
    """Percentages (0–100) over the days from `first` to `last`; gaps where a value is missing."""
    span = max((last - first).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: datetime.date) -> float:
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y(value) -> float:
        return round(TOP + plot_h * (1 - float(value) / 100), 1)

    chart = Chart(first_label=first.isoformat(), last_label=last.isoformat())
    chart.grid = [{"y": y(v), "label": f"{v}%"} for v in (0, 50, 100)]
    chart.marks = [{"x": x(day), "label": day.strftime("%m-%d")} for day in marks if first <= day <= last]
    if goal is not None:
        chart.goal_y = y(goal)
    for index, (label, points) in enumerate(series):
        shown = [(x(day), y(value)) for day, value in points if value is not None and first <= day <= last]
        chart.lines.append(
            {
                "label": label,
                "points": " ".join(f"{px},{py}" for px, py in shown),
                "dots": shown if len(shown) <= 12 else [],
                "dash": "" if index == 0 else "6 3",
            }
        )
    return chart
