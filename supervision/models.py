"""Supervision's models live beside the code that uses them (ratings/, accountability/,
countdown/); importing them here registers them with the app."""

from supervision.ratings.models import *  # noqa: F403
from supervision.accountability.models import *  # noqa: F403
from supervision.countdown.models import *  # noqa: F403
from supervision.reports.models import *  # noqa: F403
