from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.i18n import BilingualNameMixin


class Department(BilingualNameMixin, models.Model):
    """A city department that owns list items and approves applications."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    window = models.CharField(
        _("window"), max_length=200, blank=True, help_text=_("Where its items are handled in person.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    accepts_at_window = models.BooleanField(
        _("accepts at the window"),
        default=True,
        help_text=_("Whether window clerks may accept its applications on the spot."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name
