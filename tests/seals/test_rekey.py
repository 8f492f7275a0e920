"""Rotating the key-encryption key: `kek_rotate` and `manage.py seals_rekey --new-kek-file`."""

import base64
import io
import logging
import os
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from seals import keystore, pki, services
from seals.models import Authority, RootAuthority, Seal
from seals.verification import verify_pdf
from tests.factories import DepartmentFactory

# Spelled in two parts so that this file does not contain what it looks for.
PRIVATE_KEY_MARKER = "PRIVATE" + " KEY-----"


@pytest.fixture
def new_kek(tmp_path) -> bytes:
    kek = os.urandom(32)
    (tmp_path / "new-kek").write_text(kek.hex() + "\n")
    return kek


@pytest.fixture
def new_kek_file(tmp_path, new_kek) -> str:
    return str(tmp_path / "new-kek")


@pytest.fixture
def estate(root, seal, one_page_pdf):
    """Every kind of stored key: the root, a seal in use, a rotated-out one, a revoked one, one on a token,
    and a document sealed by the seal that is later rotated out."""
    sealed_before = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    current = services.seal_rotate(seal=seal)
    approval = services.seal_issue(department=seal.department, purpose=Seal.Purpose.APPROVAL)
    police = DepartmentFactory(code="police", name_zh="公安局", name_en="Public Security Bureau")
    revoked = services.seal_issue(department=police)
    services.seal_revoke(seal=revoked, reason="cessation_of_operation", note="不再使用")
    on_token = services.seal_issue(department=police, purpose=Seal.Purpose.APPROVAL)
    Seal.objects.filter(pk=on_token.pk).update(
        key_store=Seal.KeyStore.PKCS11,
        encrypted_key=None,
        kek_id="",
        pkcs11_token_label="onegate-hsm",
        pkcs11_key_label="police-approval",
    )
    return {
        "sealed_before": sealed_before,
        "retired": Seal.objects.get(pk=seal.pk),
        "active": [current, approval],
        "revoked": Seal.objects.get(pk=revoked.pk),
        "on_token": Seal.objects.get(pk=on_token.pk),
    }


def _rows():
    roots = RootAuthority.objects.order_by("pk").values_list("pk", "encrypted_key", "kek_id")
    seals = Seal.objects.order_by("pk").values_list("pk", "key_store", "encrypted_key", "kek_id")
    return [(r[0], bytes(r[1]), r[2]) for r in roots] + [
        (s[0], s[1], bytes(s[2]) if s[2] is not None else None, s[3]) for s in seals
    ]


def _opens(record) -> bool:
    key = keystore.decrypt_private_key(
        record.encrypted_key,
        stored_kek_id=record.kek_id,
        public_key=pki.load_certificate(record.certificate_pem).public_key(),
    )
    return key is not None


def _rekey(new_kek_file, **options) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("seals_rekey", new_kek_file=new_kek_file, stdout=out, stderr=err, **options)
    return out.getvalue() + err.getvalue()


def test_it_rewraps_every_key_and_every_seal_still_signs(estate, root, new_kek, new_kek_file, one_page_pdf, settings):
    old_id = keystore.current_kek_id()

    result = services.kek_rotate(new_kek_file=new_kek_file)

    new_id = keystore.kek_id(new_kek)
    assert (result.old_kek_id, result.new_kek_id) == (old_id, new_id)
    assert (result.rewrapped, result.already_new) == (7, 0)  # root, issuing CA, TSA, in use ×2, rotated out, revoked
    on_token = Seal.objects.get(pk=estate["on_token"].pk)
    assert on_token.encrypted_key is None and on_token.kek_id == ""
    settings.SEAL_KEK_FILE = new_kek_file
    root.refresh_from_db()
    assert root.kek_id == new_id and _opens(root)
    for record in Seal.objects.filter(key_store=Seal.KeyStore.ENCRYPTED):
        assert record.kek_id == new_id and _opens(record)  # rotated-out and revoked keys are kept
    for seal in estate["active"]:
        signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
        assert verify_pdf(signed).ok
    assert verify_pdf(estate["sealed_before"]).ok
    # The root key opens too: a new seal can be issued under the new KEK.
    fresh = services.seal_issue(department=DepartmentFactory(code="housing", name_zh="住房和城乡建设局"))
    assert fresh.kek_id == new_id
    assert verify_pdf(services.seal_pdf(one_page_pdf, seal=fresh, reason="核发", task="test")).ok


