from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Working-day calendar and deadlines")

    def ready(self):
        from deadlines import models, selectors, tasks  # noqa: F401

        # Clocks asked without a calendar use the stored one; the models cannot import its reader.
        models.use_default_calendar(selectors.stored_calendar)
        # `tasks` is imported so that tasks enqueued by name run eagerly where CELERY_EAGER is set.
