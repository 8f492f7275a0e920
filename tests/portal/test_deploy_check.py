"""`manage.py check --deploy` under production settings reports no issues."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path: Path) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    oidc_key = tmp_path / "oidc.pem"
    oidc_key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    secret_key = tmp_path / "secret_key"
    secret_key.write_text(secrets.token_urlsafe(64))
    kek = tmp_path / "seal.kek"
    kek.write_bytes(secrets.token_bytes(32))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    for name in ("DEBUG", "DEMO_MODE", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        SECRET_KEY_FILE=str(secret_key),
        OIDC_PRIVATE_KEY_FILE=str(oidc_key),
        SEAL_KEK_FILE=str(kek),
        ALLOWED_HOSTS="onegate.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
    )
    return env


def test_it_passes_the_deployment_checklist_in_production_mode(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    env.pop("SECRET_KEY_FILE")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
