from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Applications")

    def ready(self):
        from approvals import hooks, tasks  # noqa: F401  (tasks: registered for queuing by name)
        from approvals.bundles import bundle_member_approved, bundle_state_changed
        from approvals.documents.services import on_state_changed
        from approvals.documents.views import verify_upload_panel
        from approvals.services import application_deadline_moved
        from deadlines.clocks import on_deadline_moved
        from seals.services import register_archive
        from seals.views import register_verify_panel

        # A calendar change that moves an application's due date updates its copy and tells the applicant.
        on_deadline_moved(application_deadline_moved)
        # Each step the law wants in writing opens its sealed document.
        hooks.on_state_changed(on_state_changed)
        # Bundles ("get one thing done"): a member's steps move its bundle, and a member that waits
        # for another's approval starts when that one is approved.
        hooks.on_state_changed(bundle_state_changed)
        hooks.on_application_approved(bundle_member_approved)
        # /verify/ (the seals page): whether an uploaded file is a notice or decision we issued.
        register_verify_panel(verify_upload_panel)
        # Their PDFs get fresh archive timestamps before their newest one ends, as licenses do.
        register_archive("approvals.DecisionDocument", file_field="file", sha256_field="sha256", size_field="size")

    def office_section(self, request) -> dict:
        """My applications in "my office" (drafts to resume, latest applications)."""
        from approvals.apply.views import office_section

        return office_section(request)

    def home_front(self, *, at) -> dict:
        """The home page's most used services, from real counts (portal.home)."""
        from approvals.home import front

        return front(at=at)

    def home_to_dos(self, user, *, at) -> dict:
        """The home page's corrections waiting for the signed-in applicant (portal.home)."""
        from approvals.home import to_dos

        return to_dos(user, at=at)
