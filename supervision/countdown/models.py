"""Countdown targets and the daily metric snapshots they are judged by."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

__all__ = ["MetricCode", "MetricSnapshot", "Target"]


class MetricCode(models.TextChoices):
    """The metrics supervision follows (computed in supervision/countdown/metrics.py)."""

    ONLINE = "online", _("Online availability")
    FULL_ONLINE = "full_online", _("Full-online rate")
    ONE_VISIT = "one_visit", _("At-most-one-visit rate")
    ON_TIME = "on_time", _("On-time rate")
    SATISFACTION = "satisfaction", _("Satisfaction")
    CALLBACK = "callback", _("Real-name bad-rating callback rate")


class MetricSnapshot(models.Model):
    """A metric's value on one day, for one department or (department empty) the city."""

    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=20, choices=MetricCode.choices)
    department = models.ForeignKey(
        "services.Department", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("department"),
    )
    value = models.DecimalField(_("value (%)"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("metric snapshot")
        verbose_name_plural = _("metric snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "metric", "department"], condition=Q(department__isnull=False),
                name="snapshot_one_per_department_day",
            ),
            models.UniqueConstraint(
                fields=["day", "metric"], condition=Q(department__isnull=True), name="snapshot_one_per_city_day"
            ),
        ]
        indexes = [models.Index(fields=["metric", "day"], name="snapshot_metric_day")]


class Target(models.Model):
    """A reform target: `metric` reaches at least `value` % by `due_on`, city-wide or in one department."""

    metric = models.CharField(_("metric"), max_length=20, choices=MetricCode.choices)
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("department"), help_text=_("Leave empty for a city-wide target."),
    )
    value = models.DecimalField(_("target value (%)"), max_digits=5, decimal_places=1)
    start_on = models.DateField(_("start date"))
    due_on = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    created_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("countdown target")
        verbose_name_plural = _("countdown targets")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gt=F("start_on")), name="target_due_after_start"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=100), name="target_value_is_a_percentage"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} ≥ {self.value}%"
