"""Smaller CJK fonts for the PDFs the portal seals (licenses, decisions, reports).

WeasyPrint embeds a subset of each font it uses, but it keeps the glyph ids
of the original font, so a subset of Noto CJK (65,000 glyphs) still carries an
empty slot for every glyph up to the last one used: about 90 KiB per face, and
most of the rendering time goes into cutting it. Licenses therefore use two
faces cut once from the system's Noto CJK fonts to the characters of GB 2312
(6,763 hanzi and its symbols) plus Latin and punctuation: "OneGate Sans"
(Noto Sans CJK SC Regular) and "OneGate Serif" (Noto Serif CJK SC Bold).
Templates list the full Noto families after them, so a rarer character (a
name with 喆 or 堃) still prints, from the full font.

The cut uses libharfbuzz-subset (Debian's libharfbuzz-subset0, which
WeasyPrint needs anyway) and takes about a second per face; the result is
kept under VAR_DIR/fonts, keyed by the source file, so each machine does it
once. Without the library, or without the Noto fonts, licenses use the full
system fonts: correct, only larger and slower.
"""

import ctypes
import functools
import hashlib
import logging
import os
import subprocess
import tempfile
import threading
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# Part of the cut's cache key: a new value cuts the faces again on every machine.
CHARSET_VERSION = "gb2312-latin1-v2"
# OpenType features kept besides HarfBuzz's defaults: pwid, the proportional (Latin) widths of
# the quotation marks, dashes and ellipses that a Chinese face draws a full square wide, which the
# documents' English lines ask for (font-variant-east-asian: proportional-width).
EXTRA_FEATURES = ["pwid"]
_LAYOUT_FEATURE_TAGS = 6  # HB_SUBSET_SETS_LAYOUT_FEATURE_TAG

# family, weight, fontconfig pattern of the source face
FACES = [
    ("OneGate Sans", "normal", "Noto Sans CJK SC:style=Regular"),
    ("OneGate Serif", "bold", "Noto Serif CJK SC:style=Bold"),
]

_lock = threading.Lock()


def charset() -> set[int]:
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    chars |= set(range(0x2000, 0x2070)) | set(range(0x2100, 0x2200)) | set(range(0x2460, 0x24A0))
    chars |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((first, second)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def _source(pattern: str) -> tuple[str, int] | None:
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\n%{index}\n%{family}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(out) < 3 or "Noto" not in out[2] or not out[0]:
        return None
    return out[0], int(out[1] or 0)


def _harfbuzz():
    hb = ctypes.CDLL("libharfbuzz.so.0")
    hbs = ctypes.CDLL("libharfbuzz-subset.so.0")
    p = ctypes.c_void_p
    hb.hb_blob_create_from_file_or_fail.restype = p
    hb.hb_blob_create_from_file_or_fail.argtypes = [ctypes.c_char_p]
    hb.hb_face_create.restype = p
    hb.hb_face_create.argtypes = [p, ctypes.c_uint]
    hb.hb_set_add.argtypes = [p, ctypes.c_uint32]
    hb.hb_face_reference_blob.restype = p
    hb.hb_face_reference_blob.argtypes = [p]
    hb.hb_blob_get_data.restype = ctypes.c_void_p
    hb.hb_blob_get_data.argtypes = [p, ctypes.POINTER(ctypes.c_uint)]
    for name in ("hb_blob_destroy", "hb_face_destroy"):
        getattr(hb, name).argtypes = [p]
    hbs.hb_subset_input_create_or_fail.restype = p
    hbs.hb_subset_input_unicode_set.restype = p
    hbs.hb_subset_input_unicode_set.argtypes = [p]
    hbs.hb_subset_input_set.restype = p
    hbs.hb_subset_input_set.argtypes = [p, ctypes.c_int]
    hbs.hb_subset_input_destroy.argtypes = [p]
    hbs.hb_subset_or_fail.restype = p
    hbs.hb_subset_or_fail.argtypes = [p, p]
    return hb, hbs


def _cut(path: str, index: int, chars: set[int]) -> bytes:
    hb, hbs = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(path.encode())
    if not blob:
        raise OSError(f"cannot read {path}")
    face = hb.hb_face_create(blob, index)
    subset_input = hbs.hb_subset_input_create_or_fail()
    unicodes = hbs.hb_subset_input_unicode_set(subset_input)
    for char in sorted(chars):
        hb.hb_set_add(unicodes, char)
    features = hbs.hb_subset_input_set(subset_input, _LAYOUT_FEATURE_TAGS)
    for tag in EXTRA_FEATURES:
        hb.hb_set_add(features, int.from_bytes(tag.encode(), "big"))
    result = hbs.hb_subset_or_fail(face, subset_input)
    try:
        if not result:
            raise OSError(f"HarfBuzz could not subset {path}")
        out_blob = hb.hb_face_reference_blob(result)
        length = ctypes.c_uint()
        data = hb.hb_blob_get_data(out_blob, ctypes.byref(length))
        content = ctypes.string_at(data, length.value)
        hb.hb_blob_destroy(out_blob)
        return content
    finally:
        if result:
            hb.hb_face_destroy(result)
        hbs.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _cache_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "fonts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        folder = Path(tempfile.gettempdir()) / "onegate-fonts"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def _face_file(family: str, pattern: str) -> Path | None:
    source = _source(pattern)
    if source is None:
        return None
    path, index = source
    stat = os.stat(path)
    key = hashlib.sha256(f"{path}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{CHARSET_VERSION}".encode()).hexdigest()[:16]
    target = _cache_dir() / f"{family.replace(' ', '')}-{key}.otf"
    if not target.exists():
        content = _cut(path, index, charset())
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as handle:
            handle.write(content)
        os.replace(handle.name, target)  # atomic: concurrent processes never see half a font
        logger.info("pdf fonts: cut %s from %s (%d bytes)", family, path, len(content))
    return target


@functools.cache
def _font_faces_css() -> str:
    rules = []
    for family, weight, pattern in FACES:
        try:
            target = _face_file(family, pattern)
        except OSError as exc:
            logger.warning("pdf fonts: using the full system fonts (%s)", exc)
            return ""
        if target is None:
            logger.warning("pdf fonts: %s not found; using the system fonts", pattern)
            return ""
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{target.as_uri()}"); font-weight: {weight}; }}'
        )
    return "\n".join(rules)


def font_faces_css() -> str:
    """@font-face rules for the sealed documents' templates ("" when the system fonts must do)."""
    with _lock:
        return _font_faces_css()
