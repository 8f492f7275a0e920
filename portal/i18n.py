import datetime

from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import get_language, override


def prefers_chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


class BilingualNameMixin:
    """For models with name_zh / name_en: `name` follows the active language."""

    @property
    def name(self) -> str:
        if prefers_chinese():
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh


def long_date(day: datetime.date) -> str:
    """A date as people read it, in the active language: "Friday 10 October 2025" / "2025年10月10日（星期五）"."""
    if prefers_chinese():
        return f"{day.year}年{day.month}月{day.day}日（{formats.date_format(day, 'l')}）"
    return formats.date_format(day, "l j F Y")


def long_date_in(day: datetime.date, language: str) -> str:
    """`long_date` in `language`, whatever the active one (bilingual documents print both)."""
    with override(language):
        return long_date(day)


# For messages built now and read later: formatted in the language active when the text is read
# (portal.notifications.notify renders each message in its recipient's language).
lazy_long_date = lazy(long_date, str)
