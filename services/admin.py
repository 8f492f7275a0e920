from django.contrib import admin

from services.models import Department


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "window", "accepts_at_window"]
    search_fields = ["code", "name_zh", "name_en"]
