from django.contrib import admin

from api.access.models import AccessLogEntry, AccessPurpose


@admin.register(AccessPurpose)
class AccessPurposeAdmin(admin.ModelAdmin):
    """Administrators add purposes and retire them (untick "active"); a purpose that has been
    given for a read stays, as the log points to it."""

    list_display = ["code", "name_zh", "name_en", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """The log is written by `api.access.services.access_record` only, and never changed."""

    list_display = ["seq", "accessed_at", "department", "client", "endpoint", "subject_masked", "purpose", "reference", "result"]
    list_filter = ["result", "department", "purpose"]
    search_fields = ["reference", "subject_masked", "endpoint"]
    list_select_related = ["department", "client__application", "client__department", "purpose"]
    readonly_fields = [f.name for f in AccessLogEntry._meta.fields]
    date_hierarchy = "accessed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
