from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "licenses"
    verbose_name = _("Electronic licenses")

    def ready(self):
        from licenses.views import verify_upload_panel
        from seals.views import register_verify_panel

        # /verify/ (the seals page): after the seal report, whether the file is a license we issued.
        register_verify_panel(verify_upload_panel)

    def office_section(self, request) -> dict:
        """My licenses in "my office"."""
        from licenses.views import office_section

        return office_section(request)
