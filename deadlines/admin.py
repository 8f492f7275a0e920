from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from deadlines.services import calendar_day_delete, calendar_day_save
from deadlines.models import CalendarChange, CalendarDay, CalendarYear, Clock, ClockEvent, ClockPause


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Single-day corrections. Every save and delete goes through the calendar
    services, so it is recorded as an administrator's entry (which the
    package seed never overwrites) and open deadlines are recomputed."""

    list_display = ["date", "weekday", "is_working_day", "name_zh", "name_en", "source", "notice_year", "updated_at"]
    list_filter = ["source", "is_working_day", "notice_year"]
    date_hierarchy = "date"
    search_fields = ["name_zh", "name_en"]
    fields = ["date", "is_working_day", "name_zh", "name_en", "source", "notice_year", "changed_by", "updated_at"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def get_readonly_fields(self, request, obj=None):
        readonly = ["source", "notice_year", "changed_by", "updated_at"]
        return ["date", *readonly] if obj else readonly

    def save_model(self, request, obj, form, change):
        saved = calendar_day_save(
            actor=request.user,
            day=obj.date,
            is_working_day=obj.is_working_day,
            name_zh=obj.name_zh,
            name_en=obj.name_en,
            at=timezone.now(),
        )
        obj.pk, obj.source, obj.notice_year = saved.pk, saved.source, saved.notice_year

    def delete_model(self, request, obj):
        calendar_day_delete(actor=request.user, day=obj.date, at=timezone.now())

    def delete_queryset(self, request, queryset):
        for day in queryset.values_list("date", flat=True):
            calendar_day_delete(actor=request.user, day=day, at=timezone.now())


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Official years. Notices are entered at /staff/calendar/notice/."""

    list_display = ["year", "source", "notice", "entered_by", "updated_at"]
    list_filter = ["source"]


@admin.register(CalendarChange)
class CalendarChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "years", "actor", "summary"]
    list_filter = ["kind"]


class ClockPauseInline(admin.TabularInline):
    model = ClockPause
    extra = 0
    can_delete = False
    readonly_fields = ["reason", "paused_on", "resumed_on"]

    def has_add_permission(self, request, obj=None):
        return False


class ClockEventInline(admin.TabularInline):
    model = ClockEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "old_due_on", "new_due_on", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ["id", "accepted_on", "limit_days", "extension_days", "state", "due_on", "provisional"]
    list_filter = ["state", "provisional"]
    date_hierarchy = "due_on"
    inlines = [ClockPauseInline, ClockEventInline]
