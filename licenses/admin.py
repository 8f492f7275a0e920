from django.contrib import admin

from licenses.models import License, LicenseDocument, LicenseEvent, LicenseType, ReissueJob


@admin.register(LicenseType)
class LicenseTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "number_prefix", "validity_months", "template"]
    list_filter = ["template"]
    search_fields = ["code", "name_zh", "name_en", "number_prefix"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DocumentInline(ReadOnlyInline):
    model = LicenseDocument
    fields = ["revision", "sha256", "size", "seal_usage", "template", "issued_at"]
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = LicenseEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    """Read-only: licenses change through their services (the staff pages under /staff/licenses/)."""

    list_display = ["number", "license_type", "holder_name", "department", "status", "valid_until", "revision"]
    list_filter = ["status", "license_type", "department"]
    search_fields = ["number", "holder_name", "application__tracking_number"]
    list_select_related = ["license_type", "department"]
    inlines = [DocumentInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReissueJob)
class ReissueJobAdmin(admin.ModelAdmin):
    list_display = ["license_type", "department", "created_at", "requested_by", "total"]
    list_select_related = ["license_type", "department", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
