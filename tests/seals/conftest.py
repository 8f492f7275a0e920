"""Fixtures for the seals tests: a KEK per test, the root CA, a department seal,
one-page PDFs, an independent validator (pyhanko-cli) and a local TSA."""

import hashlib
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from tests.factories import DepartmentFactory

VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


@lru_cache(maxsize=4)
def _pdf(text: str) -> bytes:
    from weasyprint import HTML

    html = f"""<html lang="zh-Hans"><head><style>
      @page {{ size: A4; margin: 25mm }} body {{ font-family: "Noto Serif CJK SC"; }}
    </style></head><body><h1>{text}</h1><p>证照编号 HLD-2026-000123 · 持证人 王小明</p></body></html>"""
    return HTML(string=html).write_pdf()


@pytest.fixture
def one_page_pdf() -> bytes:
    return _pdf("营业执照 Business license")


@pytest.fixture(autouse=True)
def _seal_settings(settings, tmp_path):
    """A KEK of its own for every test, no TSA, and messages in English unless a page says otherwise."""
    from django.utils import translation

    from seals import services

    translation.activate("en")
    settings.SEAL_KEK_FILE = str(tmp_path / "seal-kek.key")
    settings.SEAL_TSA_URL = ""
    settings.SEAL_TSA_TRUST_FILE = ""
    settings.SITE_URL = "http://testserver"
    services.forget_signers()
    yield
    services.forget_signers()
    translation.deactivate()


@pytest.fixture
def root(db):
    from seals import services

    return services.root_create()


@pytest.fixture
def department(db):
    return DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")


@pytest.fixture
def seal(root, department):
    from seals import services

    return services.seal_issue(department=department)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pyhanko_validate(pdf: bytes, root_pem: str, tmp_path: Path, *, extra=()) -> subprocess.CompletedProcess:
    """pyHanko's own validator, as a separate process: `pyhanko sign validate --trust root.pem`."""
    (tmp_path / "root.pem").write_text(root_pem)
    (tmp_path / "document.pdf").write_bytes(pdf)
    return subprocess.run(
        [str(VENV_BIN / "pyhanko"), "sign", "validate", *extra, "--trust", "root.pem", "document.pdf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
