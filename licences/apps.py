from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "licences"
    verbose_name = _("Electronic licences")

    def ready(self):
        from licences.views import verify_upload_panel
        from seals.views import register_verify_panel

        # /verify/ (the seals page): after the seal report, whether the file is a licence we issued.
        register_verify_panel(verify_upload_panel)

    def office_section(self, request) -> dict:
        """My licences in "my office"."""
        from licences.views import office_section

        return office_section(request)
