from django import forms
from django.utils.translation import gettext_lazy as _

from deadlines.services import AdjustedWorkingDay, HolidayRange, Notice


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class NoticeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    notice = forms.CharField(
        label=_("Notice reference"),
        max_length=200,
        help_text=_("The State Council notice's document number or title, as published."),
    )


class RowForm(forms.Form):
    """A row of a notice: a row left blank (or cleared) is simply not part of it."""

    def has_changed(self):
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in self.fields)


class RowFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.empty_permitted = True
        return form


class HolidayRangeForm(RowForm):
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=100)
    name_en = forms.CharField(label=_("Name in English"), max_length=150, required=False)
    first_day = forms.DateField(label=_("First day off"), widget=DateInput)
    last_day = forms.DateField(label=_("Last day off"), widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("The last day off cannot be before the first."))
        return cleaned


class AdjustedWorkingDayForm(RowForm):
    day = forms.DateField(label=_("Date"), widget=DateInput)
    name_zh = forms.CharField(
        label=_("For which holiday (Chinese)"), max_length=100, required=False
    )
    name_en = forms.CharField(label=_("For which holiday (English)"), max_length=150, required=False)

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day.weekday() < 5:
            raise forms.ValidationError(_("An adjusted working day is a Saturday or a Sunday."))
        return day


HOLIDAY_ROWS = 8  # seven statutory festivals and one spare
WORKING_ROWS = 8


def notice_forms(data=None, *, initial=None, holidays=(), working_days=()):
    """The notice form and its two formsets, with enough empty rows to type a whole notice without JavaScript."""
    holidays, working_days = list(holidays), list(working_days)
    holiday_rows = forms.formset_factory(
        HolidayRangeForm, formset=RowFormSet, extra=max(HOLIDAY_ROWS - len(holidays), 2)
    )
    working_rows = forms.formset_factory(
        AdjustedWorkingDayForm, formset=RowFormSet, extra=max(WORKING_ROWS - len(working_days), 2)
    )
    return (
        NoticeForm(data, initial=initial),
        holiday_rows(data, prefix="holidays", initial=holidays),
        working_rows(data, prefix="working", initial=working_days),
    )


def notice_from_forms(form, holiday_set, working_set) -> Notice:
    def filled(formset):
        return [f.cleaned_data for f in formset.forms if f.cleaned_data]

    return Notice(
        year=form.cleaned_data["year"],
        reference=form.cleaned_data["notice"],
        holidays=tuple(
            HolidayRange(name_zh=h["name_zh"], name_en=h["name_en"], first_day=h["first_day"], last_day=h["last_day"])
            for h in filled(holiday_set)
        ),
        working_days=tuple(
            AdjustedWorkingDay(day=w["day"], name_zh=w["name_zh"], name_en=w["name_en"]) for w in filled(working_set)
        ),
    )

