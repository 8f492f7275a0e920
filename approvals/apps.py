from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Applications and deadlines")

    def ready(self):
        from approvals import receivers  # noqa: F401  (connects the workflow to the deadline engine)

    def office_section(self, request) -> dict:
        """My applications in "my office" (drafts to resume, latest applications)."""
        from approvals.applicant_views import office_section

        return office_section(request)
