"""The seal image: a red round seal drawn as vector outlines.

The department's name runs clockwise along the upper arc, a five-pointed star
sits in the centre and the seal's purpose is written underneath. Glyphs are
taken from the Noto CJK font (Debian's fonts-noto-cjk) and converted to
outlines, so the image needs no font wherever it is shown: the same geometry
becomes an SVG for web pages and a PDF content stream for the signature
appearance, both crisp at any size.
"""

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from fontTools.misc.transform import Transform
from fontTools.pens.basePen import BasePen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTCollection, TTFont

SIZE_MM = 40.0  # the usual diameter of a department's round seal
SIZE_PT = SIZE_MM / 25.4 * 72
RED = (0.902, 0.0, 0.071)  # #E60012, seal-paste red
FONT_DIRS = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto"]
# Song-style (serif) bold is what seal engravers use; sans is the fallback.
FONT_FILES = ["NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.ttc", "NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"]


class SealArtworkError(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _font() -> TTFont:
    for folder in FONT_DIRS:
        for name in FONT_FILES:
            path = Path(folder) / name
            if not path.exists():
                continue
            for face in TTCollection(str(path), lazy=True).fonts:
                if "SC" in face["name"].getDebugName(1).split():  # the Simplified Chinese face
                    return face
    raise SealArtworkError("No Noto CJK font found: install the Debian package fonts-noto-cjk.")


class _Recorder(BasePen):
    """Collects outline segments in seal coordinates (points, y up)."""

    def __init__(self):
        super().__init__(None)
        self.segments: list[tuple] = []

    def _moveTo(self, pt):
        self.segments.append(("M", pt))

    def _lineTo(self, pt):
        self.segments.append(("L", pt))

    def _curveToOne(self, p1, p2, p3):
        self.segments.append(("C", p1, p2, p3))

    def _closePath(self):
        self.segments.append(("Z",))

    _endPath = _closePath


@dataclass(frozen=True)
class SealArtwork:
    size: float  # points; the seal is a circle of this diameter
    ring_width: float
    glyphs: tuple  # outline segments of the name and the purpose
    star: tuple  # the star's corners
    label: str

    def svg(self) -> str:
        s = self.size
        flip = lambda pt: f"{pt[0]:.2f} {s - pt[1]:.2f}"  # noqa: E731  (SVG's y axis points down)
        d = []
        for seg in self.glyphs:
            if seg[0] == "Z":
                d.append("Z")
            else:
                d.append(seg[0] + " " + " ".join(flip(p) for p in seg[1:]))
        star = " ".join(flip(p) for p in self.star)
        red = "#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in RED))
        r = (s - self.ring_width) / 2
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE_MM:g}mm" height="{SIZE_MM:g}mm" '
            f'viewBox="0 0 {s:.2f} {s:.2f}" role="img" aria-label={quoteattr(self.label)}>'
            f"<title>{escape(self.label)}</title>"
            f'<circle cx="{s / 2:.2f}" cy="{s / 2:.2f}" r="{r:.2f}" fill="none" stroke="{red}" '
            f'stroke-width="{self.ring_width:.2f}"/>'
            f'<path fill="{red}" d="{" ".join(d)}"/>'
            f'<polygon fill="{red}" points="{star}"/>'
            "</svg>"
        )

    def pdf_operators(self) -> bytes:
        """A content stream drawing the seal in a box of size × size points."""
        s = self.size
        c = s / 2
        r = (s - self.ring_width) / 2
        k = 0.5523 * r  # Bézier handle for a quarter circle
        ops = [
            "q %.3f %.3f %.3f rg %.3f %.3f %.3f RG" % (RED + RED),
            f"{self.ring_width:.2f} w",
            f"{c + r:.2f} {c:.2f} m",
            f"{c + r:.2f} {c + k:.2f} {c + k:.2f} {c + r:.2f} {c:.2f} {c + r:.2f} c",
            f"{c - k:.2f} {c + r:.2f} {c - r:.2f} {c + k:.2f} {c - r:.2f} {c:.2f} c",
            f"{c - r:.2f} {c - k:.2f} {c - k:.2f} {c - r:.2f} {c:.2f} {c - r:.2f} c",
            f"{c + k:.2f} {c - r:.2f} {c + r:.2f} {c - k:.2f} {c + r:.2f} {c:.2f} c",
            "h S",
        ]
        for seg in self.glyphs:
            op = seg[0]
            if op == "Z":
                ops.append("h")
            else:
                coords = " ".join(f"{x:.2f} {y:.2f}" for x, y in seg[1:])
                ops.append(f"{coords} {'m' if op == 'M' else 'l' if op == 'L' else 'c'}")
        ops.append("f")
        ops.append(f"{self.star[0][0]:.2f} {self.star[0][1]:.2f} m")
        ops.extend(f"{x:.2f} {y:.2f} l" for x, y in self.star[1:])
        ops.append("h f Q")
        return "\n".join(ops).encode("ascii")


