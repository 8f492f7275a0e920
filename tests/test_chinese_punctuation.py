"""Chinese text uses Chinese punctuation: no ASCII , . : ; ? ! ( ) beside a Chinese character.

Every Chinese msgstr of the portal's catalogues and every piece of literal
Chinese text in its templates is checked. Placeholders (%(name)s, {name}),
URLs, HTML tags and template tags are taken out first, so "%(count)s." or
"3.5" are not mistaken for Chinese sentences; what is left is Chinese prose.
"""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "node_modules", "var", "test-artifacts", ".git", "static", "docs"}

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# An ASCII mark with a Chinese character directly before or after it.
ASCII_BESIDE_CHINESE = re.compile(rf"[{CJK}][,.:;?!()]|[,.:;?!()][{CJK}]")
HAS_CHINESE = re.compile(rf"[{CJK}]")

NOT_PROSE = [
    re.compile(r"%\(\w+\)[sdifr]|%[sdif]"),  # printf placeholders
    re.compile(r"\{\w*(?:\.\w+)*(?:![rsa])?(?::[^{}]*)?\}"),  # str.format placeholders
    re.compile(r"(?:https?|mailto):\S+|\b[\w-]+(?:\.[\w-]+)+/\S*"),  # URLs and paths
    re.compile(r"<code>.*?</code>|`[^`]*`", re.S),  # code
    re.compile(r"<(?!/?(?:br|p|div|li|ul|ol|td|th|tr|h\d|dt|dd|section|table)\b)[^>]+>"),  # inline HTML tags
]
# Tags that end a line or a cell: the text on either side of them is not one sentence.
BLOCK_TAGS = re.compile(r"<[^>]+>")


def prose(text: str) -> str:
    for pattern in NOT_PROSE:
        text = pattern.sub("", text)
    return BLOCK_TAGS.sub("\n", text)


def violations(text: str) -> list[str]:
    text = prose(text)
    return [text[max(m.start() - 8, 0) : m.end() + 8] for m in ASCII_BESIDE_CHINESE.finditer(text)]


def _walk(patterns):
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
                yield path


def catalogues():
    return list(_walk(["locale/zh_Hans/LC_MESSAGES/django.po", "*/locale/zh_Hans/LC_MESSAGES/django.po"]))


def templates():
    return [path for path in _walk(["**/templates/**/*.html", "**/templates/**/*.txt"]) if path.is_file()]


TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
COMMENT_BLOCK = re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|<!--.*?-->", re.S)


def template_text(source: str) -> str:
    """The literal text of a template: what it shows without its tags and variables."""
    return TEMPLATE_SYNTAX.sub(" ", COMMENT_BLOCK.sub(" ", source))


def test_the_checks_see_the_catalogues_and_templates():
    assert len(catalogues()) >= 8
    assert any(path.name == "base.html" for path in templates())


@pytest.mark.parametrize(
    "text, found",
    [
        ("共 2 次到访, 0 次违规.", True),
        ("请登录.", True),
        ("密码(重复)", True),
        ("共 2 次到访，0 次违规。", False),
        ("版本 3.5 已发布。", False),
        ("共%(count)s件。", False),
        ("%(name)s: %(value)s", False),
        ("详见 https://example.gov.cn/a.b?x=1。", False),
        ('<a href="/x/">链接</a>。', False),
        ('请先<a href="/x/">注册</a>.', True),
        ("序号<br>No.</th><th>材料", False),
        ("Sign in.", False),
    ],
)
def test_it_tells_chinese_punctuation_from_ascii(text, found):
    assert bool(violations(text)) is found


def test_every_chinese_msgstr_uses_chinese_punctuation():
    found = []
    for path in catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                if HAS_CHINESE.search(text):
                    found += [f"{path.relative_to(ROOT)}: {entry.msgid!r} → {text!r} ({bad!r})" for bad in violations(text)]
    assert found == [], "\n".join(found)


def test_every_template_writes_its_chinese_with_chinese_punctuation():
    found = []
    for path in templates():
        text = template_text(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(ROOT)}: {bad!r}" for bad in violations(text)]
    assert found == [], "\n".join(found)