def test_the_old_kek_no_longer_opens_the_keys(estate, new_kek_file, one_page_pdf):
    services.kek_rotate(new_kek_file=new_kek_file)

    # SEAL_KEK_FILE still names the old KEK.
    for record in [*RootAuthority.objects.all(), *Seal.objects.filter(key_store=Seal.KeyStore.ENCRYPTED)]:
        with pytest.raises(keystore.KeyEncryptionKeyError, match="Wrong key-encryption key"):
            _opens(record)
    with pytest.raises(keystore.KeyEncryptionKeyError, match="Wrong key-encryption key"):
        services.seal_pdf(one_page_pdf, seal=estate["active"][0], reason="核发", task="test")


def test_it_drops_cached_signers_once_it_commits(
    seal, new_kek_file, one_page_pdf, settings, django_capture_on_commit_callbacks, caplog
):
    settings.SEAL_SIGNER_CACHE_SECONDS = 300
    services.seal_pdf(one_page_pdf, seal=seal, reason="核发", task="test")
    assert seal.pk in services._signers

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.kek_rotate(new_kek_file=new_kek_file)

    # Until the commit the cache and the log are untouched: a rollback leaves them right.
    assert seal.pk in services._signers and "re-wrapped" not in caplog.text
    assert len(callbacks) == 1
    callbacks[0]()
    # The root, the issuing CA, the TSA and the seal.
    assert services._signers == {} and "4 keys re-wrapped" in caplog.text


