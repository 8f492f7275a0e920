"""Importing the list: every bad row is reported with its line, and nothing is imported unless all rows are right."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from services import services, transfer
from services.models import ImportJob, ItemVersion, ListChange, ServiceItem
from tests.services.factories import LicenseTypeFactory, LifeEventFactory, make_item

pytestmark = pytest.mark.django_db


def row(n: int, department="market", **overrides) -> dict:
    values = {
        "code": f"IMP-{n:03d}",
        "department": department,
        "status": "active",
        "name_zh": f"导入事项{n}",
        "name_en": f"Imported item {n}",
        "description_zh": "办理营业执照相关手续。",
        "description_en": "Paperwork for a business license.",
        "keywords": "",
        "audience": "enterprise",
        "kind": "promised",
        "statutory_limit_days": "20",
        "promised_limit_days": "5",
        "legal_basis_zh": "《测试条例》第一条",
        "legal_basis_en": "Test Regulations, art. 1",
        "fee_yuan": "0",
        "online_level": "full_online",
        "max_visits": "0",
        "license_type": "business-license",
        "events": "start-business",
        "materials": "申请书 | Application form | required\n营业执照 | Business license | required | business-license",
        "form_fields": json.dumps([{"key": "company_name", "type": "text", "label_zh": "企业名称", "label_en": "Name"}]),
    }
    values.update(overrides)
    return values


def as_csv(rows: list[dict], encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=transfer.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def as_xlsx(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(transfer.COLUMNS)
    for values in rows:
        sheet.append([values.get(c, "") for c in transfer.COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def references(department):
    LicenseTypeFactory(code="business-license", number_prefix="YYZZ")
    LifeEventFactory(code="start-business")


def _import(data: bytes, actor=None, **kwargs) -> ImportJob:
    return services.import_start(actor=actor, file_name="list.csv", data=data, **kwargs)


def test_it_imports_a_good_file(list_admin):
    job = _import(as_csv([row(n) for n in range(1, 51)]), actor=list_admin)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created, job.updated) == (50, 0)
    draft = ItemVersion.objects.drafts().with_terms().get(item__code="IMP-007")
    assert [m.name_en for m in draft.materials.all()] == ["Application form", "Business license"]
    assert [t.code for t in draft.materials.all()[1].stand_ins.all()] == ["business-license"]
    assert [f.key for f in draft.fields.all()] == ["company_name"]
    assert ListChange.objects.filter(action="create", actor=list_admin).count() == 50


def test_it_reports_all_three_bad_rows_of_fifty_and_imports_nothing():
    rows = [row(n) for n in range(1, 51)]
    rows[9]["promised_limit_days"] = "30"  # more than the statutory 20: line 11
    rows[24]["department"] = "nowhere"  # line 26
    rows[41]["materials"] = "只有中文名"  # line 43
    job = _import(as_csv(rows))
    assert job.status == ImportJob.Status.REJECTED
    assert [(e["line"], e["field"]) for e in job.errors] == [
        (11, "promised_limit_days"),
        (26, "department"),
        (43, "materials"),
    ]
    assert all(e["message"] for e in job.errors)
    assert not ServiceItem.objects.exists()
    assert not ListChange.objects.exists()


def test_line_numbers_are_spreadsheet_rows_even_when_cells_span_lines():
    rows = [row(1), row(2, name_zh="")]  # every materials cell holds a line break
    job = _import(as_csv(rows))
    assert [(e["line"], e["field"]) for e in job.errors] == [(3, "name_zh")]


def test_it_reports_duplicate_codes_and_unknown_references():
    rows = [row(1), row(1), row(3, license_type="nope", events="start-business nowhere")]
    job = _import(as_csv(rows))
    assert {(e["line"], e["field"]) for e in job.errors} == {(3, "code"), (4, "license_type"), (4, "events")}


def test_a_list_admin_imports_only_into_their_departments(list_admin, other_department):
    job = _import(as_csv([row(1), row(2, department=other_department.code)]), actor=list_admin)
    assert [(e["line"], e["field"]) for e in job.errors] == [(3, "department")]
    assert not ServiceItem.objects.exists()


def test_it_updates_existing_drafts_and_keeps_unchanged_ones(department):
    make_item(department, code="IMP-001")
    first = _import(as_csv([row(1), row(2)]))
    assert (first.created, first.updated) == (1, 1)
    again = _import(as_csv([row(1), row(2)]))
    assert (again.created, again.updated) == (0, 0)


def test_items_do_not_move_between_departments(other_department):
    make_item(other_department, code="IMP-001")
    job = _import(as_csv([row(1)]))
    assert [(e["line"], e["field"]) for e in job.errors] == [(2, "department")]


def test_it_reads_xlsx_and_gb18030_csv():
    assert _import(as_xlsx([row(1), row(2)])).status == ImportJob.Status.DONE
    assert _import(as_csv([row(3), row(4)], encoding="gb18030")).status == ImportJob.Status.DONE
    assert ServiceItem.objects.count() == 4


def test_xlsx_rows_are_reported_by_row_number():
    job = _import(as_xlsx([row(1), row(2, audience="aliens")]))
    assert [(e["line"], e["field"]) for e in job.errors] == [(3, "audience")]


def test_it_checks_the_real_content_not_the_name():
    with pytest.raises(ValidationError, match="not a CSV"):
        services.import_start(actor=None, file_name="list.csv", data=b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(ValidationError, match="not an Excel workbook"):
        services.import_start(actor=None, file_name="list.xlsx", data=b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(ValidationError, match="missing"):
        services.import_start(actor=None, file_name="list.csv", data=b"code,name\nA,B\n")


def test_the_export_imports_back_unchanged(department):
    make_item(department, code="RT-001", materials=[services.MaterialInput("申请书", "Form", False, [])],
              fields=[{"key": "n", "type": "choice", "label_zh": "选", "label_en": "Pick", "choices": "a|甲|A\nb|乙|B"}])
    drafts = ItemVersion.objects.drafts().with_terms()
    from services.terms import terms_dict

    rows = [transfer.export_row(terms_dict(d)) for d in drafts]
    for data in (transfer.export_csv(rows).encode(), transfer.export_xlsx(rows)):
        job = _import(data)
        assert job.status == ImportJob.Status.DONE, job.errors
        assert (job.created, job.updated) == (0, 0)


def test_the_xlsx_export_is_a_real_workbook(department):
    make_item(department, code="RT-002")
    from services.terms import terms_dict

    rows = [transfer.export_row(terms_dict(d)) for d in ItemVersion.objects.drafts().with_terms()]
    sheet = load_workbook(io.BytesIO(transfer.export_xlsx(rows))).active
    assert [c.value for c in sheet[1]] == transfer.COLUMNS
    assert sheet["A2"].value == "RT-002"


def test_a_large_import_runs_in_the_background_with_progress(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "IMPORT_INLINE_MAX_ROWS", 10)
    seen = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = _import(as_csv([row(n) for n in range(1, 61)]))
    assert job.status == ImportJob.Status.PENDING and job.stored_file
    assert len(callbacks) == 1
    monkeypatch.setattr(transfer, "check_rows", _recording(transfer.check_rows, seen))
    callbacks[0]()  # the task, run eagerly as the worker would
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.processed_rows, job.created) == (60, 60)
    assert seen == [(0, 25), (25, 50), (50, 60)]


def _recording(check_rows, seen):
    """Records, at each progress report, what the job row showed before and after it."""

    def wrapper(rows, *, actor, progress=None, every=25):
        def record(n):
            before = ImportJob.objects.get().processed_rows
            progress(n)
            seen.append((before, ImportJob.objects.get().processed_rows))

        return check_rows(rows, actor=actor, progress=record, every=every)

    return wrapper


def test_a_job_runs_once(department):
    job = ImportJob.objects.create(file_name="x.csv", file_format="csv", created_at="2026-01-01T00:00Z", status="done")
    services.import_run(job=job)
    job.refresh_from_db()
    assert job.status == "done"
