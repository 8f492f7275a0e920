from django.utils.translation import get_language


def prefers_chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


class BilingualNameMixin:
    """For models with name_zh / name_en: `name` follows the active language."""

    @property
    def name(self) -> str:
        if prefers_chinese():
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh
