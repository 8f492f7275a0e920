from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Applications and deadlines")

    def ready(self):
        from approvals import receivers  # noqa: F401  (connects the workflow to the deadline engine)
