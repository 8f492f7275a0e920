"""Benchmark: due dates from the working-day index against a day-by-day loop.

Computes 1,000,000 due dates (random acceptance days across every covered
year, limits of 0 to 60 working days, a third of them with one or two
pauses, some with an extension) with `deadlines.workdays.due_date`, then the
same inputs with the obvious loop that walks one day at a time. Both use the
same calendar (the packages' data, as `calendar_sync` stores it; today's
horizon), and every answer is checked to agree.

    make bench-deadlines            # or: python bench/bench_deadlines.py [N]

The last line is `deadlines: <N> per second, <R>x the naive loop`.
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from deadlines.holiday_sources import package_calendar  # noqa: E402
from deadlines.workdays import due_date  # noqa: E402

ONE_DAY = timedelta(days=1)


def make_inputs(calendar, n: int, seed: int = 20261126):
    rng = random.Random(seed)
    first = date(calendar.first_year, 1, 1).toordinal()
    # Leave room before the horizon for 60 working days, a long pause and an extension.
    last = date(calendar.last_year, 12, 31).toordinal() - 200
    inputs = []
    for _ in range(n):
        accepted_on = date.fromordinal(rng.randint(first, last))
        pauses = []
        if rng.random() < 1 / 3:
            for _ in range(rng.choice((1, 1, 2))):
                paused_on = accepted_on + timedelta(days=rng.randint(0, 40))
                pauses.append((paused_on, paused_on + timedelta(days=rng.randint(0, 20))))
        extension = rng.randint(1, 10) if rng.random() < 0.1 else 0
        inputs.append((accepted_on, rng.randint(0, 60), tuple(pauses), extension))
    return inputs


def naive_due_date(calendar, accepted_on, limit, pauses, extension_days):
    """What one writes first: walk day by day, skipping paused and non-working days."""
    day, counted = accepted_on, 0
    while counted < limit + extension_days:
        day += ONE_DAY
        if any(paused_on < day <= resumed_on for paused_on, resumed_on in pauses):
            continue
        if calendar.is_working_day(day):
            counted += 1
    return day


def main(n: int) -> None:
    today = date.today()  # the horizon only; the bench is not a test
    calendar = package_calendar(today=today)
    print(f"calendar {calendar.first_year}–{calendar.last_year} (official to {max(calendar.official_years)})")
    inputs = make_inputs(calendar, n)
    print(f"{n:,} inputs: {sum(1 for i in inputs if i[2]):,} with pauses, {sum(1 for i in inputs if i[3]):,} extended")

    started = time.perf_counter()
    fast = [
        due_date(accepted_on, limit, pauses=pauses, extension_days=extension, calendar=calendar).due_on
        for accepted_on, limit, pauses, extension in inputs
    ]
    fast_seconds = time.perf_counter() - started
    print(f"index:     {fast_seconds:7.2f} s")

    started = time.perf_counter()
    slow = [naive_due_date(calendar, *args) for args in inputs]
    slow_seconds = time.perf_counter() - started
    print(f"naive loop:{slow_seconds:7.2f} s")

    mismatches = sum(1 for a, b in zip(fast, slow, strict=True) if a != b)
    if mismatches:
        raise SystemExit(f"{mismatches} due dates differ between the index and the loop")
    print("all due dates agree")
    print(f"deadlines: {round(n / fast_seconds)} per second, {slow_seconds / fast_seconds:.1f}x the naive loop")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
