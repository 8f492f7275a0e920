"""The list as a spreadsheet: CSV and XLSX export, and import checks.

One row per item. Nested terms use one cell each:
- `events`: event codes separated by spaces;
- `materials`: one material per line, `中文名 | English name | required | license codes`;
- `form_fields`: a JSON list of field definitions, as exported;
- `faq`: a JSON list of questions, each with question_zh, question_en, answer_zh and answer_en;
- the process steps: one step per line in their cell.

A material's blank form and filled sample are files and stay out of the
spreadsheet; importing an item keeps those its draft has (by the material's
Chinese name).

Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab
or a carriage return) is exported behind one apostrophe, as OWASP advises for
CSV injection, and the import takes exactly that apostrophe off again: see
`spreadsheet_text` and `plain_text`.

Importing is all or nothing: `check_rows` reports every bad row (line, column,
message), and `services.services.import_run` saves the rows only when there is
none. This module reads and checks; it writes nothing.
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.models import StaffRole
from portal.permissions import has_role
from services.models import Department, FormField, ItemVersion, LifeEvent, ServiceItem, license_types
from services.terms import FAQ_FIELDS, FORM_FIELD_FIELDS, TERM_FIELDS, MaterialInput

COLUMNS = [
    "code",
    "department",
    "status",
    *TERM_FIELDS,
    "license_type",
    "events",
    "materials",
    "form_fields",
    "faq",
]
REQUIRED_COLUMNS = [
    "code",
    "department",
    "name_zh",
    "name_en",
    "audience",
    "kind",
    "statutory_limit_days",
    "promised_limit_days",
    "legal_basis_zh",
    "online_level",
    "max_visits",
]
INTEGER_COLUMNS = ["statutory_limit_days", "promised_limit_days", "max_visits"]
YES = {"required", "yes", "y", "true", "1", "是", "必需", "必须"}
NO = {"optional", "no", "n", "false", "0", "否", "可选"}


# Export ----------------------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """The value as a spreadsheet cell that cannot be a formula.

    Text that starts with a trigger, after any apostrophes, gets one more
    apostrophe in front: `=HYPERLINK(…)` becomes `'=HYPERLINK(…)`, and
    `'=x` becomes `''=x`, so that `plain_text` gives back every value exactly.
    Numbers and everything else pass unchanged.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def plain_text(value: str) -> str:
    """The inverse of `spreadsheet_text`: one leading apostrophe off, when a trigger follows."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def export_row(terms: dict) -> dict:
    row = {column: terms.get(column, "") for column in COLUMNS}
    row["events"] = " ".join(terms["events"])
    row["materials"] = "\n".join(
        " | ".join(
            [m["name_zh"], m["name_en"], "required" if m["required"] else "optional", " ".join(m["stand_ins"])]
        ).rstrip(" |")
        for m in terms["materials"]
    )
    row["form_fields"] = json.dumps(terms["fields"], ensure_ascii=False) if terms["fields"] else ""
    row["faq"] = json.dumps(terms["faq"], ensure_ascii=False) if terms.get("faq") else ""
    return {key: "" if value is None else value for key, value in row.items()}


def export_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({column: spreadsheet_text(value) for column, value in row.items()} for row in rows)
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8


def export_xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("list")

    def cell(value):
        cell = WriteOnlyCell(sheet, spreadsheet_text(value))
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula, whatever it starts with
        return cell

    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([cell(row[column]) for column in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Reading an upload -----------------------------------------------------------


@dataclass
class RawRow:
    line: int
    values: dict[str, str]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return plain_text(str(value).strip()).strip()


def sniff_format(data: bytes) -> str:
    """'xlsx' or 'csv', from the content itself; ValidationError for anything else."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            pass
        raise ValidationError(_("This file is a ZIP archive but not an Excel workbook (.xlsx)."))
    if b"\x00" in data[:8192]:
        raise ValidationError(_("This file is not a CSV text file or an Excel workbook (.xlsx)."))
    return "csv"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030 by default
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("This CSV file is neither UTF-8 nor GB18030 text."))


