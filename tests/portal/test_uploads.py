import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import CSV, DOCUMENTS, JPEG, PDF, PNG, XLSX, check_upload

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    "content,kind",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG),
    ],
)
def test_it_recognises_documents_by_content(content, kind):
    assert check_upload(upload("whatever.bin", content)) == kind


@pytest.mark.parametrize("content", [ELF, MZ, b"<html><script>alert(1)</script>", b"PK\x03\x04zip"])
def test_it_refuses_a_pdf_that_is_really_something_else(content):
    with pytest.raises(ValidationError) as info:
        check_upload(upload("license.pdf", content))
    assert info.value.code == "wrong_type"


def test_it_refuses_a_file_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as info:
        check_upload(upload("big.pdf", b"%PDF-1.7\n" + b"0" * 2000))
    assert info.value.code == "too_large"
    assert "KB" in info.value.messages[0] or "字节" in info.value.messages[0]


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError) as info:
        check_upload(upload("empty.pdf", b""))
    assert info.value.code == "empty"


def test_it_tells_csv_text_from_binary():
    assert check_upload(upload("list.csv", "编码,名称\nA1,营业执照\n".encode()), allowed=(CSV, XLSX)) == CSV
    with pytest.raises(ValidationError):
        check_upload(upload("list.csv", ELF), allowed=(CSV, XLSX))


def test_it_recognises_an_xlsx_workbook():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert check_upload(upload("list.xlsx", buffer.getvalue()), allowed=(CSV, XLSX)) == XLSX
    with pytest.raises(ValidationError):
        check_upload(upload("list.xlsx", buffer.getvalue()), allowed=DOCUMENTS)
