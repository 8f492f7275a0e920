from django.contrib import admin

from licences.models import LicenceType


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "number_prefix", "validity_months"]
    search_fields = ["code", "name_zh", "name_en", "number_prefix"]
