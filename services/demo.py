"""Demo data for the list: Huludao-like departments (the catalogue follows)."""

from services.models import Department

DEPARTMENTS = [
    # code, Chinese name, English name, window
    ("business", "营商环境建设局", "Business Environment Bureau", "市民中心一楼 综合窗口 1–12号"),
    ("market", "市场监督管理局", "Market Supervision Administration", "市民中心一楼 综合窗口 1–12号"),
    ("housing", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau", "市民中心二楼 综合窗口 20–26号"),
    ("natres", "自然资源局", "Natural Resources Bureau", "市民中心二楼 综合窗口 20–26号"),
    ("devreform", "发展和改革委员会", "Development and Reform Commission", "市民中心二楼 综合窗口 27–29号"),
    ("police", "公安局", "Public Security Bureau", "市民中心三楼 综合窗口 30–35号"),
    ("hrss", "人力资源和社会保障局", "Human Resources and Social Security Bureau", "市民中心三楼 综合窗口 36–40号"),
    ("health", "卫生健康委员会", "Health Commission", "市民中心三楼 综合窗口 41–43号"),
    ("transport", "交通运输局", "Transport Bureau", "市民中心四楼 综合窗口 44–46号"),
    ("ecology", "生态环境局", "Ecology and Environment Bureau", "市民中心四楼 综合窗口 47–48号"),
    ("civil", "民政局", "Civil Affairs Bureau", "市民中心四楼 综合窗口 49–50号"),
]


def seed(*, stdout) -> None:
    for code, zh, en, window in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "window": window, "phone": "0429-12345"}
        )
    stdout.write(f"departments: {Department.objects.count()}")
