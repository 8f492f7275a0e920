"""Dates and times on English pages, written as the rest of the English text writes them:
"8 December 2026", "8 December 2026, 10:09" (24-hour, as on the Chinese pages).
Django's own English formats ("Dec. 8, 2026", "10:09 a.m.") were the only American forms
left; what this module leaves out (input formats, numbers) is still Django's."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
