from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "licenses"
    verbose_name = _("Electronic licenses")

    def ready(self):
        from approvals import hooks
        from licenses import selectors, services, tasks  # noqa: F401  (tasks: registered for queuing by name)
        from licenses.views import verify_upload_panel
        from seals.services import on_seal_revoked, register_archive
        from seals.views import register_verify_panel

        # /verify/ (the seals page): after the seal report, whether the file is a license we issued.
        register_verify_panel(verify_upload_panel)
        # Stored license PDFs get fresh archive timestamps before their newest one ends (seals' beat task).
        register_archive("licenses.LicenseDocument", file_field="file", sha256_field="sha256", size_field="size")
        # The workflow knows nothing of licenses: an approval issues the item's license (after the
        # commit), and a valid license may stand in for a material (免提交).
        hooks.on_application_approved(services.on_application_approved)
        hooks.on_terms_changed(services.material_licenses_rebind)
        hooks.on_materials_given(selectors.materials_given_by_licenses)
        hooks.on_material_references(selectors.references_for)
        hooks.on_material_stand_in(services.material_stand_in)
        # A bundle's one form is prefilled with what the licenses in the wallet say.
        hooks.on_known_answers(selectors.answers_from_wallet)
        # The decision to grant names the license the application produced.
        hooks.on_results(selectors.results_for)
        # A seal revoked for key compromise: what it sealed is re-issued and the holders are told.
        on_seal_revoked(services.on_seal_revoked)

    def office_section(self, request) -> dict:
        """My licenses in "my office"."""
        from licenses.views import office_section

        return office_section(request)

    def home_to_dos(self, user, *, at) -> dict:
        """The home page's newly issued licenses of the signed-in holder (portal.home)."""
        from licenses.home import to_dos

        return to_dos(user, at=at)
