"""The seal-usage log: every signature recorded, chained by hashes, audited by seals_audit."""

import threading
from io import BytesIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from pyhanko.pdf_utils.reader import PdfFileReader

from seals import selectors, services
from seals.models import SealLogHead, SealUsage
from tests.conftest import is_postgres
from tests.factories import UserFactory
from tests.seals.conftest import sha256


@pytest.fixture
def three_entries(seal, one_page_pdf):
    clerk = UserFactory()
    outputs = [
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", related=("licenses.license", "7"), actor=clerk),
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发食品经营许可证", task="licenses.issue"),
        services.seal_pdf(one_page_pdf, seal=seal, reason="补发营业执照", related=seal.department, task="licenses.issue"),
    ]
    return outputs, clerk


def _signed_revision_sha256(pdf: bytes) -> str:
    """Computed here from the signature's /ByteRange, not with the code under test."""
    reader = PdfFileReader(BytesIO(pdf))
    [signature] = reader.embedded_regular_signatures
    start, first_length, second_start, second_length = (int(v) for v in signature.sig_object["/ByteRange"])
    assert start == 0 and second_start > first_length
    return sha256(pdf[: second_start + second_length])


def test_it_records_every_signature(three_entries, seal):
    (first, second, third), clerk = three_entries

    entries = list(SealUsage.objects.order_by("seq"))
    assert [u.seq for u in entries] == [1, 2, 3]
    # Each entry holds the hash of what its signature covers (the file up to the end of the
    # signature's byte range), which the DSS and document timestamp added after it leave alone.
    assert [u.document_sha256 for u in entries] == [_signed_revision_sha256(pdf) for pdf in (first, second, third)]
    assert all(u.document_sha256 != sha256(pdf) for u, pdf in zip(entries, (first, second, third), strict=True))
    assert [selectors.usage_of(pdf) for pdf in (first, second, third)] == entries
    assert entries[0].actor == clerk and entries[0].related_type == "licenses.license" and entries[0].related_id == "7"
    assert entries[1].task == "licenses.issue" and entries[1].purpose == "核发食品经营许可证"
    assert entries[2].related_object() == seal.department
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].entry_hash and entries[2].prev_hash == entries[1].entry_hash
    head = SealLogHead.objects.get()
    assert (head.seq, head.last_hash) == (3, entries[2].entry_hash)


def test_it_needs_an_actor_or_a_task(seal, one_page_pdf):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照")
    assert not SealUsage.objects.exists()


def test_the_audit_passes_an_intact_log(three_entries, capsys):
    call_command("seals_audit")

    assert "intact: 3 entries" in capsys.readouterr().out


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_audit_detects_an_edited_row(three_entries):
    _sql("UPDATE seals_sealusage SET purpose = %s WHERE seq = 2", ["核发营业执照（已改）"])

    with pytest.raises(CommandError, match="broken at entry 2: its content does not match its hash"):
        call_command("seals_audit")


def test_the_audit_detects_an_edited_row_whose_hash_was_recomputed(three_entries, seal):
    from seals import ledger

    usage = SealUsage.objects.get(seq=2)
    usage.document_sha256 = "0" * 64
    _sql(
        "UPDATE seals_sealusage SET document_sha256 = %s, entry_hash = %s WHERE seq = 2",
        [usage.document_sha256, ledger.hash_of(usage, seal.serial_number)],
    )

    with pytest.raises(CommandError, match="broken at entry 3: its link to the previous entry does not match"):
        call_command("seals_audit")


def test_the_audit_detects_a_deleted_row(three_entries):
    _sql("DELETE FROM seals_sealusage WHERE seq = 2")

    with pytest.raises(CommandError, match="broken at entry 2: entry 2 is missing"):
        call_command("seals_audit")


def test_the_audit_detects_a_deleted_newest_row(three_entries):
    _sql("DELETE FROM seals_sealusage WHERE seq = 3")

    with pytest.raises(CommandError, match="broken at entry 3: the log ends at entry 2, but its head records entry 3"):
        call_command("seals_audit")


def test_the_audit_passes_an_empty_log(db, capsys):
    call_command("seals_audit")

    assert "intact: 0 entries" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain(department, one_page_pdf):
    if not is_postgres():
        pytest.skip("needs PostgreSQL's row locks")
    from django.db import connections

    services.root_create()
    seal = services.seal_issue(department=department)
    errors = []

    def append(n):
        try:
            for i in range(5):
                services.usage_append(
                    seal=seal, document_sha256=f"{n:032x}{i:032x}", purpose="并发", task=f"worker-{n}",
                    at=seal.issued_at,
                )  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert list(SealUsage.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 31))
    call_command("seals_audit")
