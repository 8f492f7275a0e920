from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    label = "api"
    verbose_name = _("Departmental API")

    def ready(self):
        from api.webhooks import tasks  # noqa: F401  (registered for queuing by name)
        from api.webhooks.services import on_state_changed
        from approvals.hooks import on_state_changed as on_application_state_changed

        # Each state change of an application queues the webhooks of its department's systems.
        on_application_state_changed(on_state_changed)
