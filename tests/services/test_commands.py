"""The list commands: export, import (all or nothing) and publish."""

import io

import pytest
from django.core.management import CommandError, call_command

from services.models import ListVersion, ServiceItem
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


def test_export_import_publish_round_trip(tmp_path, department):
    make_item(department, code="CMD-001")
    publish()
    path = tmp_path / "list.csv"
    call_command("list_export", output=path, stdout=io.StringIO())
    text = path.read_text(encoding="utf-8-sig").replace("CMD-001", "CMD-002")
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("list_import", str(path), stdout=out)
    assert "checked 1/1 rows" in out.getvalue() and "1 items added" in out.getvalue()
    call_command("list_publish", note="from a file", stdout=out)
    assert ListVersion.objects.get(number=2).added == 1


def test_a_bad_file_is_reported_and_imports_nothing(tmp_path, department):
    make_item(department, code="CMD-001")
    path = tmp_path / "list.xlsx"
    call_command("list_export", draft=True, format="xlsx", output=path, stdout=io.StringIO())
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.active["A2"] = "CMD-009"
    workbook.active["J2"] = "sometimes"  # kind
    workbook.save(path)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("list_import", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 2, kind" in err.getvalue()
    assert not ServiceItem.objects.filter(code="CMD-009").exists()
