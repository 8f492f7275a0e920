"""Django admin for the list: departments and events are edited here; the list
itself is read-only, because every change to it goes through /list-admin/ (and
its audit trail), and published versions never change.
"""

from django.contrib import admin

from services.models import (
    Department,
    FormField,
    ImportJob,
    ItemVersion,
    LifeEvent,
    ListChange,
    ListVersion,
    Material,
    ServiceItem,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "window", "accepts_at_window"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "audience", "position"]
    search_fields = ["code", "name_zh", "name_en"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows; adds, changes and deletes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MaterialInline(ReadOnlyInline):
    model = Material
    fields = ["position", "name_zh", "name_en", "required"]


class FormFieldInline(ReadOnlyInline):
    model = FormField
    fields = ["position", "key", "type", "label_zh", "required"]


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ["code", "department", "created_at"]
    list_filter = ["department"]
    search_fields = ["code"]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnlyAdmin):
    list_display = ["item", "name_zh", "published_in", "status", "online_level", "promised_limit_days"]
    list_filter = ["status", "online_level", "kind", "item__department"]
    search_fields = ["item__code", "name_zh", "name_en"]
    list_select_related = ["item", "published_in"]
    inlines = [MaterialInline, FormFieldInline]


@admin.register(ListVersion)
class ListVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "published_at", "published_by", "added", "changed", "retired", "total"]


@admin.register(ListChange)
class ListChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "item", "list_version", "actor"]
    list_filter = ["action"]
    search_fields = ["item__code", "actor__email"]
    list_select_related = ["item", "list_version", "actor"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "file_name", "actor", "status", "total_rows", "created", "updated"]