def _draw(pen, text: str, placements) -> None:
    """Draw each character of `text` with the transform that `placements` gives it."""
    font = _font()
    cmap = font.getBestCmap()
    glyph_set = font.getGlyphSet()
    for char, transform in zip(text, placements, strict=True):
        name = cmap.get(ord(char))
        if name is None:
            raise SealArtworkError(f"The seal font has no glyph for {char!r}.")
        glyph_set[name].draw(TransformPen(pen, transform))


def _em_centre() -> tuple[float, float, float]:
    """(units per em, x centre, y centre) of the ideographic em box."""
    font = _font()
    upem = font["head"].unitsPerEm
    os2 = font["OS/2"]
    return upem, upem / 2, (os2.sTypoAscender + os2.sTypoDescender) / 2


def draw_seal(name: str, purpose: str, *, size: float = SIZE_PT) -> SealArtwork:
    """The artwork of a seal reading `name` along the arc and `purpose` underneath."""
    name = "".join(name.split())
    purpose = "".join(purpose.split())
    if not name:
        raise SealArtworkError("A seal needs a name.")
    R = size / 2
    ring = size * 0.032
    upem, gx, gy = _em_centre()
    pen = _Recorder()

    # The name: evenly spaced glyphs, upright towards the rim, narrowed like seal script.
    n = len(name)
    span = min(220.0, max(90.0, n * 27.0)) if n > 1 else 0.0
    step = span / (n - 1) if n > 1 else 0.0
    font_size = R * 0.30
    for _ in range(2):  # shrink long names until neighbouring glyphs keep a gap
        radius = R - ring - R * 0.06 - font_size / 2
        if n > 1:
            font_size = min(R * 0.30, math.radians(step) * radius / (0.8 * 1.25))
    radius = R - ring - R * 0.06 - font_size / 2
    scale = font_size / upem
    placements = []
    for i in range(n):
        theta = math.radians(-span / 2 + i * step)  # clockwise from the top
        x = R + radius * math.sin(theta)
        y = R + radius * math.cos(theta)
        placements.append(Transform().translate(x, y).rotate(-theta).scale(0.8 * scale, scale).translate(-gx, -gy))
    _draw(pen, name, placements)

    # The purpose: one straight line under the star.
    if purpose:
        p_size = min(R * 0.17, (R * 1.1) / (len(purpose) * 0.92))
        p_scale = p_size / upem
        advance = p_size * 0.92
        left = R - advance * len(purpose) / 2 + advance / 2
        _draw(
            pen,
            purpose,
            [
                Transform().translate(left + i * advance, R - R * 0.52).scale(0.85 * p_scale, p_scale).translate(-gx, -gy)
                for i in range(len(purpose))
            ],
        )

    outer, inner = R * 0.27, R * 0.27 * 0.382
    star = tuple(
        (
            R + (outer if i % 2 == 0 else inner) * math.cos(math.radians(90 + i * 36)),
            R + (outer if i % 2 == 0 else inner) * math.sin(math.radians(90 + i * 36)),
        )
        for i in range(10)
    )
    return SealArtwork(size=size, ring_width=ring, glyphs=tuple(pen.segments), star=star, label=f"{name} {purpose}".strip())
