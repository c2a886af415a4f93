"""The paradigm model (范式模型) of axial coding, drawn for a paper.

因果条件 → 现象 → 情境 → 中介条件 → 行动策略 → 结果: one box per role, in that order, holding
the codes the researcher gave that role (``Code.paradigm_role``, usually main categories) and,
under each, the categories beneath it (for a main category) or its sub-codes (otherwise). The
core category and its story line, if there is one, head the figure.

One layout (boxes, text lines, arrows in pixels) is computed once and drawn twice: as SVG text
(always available; every user string is XML-escaped) and as PNG through Pillow, which needs a
font with Chinese glyphs on the machine (``find_cjk_font``).
"""

from __future__ import annotations

import io
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from coding.grounded import PARADIGM_ROLES, project_hierarchy
from coding.refi import xml_text
from corpus.projects import find_project
from i18n import BianmaError, t


@dataclass(frozen=True, slots=True)
class ParadigmEntry:
    code_id: int
    name: str
    level: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParadigmModel:
    roles: tuple[tuple[str, tuple[ParadigmEntry, ...]], ...]  # every role, in PARADIGM_ROLES order
    core: tuple[tuple[str, str], ...]  # (core category, story line)

    @property
    def empty(self) -> bool:
        return not any(entries for _role, entries in self.roles)


def paradigm_model(session: Session, project_id: int) -> ParadigmModel:
    project = find_project(session, project_id)
    hierarchy = project_hierarchy(session, project.id)
    by_role: dict[str, list[ParadigmEntry]] = {role: [] for role in PARADIGM_ROLES}
    for node in hierarchy.nodes:
        if node.paradigm_role not in by_role:
            continue
        if node.level == "main_category":
            members = [c.name for c in hierarchy.of_level("category")
                       if hierarchy.above(c.id, "main_category") == node.id]
        else:
            members = [c.name for c in hierarchy.nodes if c.parent_id == node.id]
        by_role[node.paradigm_role].append(  # type: ignore[index]
            ParadigmEntry(node.id, node.name, node.level, tuple(members)))
    core = tuple((c.name, c.relation_meaning) for c in hierarchy.of_level("core_category"))
    return ParadigmModel(tuple((role, tuple(by_role[role])) for role in PARADIGM_ROLES), core)


# --- layout -----------------------------------------------------------------------------

MARGIN, BOX_WIDTH, GAP, PAD, HEADER = 24, 180, 44, 10, 32
BODY, MEMBER, HEAD, TITLE, STORY = 14, 13, 15, 18, 13
LEADING = 1.45
ROLE_COLOURS = ("#fde2e4", "#fff1c1", "#dbeafe", "#e0e7ff", "#dcfce7", "#f3e8ff")
INK, GREY, LINE = "#222222", "#666666", "#555555"


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float  # baseline
    size: int
    content: str
    colour: str = INK
    bold: bool = False
    centred: bool = False


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    boxes: tuple[Box, ...]
    headers: tuple[Box, ...]
    texts: tuple[Text, ...]
    arrows: tuple[tuple[float, float, float], ...]  # (from x, to x, y)


