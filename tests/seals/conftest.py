"""Fixtures for the seals tests: one-page PDFs, an independent validator
(pyhanko-cli) and a local TSA; the seal settings (a KEK per test), the root CA
and the department seal are tests/conftest.py's."""

import hashlib
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest


VENV_BIN = Path(sys.executable).parent  # the environment the tests run in, where pyhanko-cli is installed


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
def _seal_settings(seal_settings):
    """Every test here has the seal settings of tests/conftest.py, even without a seal."""


@pytest.fixture
def root_created_at(db, seal_settings):
    """Create the CA hierarchy (root, issuing CA, TSA and their CRLs) as of a given moment, for
    tests that travel to a fixed date: the hierarchy must exist by then, as it would in production."""
    import time_machine

    from seals import services

    def create(at):
        with time_machine.travel(at, tick=False):
            return services.root_create()

    return create


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
