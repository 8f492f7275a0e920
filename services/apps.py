from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Approval list")

    def ready(self):
        # The services enqueue the tasks by name; registering them here lets an
        # eager run (tests, CELERY_EAGER) find them without the services importing them.
        from services import tasks  # noqa: F401

    def home_front(self, *, at) -> dict:
        """The home page: the current list, its figures, departments and events (portal.home)."""
        from services.home import front

        return front(at=at)

    def home_suggestions(self, query, *, at, limit):
        """The home page's search box: items on the current list as you type (portal.home)."""
        from services.home import suggestions

        return suggestions(query, at=at, limit=limit)
