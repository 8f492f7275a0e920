"""The half-monthly report (半月报): one archived, sealed PDF per period and revision."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["HalfMonthReport"]


class HalfMonthReport(models.Model):
    """An archived report. Rows and files are never changed: a re-run adds a revision."""

    first = models.DateField(_("first day"))
    last = models.DateField(_("last day"))
    revision = models.PositiveIntegerField(_("revision"), default=1)
    figures = models.JSONField(_("figures"))
    file = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    seal = models.ForeignKey("seals.Seal", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-first", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["first", "last", "revision"], name="half_month_report_one_revision"),
        ]
        verbose_name = _("half-monthly report")
        verbose_name_plural = _("half-monthly reports")

    def __str__(self):
        return f"{self.first:%Y-%m-%d}–{self.last:%Y-%m-%d} r{self.revision}"