def _header(names: list[str]) -> list[str]:
    header = [_cell(name).lower() for name in names]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column and column not in COLUMNS]
    if missing:
        raise ValidationError(
            _("The first row must name the columns; these are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if unknown:
        raise ValidationError(_("Unknown columns in the first row: %(columns)s.") % {"columns": ", ".join(unknown)})
    return header


def read_upload(data: bytes) -> tuple[str, list[RawRow]]:
    """The format and the rows of an uploaded list, each with its line number.

    Line numbers are rows as a spreadsheet shows them (the header is line 1),
    in CSV and XLSX alike: a cell with line breaks does not shift them.
    """
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    file_format = sniff_format(data)
    rows = []
    if file_format == "csv":
        reader = csv.reader(io.StringIO(_decode(data), newline=""))
        try:
            header = _header(next(reader))
            for line, values in enumerate(reader, start=2):
                if any(value.strip() for value in values):
                    rows.append(RawRow(line, {header[i]: _cell(v) for i, v in enumerate(values) if i < len(header)}))
        except csv.Error as exc:
            raise ValidationError(_("Line %(line)s is not valid CSV: %(error)s") % {"line": reader.line_num, "error": exc}) from None
    else:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a damaged file
            raise ValidationError(_("This Excel workbook cannot be read.")) from None
        sheet = workbook.worksheets[0]
        cells = sheet.iter_rows(values_only=True)
        header = _header(list(next(cells, [])))
        for line, values in enumerate(cells, start=2):
            if any(_cell(value) for value in values):
                rows.append(RawRow(line, {header[i]: _cell(v) for i, v in enumerate(values) if i < len(header)}))
        workbook.close()
    if not rows:
        raise ValidationError(_("The file has a header but no items."))
    return file_format, rows


# Checking rows ---------------------------------------------------------------


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ParsedRow:
    line: int
    code: str
    department: Department
    item: ServiceItem | None
    status: str
    terms: dict
    events: list[LifeEvent] = field(default_factory=list)
    materials: list[MaterialInput] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)
    faq: list[dict] = field(default_factory=list)


class _References:
    """Everything rows refer to, loaded once."""

    def __init__(self, codes: list[str]):
        self.departments = {d.code: d for d in Department.objects.all()}
        self.licenses = {t.code: t for t in license_types()}
        self.events = {e.code: e for e in LifeEvent.objects.all()}
        self.items = {i.code: i for i in ServiceItem.objects.filter(code__in=codes).select_related("department")}


def _codes(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;，；、]+", text or "") if part]


def _parse_materials(text: str, refs: _References) -> list[MaterialInput]:
    materials = []
    for n, line in enumerate([line for line in (text or "").splitlines() if line.strip()], start=1):
        parts = [part.strip() for part in line.split("|")]
        parts += [""] * (4 - len(parts))
        name_zh, name_en, required, stand_ins = parts[:4]
        if not name_zh or not name_en:
            raise ValidationError(_("Material %(n)s needs a Chinese and an English name.") % {"n": n})
        required = required.lower() or "required"
        if required not in YES | NO:
            raise ValidationError(_("Material %(n)s: write “required” or “optional”.") % {"n": n})
        unknown = [code for code in _codes(stand_ins) if code not in refs.licenses]
        if unknown:
            raise ValidationError(
                _("Material %(n)s: unknown license types %(codes)s.") % {"n": n, "codes": ", ".join(unknown)}
            )
        materials.append(
            MaterialInput(name_zh, name_en, required in YES, [refs.licenses[c] for c in _codes(stand_ins)])
        )
    return materials


def _parse_fields(text: str) -> list[dict]:
    if not (text or "").strip():
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(_("This is not valid JSON: %(error)s") % {"error": exc.msg}) from None
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise ValidationError(_("Write a JSON list of field definitions."))
    rows, keys = [], set()
    for n, entry in enumerate(data, start=1):
        unknown = set(entry) - set(FORM_FIELD_FIELDS)
        if unknown:
            raise ValidationError(
                _("Field %(n)s: unknown settings %(names)s.") % {"n": n, "names": ", ".join(sorted(unknown))}
            )
        definition = FormField(**{k: v for k, v in entry.items() if v is not None})
        try:
            definition.full_clean(exclude=["item_version"], validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError(_("Field %(n)s: %(errors)s") % {"n": n, "errors": " ".join(exc.messages)}) from None
        if definition.key in keys:
            raise ValidationError(_("Field %(n)s: the key %(key)s is used twice.") % {"n": n, "key": definition.key})
        keys.add(definition.key)
        rows.append({name: getattr(definition, name) for name in FORM_FIELD_FIELDS})
    return rows


def _parse_faq(text: str) -> list[dict]:
    if not (text or "").strip():
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(_("This is not valid JSON: %(error)s") % {"error": exc.msg}) from None
    if not isinstance(data, list) or not all(isinstance(entry, dict) for entry in data):
        raise ValidationError(_("Write a JSON list of questions and answers."))
    rows = []
    for n, entry in enumerate(data, start=1):
        unknown = set(entry) - set(FAQ_FIELDS)
        if unknown:
            raise ValidationError(
                _("Question %(n)s: unknown settings %(names)s.") % {"n": n, "names": ", ".join(sorted(unknown))}
            )
        row = {name: str(entry.get(name) or "").strip() for name in FAQ_FIELDS}
        if not row["question_zh"] or not row["answer_zh"]:
            raise ValidationError(_("Question %(n)s needs a Chinese question and answer.") % {"n": n})
        if bool(row["question_en"]) != bool(row["answer_en"]):
            raise ValidationError(
                _("Question %(n)s: give the English question and its answer together, or neither.") % {"n": n}
            )
        rows.append(row)
    return rows


def _check_row(raw: RawRow, refs: _References, actor) -> tuple[ParsedRow | None, list[RowError]]:
    values, errors = raw.values, []

    def error(column, message):
        errors.append(RowError(raw.line, column, str(message)))

    code = values.get("code", "").strip().upper()
    department = refs.departments.get(values.get("department", "").strip())
    if not code:
        error("code", _("Enter the item's code."))
    if department is None:
        error("department", _("Unknown department “%(code)s”.") % {"code": values.get("department", "")})
    elif actor is not None and not has_role(actor, StaffRole.Role.LIST_ADMIN, department=department):
        error("department", _("You do not administer the list of this department."))
    item = refs.items.get(code)
    if item is not None and department is not None and item.department_id != department.pk:
        error("department", _("This item belongs to %(department)s; items do not move between departments.")
              % {"department": item.department.code})
    status = (values.get("status") or "active").lower()
    if status not in ItemVersion.Status.values:
        error("status", _("Write “active” or “retired”."))

    terms = {name: values.get(name, "") for name in TERM_FIELDS}
    for name in INTEGER_COLUMNS:
        try:
            terms[name] = int(terms[name])
        except ValueError:
            error(name, _("Enter a whole number."))
            terms[name] = None
    try:
        terms["fee_yuan"] = Decimal(terms["fee_yuan"] or "0")
    except InvalidOperation:
        error("fee_yuan", _("Enter an amount in yuan, for example 10 or 12.50."))
        terms["fee_yuan"] = None
    license_code = values.get("license_type", "").strip()
    terms["license_type"] = refs.licenses.get(license_code)
    if license_code and terms["license_type"] is None:
        error("license_type", _("Unknown license type “%(code)s”.") % {"code": license_code})

    unknown_events = [c for c in _codes(values.get("events", "")) if c not in refs.events]
    if unknown_events:
        error("events", _("Unknown events: %(codes)s.") % {"codes": ", ".join(unknown_events)})
    events = [refs.events[c] for c in _codes(values.get("events", "")) if c in refs.events]
    materials, fields = [], []
    try:
        materials = _parse_materials(values.get("materials", ""), refs)
    except ValidationError as exc:
        error("materials", " ".join(exc.messages))
    try:
        fields = _parse_fields(values.get("form_fields", ""))
    except ValidationError as exc:
        error("form_fields", " ".join(exc.messages))
    faq = []
    try:
        faq = _parse_faq(values.get("faq", ""))
    except ValidationError as exc:
        error("faq", " ".join(exc.messages))

    candidate = ItemVersion(**{k: (v.strip() if isinstance(v, str) else v) for k, v in terms.items()})
    bad = {e.field for e in errors}
    try:
        candidate.full_clean(exclude=["item", "published_in", "updated_at", *bad], validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            error(name if name in COLUMNS else "", " ".join(messages))
    if errors:
        return None, errors
    return ParsedRow(raw.line, code, department, item, status, terms, events, materials, fields, faq), []


def check_rows(
    rows: list[RawRow], *, actor, progress: Callable[[int], None] | None = None, every: int = 25
) -> tuple[list[ParsedRow], list[RowError]]:
    """Check every row; return the parsed rows and every error found (none means importable)."""
    codes = [row.values.get("code", "").strip().upper() for row in rows]
    refs = _References(codes)
    parsed, errors, seen = [], [], {}
    for n, raw in enumerate(rows, start=1):
        row, row_errors = _check_row(raw, refs, actor)
        code = codes[n - 1]
        if code and code in seen:
            row_errors.append(
                RowError(raw.line, "code", _("The code %(code)s is also on line %(line)s.") % {"code": code, "line": seen[code]})
            )
            row = None
        seen.setdefault(code, raw.line)
        errors += row_errors
        if row is not None:
            parsed.append(row)
        if progress and n % every == 0:
            progress(n)
    if progress:
        progress(len(rows))
    return parsed, errors
