"""The repository's top level, and one spelling of "license".

The top level is the project's design card (`manage.py portal/ services/
approvals/ licenses/ seals/ templates/ static/ tests/ docker-compose.yml
pyproject.toml README.md`), the two apps added since (`supervision/`,
`deadlines/`), the departmental API (`api/`) and what supports the work on it.
A new entry at the top is a decision: add it here, and say in CONTRIBUTING.md
what it holds.

The code, templates and docs spell the word one way, "license". The British
plural is left only in migration history and in the first release's addresses
(under `/me/` and `/staff/`), which redirect to the new ones for good: the
redirect, its page in docs/ and its tests name them. (This file spells the word
in two halves, so that `git grep` for it finds none here either.)
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DESIGN_CARD = {
    "manage.py", "portal", "services", "approvals", "licenses", "seals", "templates", "static", "tests",
    "docker-compose.yml", "pyproject.toml", "README.md",
}
APPS_ADDED = {"supervision", "deadlines", "api"}
SUPPORT = {
    ".ci", ".dockerignore", ".gitignore", "CONTRIBUTING.md", "Dockerfile", "Makefile",
    "bench", "docs", "locale", "tools", "package.json", "package-lock.json",
}
PLURAL = "licen" + "ces"  # the British plural
# Made by `make`, by a run or by the tests, and ignored by git.
NOT_KEPT = {".git", ".venv", "node_modules", "var", "test-artifacts", ".pytest_cache", ".hypothesis", "__pycache__"}


def _made(parts: tuple[str, ...]) -> bool:
    return bool(NOT_KEPT & set(parts)) or any(part.endswith(".egg-info") for part in parts)


def kept_files() -> list[Path]:
    """The files git keeps (relative paths); outside a git checkout, every file but what `make` and runs make."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return [
            path.relative_to(ROOT)
            for path in ROOT.rglob("*")
            if path.is_file() and path.suffix != ".mo" and not _made(path.relative_to(ROOT).parts)
        ]
    return [Path(name) for name in listing.split("\0") if name and (ROOT / name).is_file()]


def test_the_top_level_is_the_design_card_and_the_apps_added_since():
    top = {path.parts[0] for path in kept_files()}
    assert top >= DESIGN_CARD | APPS_ADDED, f"missing at the top: {sorted(DESIGN_CARD | APPS_ADDED - top)}"
    assert top <= DESIGN_CARD | APPS_ADDED | SUPPORT, f"new at the top: {sorted(top - DESIGN_CARD - APPS_ADDED - SUPPORT)}"


def test_there_is_no_app_of_the_old_spelling():
    assert not (ROOT / PLURAL).exists()


BRITISH = re.compile(PLURAL, re.IGNORECASE)
OLD_ADDRESS = re.compile(f"/{PLURAL}/")


def _stray(line: str) -> bool:
    """The line spells the British plural somewhere other than in an old address."""
    return len(BRITISH.findall(line)) > len(OLD_ADDRESS.findall(line))


def test_the_british_plural_is_left_only_in_migration_history_and_the_old_addresses():
    stray = []
    for path in kept_files():
        if "migrations" in path.parts or path.suffix in {".png", ".pdf", ".mo", ".ico", ".woff2", ".p12"}:
            continue
        try:
            text = (ROOT / path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if _stray(line):
                stray.append(f"{path}:{number}: {line.strip()[:120]}")
    assert stray == [], "the British spelling outside migrations and the old addresses:\n" + "\n".join(stray)


def test_the_check_finds_the_british_spelling_where_it_is_not_an_old_address():
    assert _stray(f"{PLURAL.title()} are issued; see /me/{PLURAL}/ (the old address).")
    assert not _stray(f"/staff/{PLURAL}/?status=valid")
