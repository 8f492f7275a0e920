"""An item version's terms as plain data, and readable differences between two.

The same dictionary serves the audit trail (before/after), the draft-versus-
published diff, the public "what changed in version N" page and the CSV/XLSX
export, so that all of them agree on what "the terms" are.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from services.models import Audience, FormField, FrequentQuestion, ItemVersion, LifeEvent, Material

if TYPE_CHECKING:
    from licenses.models import LicenseType

# The service guide's texts (办事指南), each optional; the list admin's form folds them away.
GUIDE_FIELDS = [
    "conditions_zh",
    "conditions_en",
    "steps_zh",
    "steps_en",
    "fee_note_zh",
    "fee_note_en",
]
# The scalar terms that a list administrator edits, in the order pages show them.
TERM_FIELDS = [
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "keywords",
    "audience",
    "kind",
    "statutory_limit_days",
    "promised_limit_days",
    "legal_basis_zh",
    "legal_basis_en",
    "fee_yuan",
    "online_level",
    "max_visits",
    *GUIDE_FIELDS,
]
MATERIAL_FIELDS = ["name_zh", "name_en", "required"]
# A material's service-guide files; terms name them by their content's SHA-256.
MATERIAL_FILES = ["blank_form", "sample"]
FAQ_FIELDS = ["question_zh", "question_en", "answer_zh", "answer_en"]


@dataclass
class MaterialInput:
    """One material of a draft, as the editor, the import and the demo seed give it to the services."""

    name_zh: str
    name_en: str
    required: bool = True
    stand_ins: Iterable["LicenseType"] = ()
    # Each a GuideFile already stored, an uploaded file to check and store, or None.
    blank_form: object = None
    sample: object = None

FORM_FIELD_FIELDS = [
    "key",
    "type",
    "label_zh",
    "label_en",
    "help_zh",
    "help_en",
    "required",
    "min_value",
    "max_value",
    "max_length",
    "choices",
    "regex",
]

LABELS = {
    "status": _("Status"),
    "name_zh": _("Name (Chinese)"),
    "name_en": _("Name (English)"),
    "description_zh": _("Description (Chinese)"),
    "description_en": _("Description (English)"),
    "keywords": _("Search keywords"),
    "audience": _("Who can apply"),
    "kind": _("Kind"),
    "statutory_limit_days": _("Statutory time limit (working days)"),
    "promised_limit_days": _("Promised time limit (working days)"),
    "legal_basis_zh": _("Legal basis (Chinese)"),
    "legal_basis_en": _("Legal basis (English)"),
    "fee_yuan": _("Fee (yuan)"),
    "online_level": _("Online level"),
    "max_visits": _("In-person visits at most"),
    "conditions_zh": _("Conditions (Chinese)"),
    "conditions_en": _("Conditions (English)"),
    "steps_zh": _("Process steps (Chinese)"),
    "steps_en": _("Process steps (English)"),
    "fee_note_zh": _("Fee note (Chinese)"),
    "fee_note_en": _("Fee note (English)"),
    "faq": _("Frequently asked questions"),
    "license_type": _("License it produces"),
    "events": _("Life and business events"),
    "materials": _("Materials"),
    "fields": _("Application form"),
}
CHOICE_LABELS = {
    "status": dict(ItemVersion.Status.choices),
    "audience": dict(Audience.choices),
    "kind": dict(ItemVersion.Kind.choices),
    "online_level": dict(ItemVersion.OnlineLevel.choices),
}


def _decimal(value) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(Decimal("0.01")))


@dataclass(frozen=True)
class WrittenRows:
    """The rows a draft's relations were just written with, in their order, each material with its
    stand-ins: what `terms_dict` reads without asking the database again."""

    events: list[LifeEvent]
    materials: list[tuple[Material, list["LicenseType"]]]
    fields: list[FormField]
    faq: list[FrequentQuestion]


def terms_dict(version: ItemVersion, *, written: WrittenRows | None = None) -> dict:
    """Every term of `version` as JSON-ready data. Expects `ItemVersion.objects.with_terms()`, or the
    rows its relations were just written with."""
    if written is None:
        written = WrittenRows(
            events=version.events.all(),
            materials=[(material, material.stand_ins.all()) for material in version.materials.all()],
            fields=version.fields.all(),
            faq=version.faq.all(),
        )
    data = {"code": version.item.code, "department": version.item.department.code, "status": version.status}
    for name in TERM_FIELDS:
        data[name] = getattr(version, name)
    data["fee_yuan"] = _decimal(version.fee_yuan)
    data["license_type"] = version.license_type.code if version.license_type_id else ""
    data["events"] = sorted(event.code for event in written.events)
    data["materials"] = [
        {
            **{name: getattr(material, name) for name in MATERIAL_FIELDS},
            "stand_ins": sorted(license.code for license in stand_ins),
            **{name: getattr(material, name).sha256 if getattr(material, f"{name}_id") else "" for name in MATERIAL_FILES},
        }
        for material, stand_ins in written.materials
    ]
    data["fields"] = []
    for form_field in written.fields:
        row = {name: getattr(form_field, name) for name in FORM_FIELD_FIELDS}
        row["min_value"] = _decimal(form_field.min_value)
        row["max_value"] = _decimal(form_field.max_value)
        data["fields"].append(row)
    data["faq"] = [{name: getattr(entry, name) for name in FAQ_FIELDS} for entry in written.faq]
    return data


@dataclass
class Line:
    text: str
    changed: bool = False


@dataclass
class Difference:
    key: str
    label: str
    before: list[Line] = field(default_factory=list)
    after: list[Line] = field(default_factory=list)


@dataclass
class Names:
    """Display names for the codes that terms refer to."""

    licenses: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)


def _yes_no(value) -> str:
    return str(_("required")) if value else str(_("optional"))


def _scalar_text(key: str, value, names: Names) -> str:
    if value in (None, ""):
        return "—"
    if key in CHOICE_LABELS:
        return str(CHOICE_LABELS[key].get(value, value))
    if key == "license_type":
        return names.licenses.get(value, value)
    return str(value)


def material_text(material: dict, names: Names) -> str:
    text = f"{material['name_zh']} / {material['name_en']} ({_yes_no(material['required'])})"
    if material.get("stand_ins"):
        licenses = "、".join(names.licenses.get(code, code) for code in material["stand_ins"])
        text += " · " + str(_("not needed with: %(licenses)s") % {"licenses": licenses})
    # A file is named by the start of its SHA-256, so that replacing one shows as a change.
    if material.get("blank_form"):
        text += " · " + str(_("blank form %(file)s") % {"file": material["blank_form"][:8]})
    if material.get("sample"):
        text += " · " + str(_("filled sample %(file)s") % {"file": material["sample"][:8]})
    return text


def faq_text(entry: dict) -> str:
    text = f"{entry['question_zh']} {entry['answer_zh']}"
    if entry.get("question_en"):
        text += f" / {entry['question_en']} {entry['answer_en']}"
    return text


def form_field_text(row: dict) -> str:
    type_label = dict(FormField.Type.choices).get(row["type"], row["type"])
    text = f"{row['key']}: {row['label_zh']} / {row['label_en']} · {type_label} · {_yes_no(row['required'])}"
    rules = []
    if row.get("min_value") is not None:
        rules.append(f"≥ {row['min_value']}")
    if row.get("max_value") is not None:
        rules.append(f"≤ {row['max_value']}")
    if row.get("max_length"):
        rules.append(str(_("at most %(count)s characters") % {"count": row["max_length"]}))
    if row.get("regex"):
        rules.append(f"/{row['regex']}/")
    if row.get("choices"):
        rules.append(" | ".join(line.split("|")[0].strip() for line in row["choices"].splitlines() if line.strip()))
    if rules:
        text += " · " + ", ".join(rules)
    return text


def _lines(key: str, value, names: Names) -> list[str]:
    if key == "materials":
        return [material_text(m, names) for m in value or []]
    if key == "fields":
        return [form_field_text(f) for f in value or []]
    if key == "events":
        return [names.events.get(code, code) for code in value or []]
    if key == "faq":
        return [faq_text(entry) for entry in value or []]
    return [_scalar_text(key, value, names)]


def differences(before: dict | None, after: dict | None, names: Names | None = None) -> list[Difference]:
    """What differs between two terms dictionaries, one entry per changed term.

    For lists (materials, form fields, events) every line is shown, and lines
    that were removed or added are marked `changed`.
    """
    names = names or Names()
    before, after = before or {}, after or {}
    result = []
    for key in ["status", *TERM_FIELDS, "license_type", "events", "materials", "fields", "faq"]:
        old, new = before.get(key), after.get(key)
        if old == new or (key == "status" and not (old and new)):
            continue
        if old in (None, "", []) and new in (None, "", []):  # a term that one side predates
            continue
        old_lines = _lines(key, old, names) if key in before else []
        new_lines = _lines(key, new, names) if key in after else []
        result.append(
            Difference(
                key=key,
                label=str(LABELS[key]),
                before=[Line(text, text not in new_lines) for text in old_lines],
                after=[Line(text, text not in old_lines) for text in new_lines],
            )
        )
    return result
