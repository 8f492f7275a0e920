"""Half-month periods and countdown nodes (pure calendar rules, no database)."""

from datetime import date as D

import pytest

from supervision.services import countdown_nodes, half_month_period


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (D(2026, 2, 16), (D(2026, 2, 16), D(2026, 2, 28))),
        (D(2028, 2, 20), (D(2028, 2, 16), D(2028, 2, 29))),
        (D(2026, 12, 1), (D(2026, 12, 1), D(2026, 12, 15))),
        (D(2026, 12, 15), (D(2026, 12, 1), D(2026, 12, 15))),
        (D(2026, 12, 31), (D(2026, 12, 16), D(2026, 12, 31))),
    ],
)
def test_it_splits_months_at_the_15th(day, period):
    assert half_month_period(day) == period


def test_nodes_count_back_from_the_due_date_in_steps_of_ten_days():
    assert countdown_nodes(D(2026, 10, 9), D(2026, 11, 30)) == [
        D(2026, 10, 11), D(2026, 10, 21), D(2026, 10, 31), D(2026, 11, 10), D(2026, 11, 20), D(2026, 11, 30),
    ]


def test_a_node_may_fall_on_the_start_date():
    assert countdown_nodes(D(2026, 11, 10), D(2026, 11, 30)) == [D(2026, 11, 10), D(2026, 11, 20), D(2026, 11, 30)]


def test_a_countdown_shorter_than_ten_days_has_only_its_due_date():
    assert countdown_nodes(D(2026, 11, 25), D(2026, 11, 30)) == [D(2026, 11, 30)]
    assert countdown_nodes(D(2026, 12, 1), D(2026, 11, 30)) == []
