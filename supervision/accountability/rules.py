"""The settings of accountability, in one table.

`PROPOSAL_SOURCES` are dotted paths to functions `source(day) -> Iterable[Proposal]`
(see `supervision.accountability.proposals`); the daily proposal run calls
each of them. A part of supervision that has facts worth a case adds its
source here.
"""

# An application against the clock proposes a case once it is overdue by more
# than this many working days.
OVERDUE_WORKING_DAYS = 5

# A "run at most once" violation proposes a case unless the clerk's reason
# starts with one of these (compared without case): reasons supervision accepts.
ACCEPTED_VISIT_REASONS = (
    "申请人主动要求",
    "applicant's own request",
    "系统故障",
    "system outage",
)

# A feedback meeting's decision is due this many working days after the meeting
# unless the meeting says otherwise.
ACTION_DUE_WORKING_DAYS = 10

# A proposed case looks back this many calendar days for facts.
LOOKBACK_DAYS = 90

PROPOSAL_SOURCES = [
    "supervision.accountability.proposals.overdue_applications",
    "supervision.accountability.proposals.visit_violations",
    "supervision.accountability.proposals.missed_countdown_nodes",
    "supervision.accountability.proposals.late_rating_cases",
]
