from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Applications")

    def ready(self):
        from approvals.services import application_deadline_moved
        from deadlines.clocks import on_deadline_moved

        # A calendar change that moves an application's due date updates its copy and tells the applicant.
        on_deadline_moved(application_deadline_moved)

    def office_section(self, request) -> dict:
        """My applications in "my office" (drafts to resume, latest applications)."""
        from approvals.apply.views import office_section

        return office_section(request)