def test_a_dry_run_registers_nothing_for_the_commit(estate, new_kek_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.kek_rotate(new_kek_file=new_kek_file, dry_run=True)

    assert callbacks == []


def test_a_second_run_is_a_no_op(estate, new_kek_file):
    services.kek_rotate(new_kek_file=new_kek_file)
    after_first = _rows()

    again = services.kek_rotate(new_kek_file=new_kek_file)

    assert (again.rewrapped, again.already_new) == (0, 7)
    assert _rows() == after_first
    assert "0 keys re-wrapped" in _rekey(new_kek_file)
    assert _rows() == after_first


def test_a_key_under_an_unknown_kek_aborts_the_whole_run(estate, new_kek_file):
    last = Seal.objects.filter(key_store=Seal.KeyStore.ENCRYPTED).order_by("pk").last()
    Seal.objects.filter(pk=last.pk).update(kek_id="0123456789abcdef")
    before = _rows()

    with pytest.raises(keystore.KeyEncryptionKeyError) as excinfo:
        services.kek_rotate(new_kek_file=new_kek_file)

    assert f"seal {last.serial_number}" in str(excinfo.value)
    assert "0123456789abcdef" in str(excinfo.value) and "Nothing was changed" in str(excinfo.value)
    assert _rows() == before
    with pytest.raises(CommandError, match=f"seal {last.serial_number}"):
        _rekey(new_kek_file)
    assert _rows() == before


def test_a_key_that_does_not_open_aborts_the_whole_run(estate, new_kek_file):
    retired = estate["retired"]
    other = estate["active"][1]
    Seal.objects.filter(pk=retired.pk).update(encrypted_key=other.encrypted_key)  # a blob moved onto another row
    before = _rows()

    with pytest.raises(keystore.KeyEncryptionKeyError, match=f"seal {retired.serial_number}.*does not open"):
        services.kek_rotate(new_kek_file=new_kek_file)

    assert _rows() == before


def test_the_command_rewraps_and_says_what_to_do_next(estate, new_kek, new_kek_file, settings):
    old_id = keystore.current_kek_id()

    output = _rekey(new_kek_file)

    new_id = keystore.kek_id(new_kek)
    assert f"7 keys re-wrapped from KEK {old_id} to KEK {new_id}" in output
    assert f"SEAL_KEK_FILE={new_kek_file}" in output and "restart web and workers" in output
    assert set(RootAuthority.objects.values_list("kek_id", flat=True)) == {new_id}


def test_the_command_output_and_logs_hold_no_key_material(
    estate, new_kek, new_kek_file, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    old_kek = keystore.load_kek()

    with django_capture_on_commit_callbacks(execute=True):  # the success line is logged on commit
        output = _rekey(new_kek_file, dry_run=True) + _rekey(new_kek_file)

    seen = output + caplog.text
    assert "7 keys re-wrapped" in caplog.text
    for kek in (old_kek, new_kek):
        assert kek.hex() not in seen.lower() and base64.b64encode(kek).decode() not in seen
    assert PRIVATE_KEY_MARKER not in seen and "-----BEGIN" not in seen


def test_a_dry_run_changes_nothing(estate, new_kek, new_kek_file):
    before = _rows()

    output = _rekey(new_kek_file, dry_run=True)

    assert _rows() == before
    assert "Dry run: 7 keys would be re-wrapped" in output and keystore.kek_id(new_kek) in output
    assert "nothing was changed" in output


def test_the_command_refuses_the_kek_in_use(root, tmp_path, settings):
    same = tmp_path / "same-kek"
    same.write_text(base64.b64encode(keystore.load_kek()).decode())  # another spelling of the same key
    before = _rows()

    with pytest.raises(CommandError, match="is the one in use"):
        _rekey(str(same))

    assert _rows() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a key\n", "must hold a 32-byte key"), (b"ab" * 31, "must hold a 32-byte key"), (None, "cannot be read")],
    ids=["garbage", "31-bytes-hex", "missing"],
)
def test_the_command_refuses_a_malformed_kek_file(root, tmp_path, content, message):
    path = tmp_path / "bad-kek"
    if content is not None:
        path.write_bytes(content)
    before = _rows()

    with pytest.raises(CommandError, match=message) as excinfo:
        _rekey(str(path))

    assert str(path) in str(excinfo.value)
    assert _rows() == before


def test_it_reads_the_new_kek_in_the_same_spellings_as_seal_kek_file(tmp_path, new_kek):
    for name, content in [("raw", new_kek), ("hex", new_kek.hex().encode()), ("b64", base64.b64encode(new_kek))]:
        (tmp_path / name).write_bytes(content)
        assert keystore.read_kek_file(Path(tmp_path / name)) == new_kek


# -- a seal created while a rotation runs ----------------------------------------


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _waits_for_a_lock(pid: int) -> bool:
    # pg_locks, not pg_stat_activity: the latter is a snapshot for the rest of the transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("holds", ["old KEK", "new KEK"])
@pytest.mark.parametrize("creation", ["issue", "rotate"])
def test_a_seal_created_during_a_rotation_waits_for_it(seal, new_kek, new_kek_file, settings, creation, holds):
    """A rotation holds the root's lock; a seal issued or rotated meanwhile waits for its commit, then
    opens the re-wrapped root with the new KEK or fails cleanly: no key is ever left under the old KEK."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (CI)")
    old_id, new_id = keystore.current_kek_id(), keystore.kek_id(new_kek)
    creator_pid = _backend_pid()
    rotated, go = threading.Event(), threading.Event()
    seen = {}

    def rotate():
        try:
            with transaction.atomic():
                seen["rotation"] = services.kek_rotate(new_kek_file=new_kek_file)
                rotated.set()  # the root and every seal row are locked and re-wrapped, not yet committed
                go.wait(timeout=10)
                # Commit only once the creator is seen waiting for a lock (or after 10 s, for the report).
                waited, deadline = False, time.monotonic() + 10
                while not waited and time.monotonic() < deadline:
                    waited = _waits_for_a_lock(creator_pid)
                    if not waited:
                        time.sleep(0.02)
                seen["creator_waited"] = waited
                seen["released_at"] = time.monotonic()
        except Exception as exc:  # noqa: BLE001  (reported below)
            seen["rotation_error"] = exc
            rotated.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=rotate)
    thread.start()
    try:
        assert rotated.wait(timeout=30) and "rotation_error" not in seen
        if holds == "new KEK":  # this process was restarted with the new KEK before the rotation committed
            settings.SEAL_KEK_FILE = new_kek_file
        go.set()
        try:
            if creation == "issue":
                services.seal_issue(department=seal.department, purpose=Seal.Purpose.APPROVAL)
            else:
                services.seal_rotate(seal=seal)
        except keystore.KeyEncryptionKeyError as exc:
            seen["creation_error"] = exc
        seen["created_at"] = time.monotonic()
    finally:
        go.set()
        thread.join(timeout=60)
    assert not thread.is_alive() and "rotation_error" not in seen
    # The root, the issuing CA, the TSA and the seal; nothing issued meanwhile slipped past it.
    assert seen["rotation"].rewrapped == 4

    # The creation blocked on the root's lock until the rotation committed.
    assert seen["creator_waited"] and seen["created_at"] > seen["released_at"]
    root = RootAuthority.objects.get()
    assert root.kek_id == new_id
    assert set(Authority.objects.values_list("kek_id", flat=True)) == {new_id}
    stored = set(Seal.objects.filter(key_store=Seal.KeyStore.ENCRYPTED).values_list("kek_id", flat=True))
    assert stored == {new_id}  # no seal under a KEK other than the root's
    if holds == "old KEK":
        message = str(seen["creation_error"])
        assert "Wrong key-encryption key" in message and new_id in message and old_id in message
        assert list(Seal.objects.values_list("pk", "status")) == [(seal.pk, Seal.Status.ACTIVE)]  # rolled back
    else:
        assert "creation_error" not in seen
        assert Seal.objects.count() == 2
        assert Seal.objects.active().count() == (2 if creation == "issue" else 1)
