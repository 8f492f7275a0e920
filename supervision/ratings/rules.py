"""The rules of 好差评 in one place: the time limits of a case, the rating window,
and the tags a rater may pick at each level."""

from django.utils.translation import gettext_lazy as _

from supervision.ratings.models import Level

# A case's limits, in working days after the day of the rating or complaint,
# counted by the working-day calendar (deadlines.selectors.add_working_days).
LIMITS = {
    "callback": 1,  # 回访核实: call the rater back
    "fix": 15,  # 整改反馈: the fix, with feedback to the rater
}

# A rating can be given within this many calendar days of the decision or the visit.
RATING_WINDOW_DAYS = 30

# Tags by level: (code, label). A rating's tags are codes from its level's list.
TAGS = {
    Level.VERY_SATISFIED: (
        ("fast", _("fast")),
        ("clear", _("clear guidance")),
        ("friendly", _("friendly staff")),
    ),
    Level.SATISFIED: (
        ("fast", _("fast")),
        ("clear", _("clear guidance")),
        ("friendly", _("friendly staff")),
    ),
    Level.FAIRLY_SATISFIED: (
        ("slow", _("slow")),
        ("unclear", _("unclear guidance")),
        ("queue", _("long queue")),
    ),
    Level.DISSATISFIED: (
        ("slow", _("slow")),
        ("extra_materials", _("asked for extra materials")),
        ("attitude", _("attitude")),
        ("unclear", _("unclear guidance")),
        ("more_visits", _("had to come more than once")),
    ),
    Level.VERY_DISSATISFIED: (
        ("slow", _("slow")),
        ("extra_materials", _("asked for extra materials")),
        ("attitude", _("attitude")),
        ("unclear", _("unclear guidance")),
        ("more_visits", _("had to come more than once")),
    ),
}

ALL_TAGS = {code: label for tags in TAGS.values() for code, label in tags}


def tag_label(code: str):
    return ALL_TAGS.get(code, code)
