"""Private keys at rest: AES-256-GCM under the KEK from SEAL_KEK_FILE; clear errors when it is wrong."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from seals import checks, keystore, pki, services
from seals.verification import verify_pdf

REPO = Path(__file__).resolve().parents[2]


def test_it_round_trips_a_key(settings, db):
    key = pki.generate_key()

    blob, kek_id = keystore.encrypt_private_key(key)

    opened = keystore.decrypt_private_key(blob, stored_kek_id=kek_id, public_key=key.public_key())
    assert opened.private_numbers() == key.private_numbers()
    assert blob.startswith(b"OGK1") and b"PRIVATE" not in blob


def test_it_creates_the_kek_in_demo_mode_readable_by_the_owner_only(settings):
    keystore.load_kek()

    path = Path(settings.SEAL_KEK_FILE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(path.read_text().strip())) == 32


@pytest.mark.parametrize(
    "content",
    [b"\x01" * 32, b"ab" * 32 + b"\n", b"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n"],
    ids=["raw", "hex", "base64"],
)
def test_it_reads_the_kek_in_three_spellings(settings, tmp_path, content):
    settings.SEAL_KEK_FILE = str(tmp_path / "kek")
    Path(settings.SEAL_KEK_FILE).write_bytes(content)

    assert len(keystore.load_kek()) == 32


def test_it_refuses_a_kek_of_the_wrong_size(settings, tmp_path):
    settings.SEAL_KEK_FILE = str(tmp_path / "kek")
    Path(settings.SEAL_KEK_FILE).write_text("too short\n")

    with pytest.raises(keystore.KeyEncryptionKeyError, match="must hold a 32-byte key"):
        keystore.load_kek()
    assert [e.id for e in checks.kek_readable(None)] == ["seals.E001"]


def test_it_says_wrong_kek_rather_than_failing_obscurely(seal, one_page_pdf, settings, tmp_path):
    settings.SEAL_KEK_FILE = str(tmp_path / "another-kek")
    services.forget_signers()

    with pytest.raises(keystore.KeyEncryptionKeyError, match="Wrong key-encryption key"):
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    errors = checks.kek_matches_stored_keys(None, databases=["default"])
    assert [e.id for e in errors] == ["seals.E002"]
    assert "Wrong key-encryption key" in errors[0].msg


def test_the_database_check_passes_with_the_right_kek(seal):
    assert checks.kek_matches_stored_keys(None, databases=["default"]) == []


def test_it_detects_a_key_blob_moved_to_another_record(root, department, one_page_pdf):
    seal = services.seal_issue(department=department)
    other = services.seal_issue(department=department, purpose="approval")
    type(seal).objects.filter(pk=seal.pk).update(encrypted_key=other.encrypted_key)
    seal.refresh_from_db()

    with pytest.raises(keystore.KeyEncryptionKeyError, match="does not open"):
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")


def test_it_caches_the_decrypted_signer_for_a_bounded_time(seal, one_page_pdf, settings):
    settings.SEAL_SIGNER_CACHE_SECONDS = 0
    assert verify_pdf(services.seal_pdf(one_page_pdf, seal=seal, reason="核发", task="test")).ok
    assert services._signers == {}

    settings.SEAL_SIGNER_CACHE_SECONDS = 300
    services.seal_pdf(one_page_pdf, seal=seal, reason="核发", task="test")
    assert seal.pk in services._signers
    services.seal_revoke(seal=seal, reason="key_compromise", note="泄露")
    assert seal.pk not in services._signers


def test_production_refuses_to_start_without_a_kek(settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    settings.SEAL_KEK_FILE = ""

    with pytest.raises(ImproperlyConfigured, match="SEAL_KEK_FILE is not set"):
        checks.require_kek_in_production()

    settings.SEAL_KEK_FILE = "/nonexistent/seal-kek"
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        checks.require_kek_in_production()


def _production_env(tmp_path, **extra):
    oidc_key = tmp_path / "oidc.pem"
    from portal.devkeys import local_oidc_key

    local_oidc_key(oidc_key)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SEAL_", "DEMO", "DEBUG", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="0",
        DEMO_MODE="0",
        HTTPS="1",
        SECRET_KEY="a-production-like-secret-key-" + "k3y" * 20,
        ALLOWED_HOSTS="onegate.example",
        OIDC_PRIVATE_KEY_FILE=str(oidc_key),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
        **extra,
    )
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_start_up_fails_clearly_without_a_kek(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy")

    assert result.returncode != 0
    assert "SEAL_KEK_FILE is not set" in result.stderr


def test_production_check_deploy_has_nothing_to_say_about_seals(tmp_path):
    kek = tmp_path / "seal_kek"
    kek.write_text(os.urandom(32).hex())

    result = _manage(_production_env(tmp_path, SEAL_KEK_FILE=str(kek)), "check", "--deploy")

    assert result.returncode == 0, result.stderr
    assert "seals." not in result.stdout + result.stderr
    assert "SEAL_KEK" not in result.stdout + result.stderr
