"""The Docker build context leaves secrets, local state and caches out of the image.

The Dockerfile copies the whole folder (`COPY . .`), so .dockerignore is what
keeps secrets/, .env, var/ (the SQLite database, generated keys, uploads) and
private keys out of every image layer. The rules are read here as Docker reads
them (moby/patternmatcher): paths relative to the context, `*` and `?` within
one path segment, `**` across segments, a folder's rule covering what is inside
it, and the last matching rule deciding, so a later `!pattern` re-includes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _regex(pattern: str) -> re.Pattern:
    out, i = "", 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):
                i += 1
            out += ".*" if i == len(pattern) else "(.*/)?"
            continue
        if ch == "*":
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "[":
            end = pattern.index("]", i)
            out += pattern[i : end + 1]  # a class, [^…] negated as in Go's filepath.Match
            i = end
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out += re.escape(pattern[i])
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + r"\Z")


def parse(text: str) -> list[tuple[bool, re.Pattern]]:
    """(re-includes, pattern) for each rule, in order."""
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line[1:].strip() if exception else line
        pattern = "/".join(part for part in pattern.strip("/").split("/") if part not in ("", "."))
        rules.append((exception, _regex(pattern)))
    return rules


def excluded(rules, path: str) -> bool:
    """Whether Docker leaves `path` (relative, with /) out of the build context."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]  # the folders above, and the path
    verdict = False
    for exception, pattern in rules:
        if any(pattern.match(prefix) for prefix in prefixes):
            verdict = not exception
    return verdict


@pytest.fixture(scope="module")
def rules():
    return parse((ROOT / ".dockerignore").read_text())


@pytest.mark.parametrize(
    "path",
    [
        "secrets/secret_key",
        "secrets/oidc_private_key",
        "secrets/seal_kek",
        ".env",
        ".env.production",
        "deploy/.env.local",
        "var/onegate.sqlite3",
        "var/seal-kek.key",
        "var/oidc-signing-key.pem",
        "var/private/materials/scan.pdf",
        ".git/config",
        ".venv/bin/python",
        "node_modules/htmx.org/dist/htmx.min.js",
        "test-artifacts/window-receipt.png",
        "tests/test-artifacts/window-receipt.png",
        "portal/__pycache__/settings.cpython-311.pyc",
        "__pycache__/x.pyc",
        "tls/server.key",
        "deploy/certs/private.pem",
        "seals/keys/root.p12",
        "onegate.egg-info/PKG-INFO",
    ],
)
def test_it_keeps_secrets_and_local_state_out_of_the_image(rules, path):
    assert excluded(rules, path), f"{path} would be copied into the image"


@pytest.mark.parametrize(
    "path",
    [
        "manage.py",
        "pyproject.toml",
        "README.md",
        "package.json",
        "portal/settings.py",
        "portal/wsgi.py",
        "templates/base.html",
        "static/css/onegate.css",
        "static/img/favicon.ico",
        "locale/zh_Hans/LC_MESSAGES/django.po",
        "services/locale/zh_Hans/LC_MESSAGES/django.po",
    ],
)
def test_it_copies_what_the_app_runs_on(rules, path):
    assert not excluded(rules, path), f"{path} is left out of the image"


def test_it_copies_what_the_dockerfile_names():
    """Files the Dockerfile copies by name must be in the context."""
    rules = parse((ROOT / ".dockerignore").read_text())
    named = []
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY ") and "--from" not in line:
            named += [source for source in line.split()[1:-1] if source != "."]
    assert named, "the Dockerfile copies nothing by name any more: check this test"
    assert [path for path in named if excluded(rules, path)] == []


def test_the_rules_read_as_docker_reads_them():
    """The control for `excluded`: Docker's order, exceptions, folders and wildcards."""
    rules = parse("secrets/\n!secrets/README.md\n*.log\n**/*.key\ndocs/*.md\n!docs/keep.md\n/build\n[ab]?.txt\n")
    assert excluded(rules, "secrets/token")
    assert excluded(rules, "secrets/nested/token")
    assert not excluded(rules, "secrets/README.md")  # the later exception wins
    assert excluded(rules, "app.log") and not excluded(rules, "logs/app.log")  # * stays in the root
    assert excluded(rules, "a.key") and excluded(rules, "deep/down/a.key")  # ** spans folders, or none
    assert excluded(rules, "docs/guide.md") and not excluded(rules, "docs/keep.md")
    assert not excluded(rules, "docs/sub/guide.md")  # * does not cross a /
    assert excluded(rules, "build/lib/x.py")  # a folder's rule covers its contents; the leading / is the root
    assert excluded(rules, "a1.txt") and not excluded(rules, "c1.txt") and not excluded(rules, "a12.txt")
    assert not excluded(parse("secrets/\n!secrets/\nsecrets/\n!secrets/"), "secrets/x")
    assert not excluded(parse("*.pem\n!*.pem"), "ca.pem") and excluded(parse("!*.pem\n*.pem"), "ca.pem")
