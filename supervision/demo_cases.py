"""The demo's supervision, after the applications, licenses and visits exist
(portal/management/commands/seed_demo.py runs this last): each part of
supervision that has a `demo` module seeds its own cases through its services."""

import importlib

# The half-monthly report comes last: it counts what the others made.
PARTS = (
    "supervision.ratings.demo",
    "supervision.accountability.demo",
    "supervision.countdown.demo",
    "supervision.reports.demo",
)


def seed(*, stdout) -> None:
    for name in PARTS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.seed(stdout=stdout)
