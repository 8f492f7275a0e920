"""For dashboards: `{% load deadlines_calendar %}{% calendar_warning %}` shows
administrators and supervisors the reminder to enter next year's holiday
notice (from 60 days before the official calendar ends); others see nothing.
"""

from django import template
from django.utils import timezone

from deadlines.selectors import calendar_warning_for

register = template.Library()


@register.inclusion_tag("deadlines/_calendar_warning.html", takes_context=True)
def calendar_warning(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    warning = calendar_warning_for(user, today=timezone.localdate()) if user is not None else None
    return {"calendar_warning": warning}
