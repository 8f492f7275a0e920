from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "services"

    def ready(self):
        # The services enqueue the tasks by name; registering them here lets an
        # eager run (tests, CELERY_EAGER) find them without the services importing them.
        from services import tasks  # noqa: F401