def text_width(text: str, size: float) -> float:
    """An estimate both renderers respect: Chinese characters one em, others 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


def wrap(text: str, size: float, width: float) -> list[str]:
    """Lines of at most ``width`` pixels, broken between any two Chinese characters (Chinese
    has no spaces to break at) and, inside a Latin word, at the space before it."""
    lines: list[str] = []
    line, used = "", 0.0
    for char in " ".join(text.split()):
        step = text_width(char, size)
        if line and used + step > width:
            head, space, word = line.rpartition(" ")
            if char.isascii() and char.isalnum() and space and head.strip() and word.isascii():
                lines.append(head.rstrip())
                line = word + char
            else:
                lines.append(line.rstrip())
                line = "" if char == " " else char
            used = text_width(line, size)
        else:
            line, used = line + char, used + step
    if line:
        lines.append(line)
    return lines or [""]


def layout(model: ParadigmModel, lang: str = "zh") -> Layout:
    width = 2 * MARGIN + len(model.roles) * BOX_WIDTH + (len(model.roles) - 1) * GAP
    texts: list[Text] = []
    y = MARGIN
    for name, story in model.core:
        y += TITLE
        texts.append(Text(MARGIN, y, TITLE, t("grounded.paradigm_core", lang, name=name), bold=True))
        y += TITLE * (LEADING - 1)
        for line in (wrap(story, STORY, width - 2 * MARGIN) if story else []):
            y += STORY * LEADING
            texts.append(Text(MARGIN, y, STORY, line, GREY))
        y += 12
    top = y + (8 if model.core else 0)
    inner = BOX_WIDTH - 2 * PAD
    bodies: list[list[tuple[float, int, str, str, bool]]] = []  # (offset, size, text, colour, bold)
    for _role, entries in model.roles:
        body, offset = [], 0.0
        if not entries:
            offset += BODY * LEADING
            body.append((offset, BODY, t("grounded.paradigm_empty", lang), GREY, False))
        for entry in entries:
            for line in wrap(entry.name, BODY, inner):
                offset += BODY * LEADING
                body.append((offset, BODY, line, INK, True))
            for member in entry.members:
                for number, line in enumerate(wrap(member, MEMBER, inner - MEMBER)):
                    offset += MEMBER * LEADING
                    body.append((offset, MEMBER, ("· " if number == 0 else "  ") + line, GREY, False))
            offset += 4
        bodies.append(body)
    height = HEADER + PAD + max((b[-1][0] for b in bodies), default=0) + 2 * PAD
    boxes, headers, arrows = [], [], []
    for index, ((role, _entries), body) in enumerate(zip(model.roles, bodies)):
        x = MARGIN + index * (BOX_WIDTH + GAP)
        colour = ROLE_COLOURS[index % len(ROLE_COLOURS)]
        boxes.append(Box(x, top, BOX_WIDTH, height, "#ffffff"))
        headers.append(Box(x, top, BOX_WIDTH, HEADER, colour))
        texts.append(Text(x + BOX_WIDTH / 2, top + HEADER / 2 + HEAD * 0.35, HEAD,
                          t(f"grounded.role_{role}", lang), bold=True, centred=True))
        for offset, size, line, ink, bold in body:
            texts.append(Text(x + PAD, top + HEADER + PAD + offset - size * 0.3, size, line, ink, bold))
        if index:
            arrows.append((x - GAP + 3, x - 3, top + height / 2))
    return Layout(int(width), int(top + height + MARGIN), tuple(boxes), tuple(headers),
                  tuple(texts), tuple(arrows))


# --- SVG --------------------------------------------------------------------------------

FONT_FAMILY = ("'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'Source Han Sans SC', "
               "'WenQuanYi Micro Hei', SimHei, SimSun, sans-serif")


def paradigm_svg(model: ParadigmModel, lang: str = "zh") -> str:
    """The figure as an SVG document (a string that starts with ``<svg``)."""
    shape = layout(model, lang)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{shape.width}" height="{shape.height}" '
        f'viewBox="0 0 {shape.width} {shape.height}" font-family="{FONT_FAMILY}">',
        f'<title>{_escape(t("grounded.paradigm_title", lang))}</title>',
        '<defs><marker id="arrow" markerWidth="10" markerHeight="8" refX="9" refY="4" '
        f'orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="{LINE}"/></marker></defs>',
        f'<rect x="0" y="0" width="{shape.width}" height="{shape.height}" fill="#ffffff"/>',
    ]
    for box in shape.boxes:
        parts.append(f'<rect x="{box.x:g}" y="{box.y:g}" width="{box.width:g}" height="{box.height:g}" '
                     f'rx="6" fill="{box.fill}" stroke="{LINE}" stroke-width="1.2"/>')
    for box in shape.headers:
        parts.append(f'<rect x="{box.x:g}" y="{box.y:g}" width="{box.width:g}" height="{box.height:g}" '
                     f'rx="6" fill="{box.fill}" stroke="{LINE}" stroke-width="1.2"/>')
    for x1, x2, y in shape.arrows:
        parts.append(f'<line x1="{x1:g}" y1="{y:g}" x2="{x2:g}" y2="{y:g}" stroke="{LINE}" '
                     'stroke-width="1.6" marker-end="url(#arrow)"/>')
    for text in shape.texts:
        anchor = ' text-anchor="middle"' if text.centred else ""
        weight = ' font-weight="bold"' if text.bold else ""
        parts.append(f'<text x="{text.x:g}" y="{text.y:g}" font-size="{text.size}" '
                     f'fill="{text.colour}"{anchor}{weight} xml:space="preserve">'
                     f'{_escape(text.content)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _escape(text: str) -> str:
    return escape(xml_text(text))


# --- PNG --------------------------------------------------------------------------------

FONT_ENVIRONMENT = "BIANMA_CJK_FONT"
FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)
FONT_NAME_HINTS = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "droidsansfallback",
                   "msyh", "simhei", "simsun", "pingfang")
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


def find_cjk_font() -> Path | None:
    """A font file with Chinese glyphs: ``BIANMA_CJK_FONT`` if set, else a known one found."""
    chosen = os.environ.get(FONT_ENVIRONMENT)
    if chosen and Path(chosen).is_file():
        return Path(chosen)
    for name in FONT_FILES:
        if Path(name).is_file():
            return Path(name)
    for folder in FONT_FOLDERS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() in (".ttf", ".ttc", ".otf") and any(
                    hint in path.name.lower().replace("-", "").replace("_", "") for hint in FONT_NAME_HINTS):
                return path
    return None


def paradigm_png(model: ParadigmModel, lang: str = "zh", *, font: Path | None = None,
                 scale: int = 2) -> bytes:
    """The figure as a PNG (``scale`` times the SVG's pixels, sharp enough to print)."""
    from PIL import Image, ImageDraw, ImageFont

    font = font or find_cjk_font()
    if font is None:
        raise BianmaError("E278", variable=FONT_ENVIRONMENT)
    shape = layout(model, lang)
    image = Image.new("RGB", (shape.width * scale, shape.height * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    faces: dict[int, ImageFont.FreeTypeFont] = {}

    def face(size: int) -> ImageFont.FreeTypeFont:
        if size not in faces:
            faces[size] = ImageFont.truetype(str(font), size * scale)
        return faces[size]

    def box_shape(box: Box) -> list[float]:
        return [box.x * scale, box.y * scale, (box.x + box.width) * scale, (box.y + box.height) * scale]

    for box in (*shape.boxes, *shape.headers):
        draw.rounded_rectangle(box_shape(box), radius=6 * scale, fill=box.fill, outline=LINE,
                               width=max(1, round(1.2 * scale)))
    for x1, x2, y in shape.arrows:
        draw.line([x1 * scale, y * scale, (x2 - 8) * scale, y * scale], fill=LINE, width=2 * scale)
        draw.polygon([(x2 * scale, y * scale), ((x2 - 10) * scale, (y - 4) * scale),
                      ((x2 - 10) * scale, (y + 4) * scale)], fill=LINE)
    for text in shape.texts:
        draw.text((text.x * scale, text.y * scale), xml_text(text.content), font=face(text.size),
                  fill=text.colour, anchor="ms" if text.centred else "ls",
                  # The CJK fonts found here have no bold face: a thin stroke stands in.
                  stroke_width=1 if text.bold and scale > 1 else 0, stroke_fill=text.colour)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
