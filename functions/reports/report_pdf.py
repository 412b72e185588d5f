"""Render the compliance report content (govhub.reports.content) as a PDF with ReportLab.

The only module of the project that imports ReportLab. All user text reaches Paragraph markup
through ``_markup`` (escaped); table cells are drawn as plain text, never parsed as markup.
Long tables are laid out page by page from precomputed row heights, so time grows linearly with
the number of metrics and audit records.
"""

from __future__ import annotations

import io
import json
import re
import weakref
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_MONO = "DejaVuSansMono"

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

NAVY = colors.HexColor("#1F3A5F")
INK = colors.HexColor("#1C2430")
MUTED = colors.HexColor("#5B6675")
RULE = colors.HexColor("#C9D1DB")
STRIPE = colors.HexColor("#F4F6F9")
PANEL = colors.HexColor("#EEF2F7")
PASS_FG, PASS_BG = colors.HexColor("#1B6B32"), colors.HexColor("#E3F4E8")
FAIL_FG, FAIL_BG = colors.HexColor("#B42318"), colors.HexColor("#FDE7E5")
WARN_FG, WARN_BG = colors.HexColor("#8A5A00"), colors.HexColor("#FFF4DB")
FAIR_FG, FAIR_BG = colors.HexColor("#8A4B00"), colors.HexColor("#FFF3E0")
RISK_COLOURS = {
    "unacceptable": colors.HexColor("#7A0E0E"),
    "high": colors.HexColor("#C2410C"),
    "limited": colors.HexColor("#B7791F"),
    "minimal": colors.HexColor("#2F7D4A"),
}
STATUS_COLOURS = {
    "draft": colors.HexColor("#5B6675"),
    "under_review": colors.HexColor("#1D4ED8"),
    "approved": colors.HexColor("#1B6B32"),
    "retired": colors.HexColor("#374151"),
}
SEVERITY_COLOURS = {
    "critical": (colors.white, colors.HexColor("#7A0E0E")),
    "high": (FAIL_FG, FAIL_BG),
    "medium": (WARN_FG, WARN_BG),
    "info": (NAVY, PANEL),
}

FACT_LIMIT = 1500  # characters of a value shown in a fact table; free-text blocks are never cut
CELL_VALUE_LIMIT = 160  # characters of one before/after value in the audit table
EVIDENCE_LIMIT = 400  # characters of one piece of evidence or one rule's reason: every row keeps its last line

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BLANK_LINE = re.compile(r"\n\s*\n")


def render_pdf(content: dict) -> bytes:
    """The PDF of a report built by ``govhub.reports.content.build_report_content``."""
    _register_fonts()
    buffer = io.BytesIO()
    doc = _ReportDocument(buffer, content)
    doc.multiBuild(_story(content), canvasmaker=_numbered_canvas(content))
    return buffer.getvalue()


# --- fonts and styles -----------------------------------------------------------------------------


class _CachingTTFont(TTFont):
    """A TrueType font that remembers, per document, how it encoded each string.

    Table cells repeat a lot (roles, actions, categories); encoding a string into font subsets is
    ReportLab's costliest step per line of text. Entries are valid for one document only, because
    subset codes are assigned per document.
    """

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._split_caches: weakref.WeakKeyDictionary[Any, dict[str, list]] = weakref.WeakKeyDictionary()

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> list:
        cache = self._split_caches.get(doc)
        if cache is None:
            cache = self._split_caches[doc] = {}
        cached = cache.get(text)
        if cached is None:
            cached = cache[text] = super().splitString(text, doc, encoding)
        return cached


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, file_name in (
        (FONT, "DejaVuSans.ttf"),
        (FONT_BOLD, "DejaVuSans-Bold.ttf"),
        (FONT_MONO, "DejaVuSansMono.ttf"),
    ):
        pdfmetrics.registerFont(_CachingTTFont(name, str(FONT_DIR / file_name)))
    # No oblique face is bundled: italic markup falls back to the upright faces.
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": FONT, "fontSize": 9.5, "leading": 13.5, "textColor": INK, "alignment": TA_LEFT}
    return ParagraphStyle(name, **(base | overrides))


BODY = _style("body", spaceAfter=5)
SMALL = _style("small", fontSize=8, leading=10.5, textColor=MUTED)
LABEL = _style("label", fontName=FONT_BOLD, fontSize=8, leading=10.5, textColor=MUTED)
VALUE = _style("value", fontSize=8.5, leading=11.5)
MONO = _style("mono", fontName=FONT_MONO, fontSize=7.5, leading=10)
MISSING = _style("missing", fontSize=9, leading=12.5, textColor=FAIL_FG)
H1 = _style(
    "h1", fontName=FONT_BOLD, fontSize=15, leading=19, textColor=NAVY, spaceBefore=4, spaceAfter=2, keepWithNext=1
)
H1_REF = _style("h1ref", fontSize=8, leading=10, textColor=MUTED, spaceAfter=10, keepWithNext=1)
H2 = _style(
    "h2", fontName=FONT_BOLD, fontSize=11, leading=14, textColor=NAVY, spaceBefore=10, spaceAfter=5, keepWithNext=1
)
H3 = _style(
    "h3", fontName=FONT_BOLD, fontSize=9.5, leading=12.5, textColor=INK, spaceBefore=8, spaceAfter=3, keepWithNext=1
)
TOC_TITLE = _style("toctitle", fontName=FONT_BOLD, fontSize=18, leading=22, textColor=NAVY, spaceAfter=14)
TOC_LEVELS = [
    _style("toc0", fontName=FONT_BOLD, fontSize=10.5, leading=15, leftIndent=0, firstLineIndent=0, spaceBefore=6),
    _style("toc1", fontSize=9, leading=12.5, leftIndent=18, firstLineIndent=0, textColor=colors.HexColor("#3A4553")),
]


# --- text helpers ---------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """Text without control characters (which PDF text cannot carry), tabs expanded."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the common case, checked in C
        return text
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))


def _markup(value: Any) -> str:
    """User text made literal for Paragraph markup: escaped, line breaks kept."""
    return escape(_clean(value)).replace("\n", "<br/>")


def _para(value: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_markup(value), style)


def _present(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) or (value is not None and not isinstance(value, str))


def _blocks(value: Any, style: ParagraphStyle = BODY) -> list[Flowable]:
    """A free-text field as paragraphs (one per blank-line block) that split across pages."""
    return [_para(block.strip("\n"), style) for block in _BLANK_LINE.split(_clean(value)) if block.strip()]


def _shorten(value: Any, limit: int) -> str:
    text = _clean(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit].rstrip()}… [{len(text):,} characters; full text in compliance-report.json]"


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _clean(value)


def _when(value: Any, seconds: bool = True, zone: bool = True) -> str:
    """An ISO 8601 time as 'YYYY-MM-DD HH:MM[:SS][ UTC]' (the raw text when it does not parse)."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return _clean(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    shown = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
    return f"{shown} UTC" if zone else shown


def _label(value: Any) -> str:
    return _clean(value).replace("_", " ") if value else "—"


_ASCII_PRINTABLE = "".join(chr(c) for c in range(32, 127))
_widest_ascii: dict[str, float] = {}


def _width_function(font: str) -> Callable[[str, float], float]:
    return pdfmetrics.getFont(font).stringWidth


def _fits_unmeasured(text: str, font: str, size: float, width: float) -> bool:
    """True when ASCII text surely fits: its length times the widest ASCII glyph is within the width."""
    widest = _widest_ascii.get(font)
    if widest is None:
        widest = _widest_ascii[font] = max(pdfmetrics.stringWidth(c, font, 1000) for c in _ASCII_PRINTABLE) / 1000
    return text.isascii() and len(text) * widest * size <= width


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Text cut with an ellipsis to fit a width on one line."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[: max(0, min(len(text) - 1, int(len(text) * 0.9)))]
    return text + "…"


def wrap_lines(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Greedy line breaking of clean text (see ``_clean``) on spaces; words wider than the line break
    after a separator (``_ / - .``) where they can, else anywhere; at most max_lines lines."""
    if "\n" not in text and _fits_unmeasured(text, font, size, width):
        return [text]
    measure = _width_function(font)
    space = measure(" ", size)
    lines: list[str] = []
    for hard_line in text.split("\n"):
        if _fits_unmeasured(hard_line, font, size, width) or measure(hard_line, size) <= width:
            lines.append(hard_line)
        else:
            current, current_width = "", 0.0
            for word in hard_line.split(" "):
                word_width = measure(word, size)
                if current and current_width + space + word_width <= width:
                    current, current_width = f"{current} {word}", current_width + space + word_width
                    continue
                if current:
                    lines.append(current)
                while word_width > width:
                    cut = _break_point(word, measure, size, width)
                    lines.append(word[:cut])
                    word = word[cut:]
                    word_width = measure(word, size)
                current, current_width = word, word_width
            lines.append(current)
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(lines[-1] + " …", font, size, width)
    return lines or [""]


def _break_point(word: str, measure: Callable[[str, float], float], size: float, width: float) -> int:
    low, high = 1, len(word)
    while low < high:  # the longest prefix that fits (at least one character)
        middle = (low + high + 1) // 2
        if measure(word[:middle], size) <= width:
            low = middle
        else:
            high = middle - 1
    separator = max(word.rfind(c, 0, low) for c in "_/-.")
    return separator + 1 if separator >= low // 2 else low


# --- a long table laid out page by page -----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    width: float  # share of the frame width
    font: str = FONT
    size: float = 7.5
    align: str = "left"
    max_lines: int = 14


@dataclass
class Row:
    cells: Sequence[Any]
    background: Color | None = None
    cell_colours: dict[int, tuple[Color, Color | None]] = field(default_factory=dict)  # column -> (text, fill)
    bold: frozenset[int] = frozenset()


@dataclass
class _Laid:
    columns: list[Column]
    widths: list[float]
    header: list[list[str]]
    header_height: float
    rows: list[Row]
    lines: list[list[list[str]]]
    heights: list[float]
    prefix: list[float]


PAD_X, PAD_Y = 4.0, 2.8


class DataTable(Flowable):
    """A table of plain-text cells with a repeated header, split into page-sized pieces.

    Row heights are measured once; wrap and split then cost O(log n) and O(rows on the page),
    so laying out n rows is linear however many pages they fill.
    """

    def __init__(
        self,
        columns: Sequence[Column],
        rows: Iterable[Row],
        *,
        _laid: _Laid | None = None,
        _start: int = 0,
        _end: int | None = None,
    ) -> None:
        super().__init__()
        self._laid = _laid or self._lay_out(list(columns), list(rows))
        self._start = _start
        self._end = len(self._laid.rows) if _end is None else _end
        self.width = sum(self._laid.widths)
        self.height = self._laid.header_height + self._laid.prefix[self._end] - self._laid.prefix[self._start]

    @staticmethod
    def _lay_out(columns: list[Column], rows: list[Row]) -> _Laid:
        widths = [c.width * FRAME_WIDTH for c in columns]
        inner = [w - 2 * PAD_X for w in widths]
        header = [wrap_lines(c.title, FONT_BOLD, c.size, w, 3) for c, w in zip(columns, inner, strict=True)]
        header_height = max(len(h) * c.size * 1.25 for h, c in zip(header, columns, strict=True)) + 2 * PAD_Y
        lines: list[list[list[str]]] = []
        heights: list[float] = []
        wrapped: dict[tuple[str, int, bool], list[str]] = {}  # cells repeat: roles, categories, results
        leadings = [c.size * 1.25 for c in columns]
        for row in rows:
            cell_lines = []
            height = 0.0
            for i, value in enumerate(row.cells):
                bold = i in row.bold
                text = value if type(value) is str and value.isprintable() else _fmt(value)
                cell = wrapped.get((text, i, bold))
                if cell is None:
                    column = columns[i]
                    font = FONT_BOLD if bold else column.font
                    cell = wrapped[(text, i, bold)] = wrap_lines(text, font, column.size, inner[i], column.max_lines)
                cell_lines.append(cell)
                height = max(height, len(cell) * leadings[i])
            lines.append(cell_lines)
            heights.append(height + 2 * PAD_Y)
        prefix = [0.0, *accumulate(heights)]
        return _Laid(columns, widths, header, header_height, rows, lines, heights, prefix)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        laid = self._laid
        room = available_height - laid.header_height
        end = min(bisect_right(laid.prefix, laid.prefix[self._start] + room + 0.01) - 1, self._end)
        if end <= self._start:
            return []  # not even one row fits: start on the next page
        return [
            DataTable((), (), _laid=laid, _start=self._start, _end=end),
            DataTable((), (), _laid=laid, _start=end, _end=self._end),
        ]

    def draw(self) -> None:
        laid, canvas = self._laid, self.canv
        if getattr(canvas, "measuring_only", False):
            return  # the first multiBuild pass only counts pages for the table of contents
        x_positions = [0.0, *accumulate(laid.widths)]
        top = self.height
        canvas.saveState()
        canvas.setFillColor(NAVY)
        canvas.rect(0, top - laid.header_height, self.width, laid.header_height, stroke=0, fill=1)
        text = canvas.beginText()
        text.setFillColor(colors.white)
        for column, lines, x in zip(laid.columns, laid.header, x_positions, strict=False):
            text.setFont(FONT_BOLD, column.size, column.size * 1.25)
            self._text_lines(text, lines, column, x, top - PAD_Y - column.size, FONT_BOLD)
        y = top - laid.header_height
        rules = []
        current_colour: Color = colors.white
        current_font: tuple[str, float] = ("", 0.0)
        for index in range(self._start, self._end):
            row, height = laid.rows[index], laid.heights[index]
            fill = row.background or (STRIPE if index % 2 else None)
            if fill is not None:
                canvas.setFillColor(fill)
                canvas.rect(0, y - height, self.width, height, stroke=0, fill=1)
            for column_index, (_, cell_fill) in row.cell_colours.items():
                if cell_fill is not None:
                    canvas.setFillColor(cell_fill)
                    canvas.rect(
                        x_positions[column_index], y - height, laid.widths[column_index], height, stroke=0, fill=1
                    )
            for column_index, (column, lines) in enumerate(zip(laid.columns, laid.lines[index], strict=True)):
                if not lines[0] and len(lines) == 1:
                    continue
                colour = row.cell_colours[column_index][0] if column_index in row.cell_colours else INK
                if colour is not current_colour:
                    text.setFillColor(colour)
                    current_colour = colour
                font = FONT_BOLD if column_index in row.bold else column.font
                if current_font != (font, column.size):
                    text.setFont(font, column.size, column.size * 1.25)
                    current_font = (font, column.size)
                self._text_lines(text, lines, column, x_positions[column_index], y - PAD_Y - column.size, font)
            y -= height
            rules.append((0, y, self.width, y))
        canvas.drawText(text)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.lines(rules)
        canvas.restoreState()

    @staticmethod
    def _text_lines(text: Any, lines: list[str], column: Column, x: float, y: float, font: str) -> None:
        # textLine moves down by the leading set with setFont and, unlike textOut, measures nothing.
        if column.align != "right":
            text.setTextOrigin(x + PAD_X, y)
            for line in lines:
                text.textLine(line)
            return
        right = x + column.width * FRAME_WIDTH - PAD_X
        measure = _width_function(font)
        for line in lines:
            text.setTextOrigin(right - measure(line, column.size), y)
            text.textLine(line)
            y -= column.size * 1.25


# --- document, page decoration, table of contents -------------------------------------------------


class _Heading(Paragraph):
    """A heading that becomes a table-of-contents entry and a PDF outline bookmark."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str) -> None:
        super().__init__(_markup(text), style)
        self.toc_entry = (level, _clean(text), key)


class _ReportDocument(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, content: dict) -> None:
        model = content.get("model") or {}
        report = content.get("report") or {}
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=_clean(f"Compliance report — {model.get('name') or ''}"),
            author=_clean((report.get("generated_by") or {}).get("username") or ""),
            subject=_clean(content.get("title") or ""),
            creator=_clean(content.get("product") or ""),
            keywords=["EU AI Act", "Annex IV", "technical documentation"],
        )
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            FRAME_HEIGHT,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        cover_frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            PAGE_HEIGHT - MARGIN_BOTTOM - 42 * mm,
            id="cover",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        decoration = _PageDecoration(content)
        self.addPageTemplates(
            [
                PageTemplate("cover", [cover_frame], onPage=decoration.cover),
                PageTemplate("body", [frame], onPage=decoration.body),
            ]
        )
        self._pass = 0

    def build(self, flowables: list[Flowable], filename: Any = None, canvasmaker: Any = Canvas) -> None:
        self._pass += 1
        super().build(flowables, filename, canvasmaker)

    def handle_documentBegin(self) -> None:
        super().handle_documentBegin()
        # Pass 1 of multiBuild never produces the output: its pages only feed the table of contents.
        self.canv.measuring_only = self._pass == 1

    def afterFlowable(self, flowable: Flowable) -> None:
        entry = getattr(flowable, "toc_entry", None)
        if entry is None:
            return
        level, text, key = entry
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, escape(text), self.page, key))


class _PageDecoration:
    """Running header and footer; the 'of y' part of the page number is drawn by the canvas at save."""

    def __init__(self, content: dict) -> None:
        model = content.get("model") or {}
        report = content.get("report") or {}
        self.product = _clean(content.get("product") or "AI Governance Hub")
        self.model_name = _clean(model.get("name") or f"model {model.get('id')}")
        self.report_id = _clean(report.get("id") or "")
        self.content_hash = _clean(content.get("content_sha256") or "")
        self._header_right_text: str | None = None
        generated_by = (report.get("generated_by") or {}).get("username")
        self.generated = f"Generated {_when(report.get('generated_at'), seconds=False)}" + (
            f" by {_clean(generated_by)}" if generated_by else ""
        )

    def cover(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(NAVY)
        canvas.rect(0, PAGE_HEIGHT - 30 * mm, PAGE_WIDTH, 30 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(FONT_BOLD, 15)
        canvas.drawString(MARGIN_X, PAGE_HEIGHT - 15 * mm, self.product.upper())
        canvas.setFont(FONT, 9)
        canvas.drawString(MARGIN_X, PAGE_HEIGHT - 21.5 * mm, "EU AI Act · Regulation (EU) 2024/1689 · Annex IV")
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 15 * mm, "COMPLIANCE REPORT")
        canvas.setFont(FONT, 8)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 21.5 * mm, _fit(f"Report {self.report_id}", FONT, 8, FRAME_WIDTH / 2)
        )
        canvas.restoreState()
        self._footer(canvas)

    def body(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        y = PAGE_HEIGHT - MARGIN_TOP + 9 * mm
        canvas.setFont(FONT_BOLD, 7.5)
        canvas.setFillColor(NAVY)
        left = f"{self.product} · EU AI Act compliance report"
        canvas.drawString(MARGIN_X, y, left)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, y, self._header_right(left))
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN_X, y - 3.5, PAGE_WIDTH - MARGIN_X, y - 3.5)
        canvas.restoreState()
        self._footer(canvas)

    def _header_right(self, left: str) -> str:
        """Model name and report id; the name is shortened first, so the report id always shows."""
        if self._header_right_text is None:
            room = FRAME_WIDTH - pdfmetrics.stringWidth(left, FONT_BOLD, 7.5) - 12
            report = f" · Report {self.report_id}"
            name_room = max(room - pdfmetrics.stringWidth(report, FONT, 7.5), room / 3)
            self._header_right_text = _fit(_fit(self.model_name, FONT, 7.5, name_room) + report, FONT, 7.5, room)
        return self._header_right_text

    def _footer(self, canvas: Canvas) -> None:
        canvas.saveState()
        y = MARGIN_BOTTOM - 10 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, y + 9, PAGE_WIDTH - MARGIN_X, y + 9)
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, y, f"Content SHA-256 {self.content_hash[:16]}…")
        canvas.drawCentredString(PAGE_WIDTH / 2, y, _fit(self.generated, FONT, 7, FRAME_WIDTH / 2.4))
        canvas.restoreState()


def _numbered_canvas(content: dict) -> Callable[..., Canvas]:
    class NumberedCanvas(Canvas):
        """Keeps each page until save, then stamps 'Page x of y' on all of them."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for number, state in enumerate(self._saved_pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT_BOLD, 7.5)
                self.setFillColor(NAVY)
                self.drawRightString(PAGE_WIDTH - MARGIN_X, MARGIN_BOTTOM - 10 * mm, f"Page {number} of {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


# --- the story ------------------------------------------------------------------------------------


# Room a section needs at the foot of a page to start there: its heading, introduction and first table rows.
SECTION_ROOM = {"obligations": 300}


def _story(content: dict) -> list[Flowable]:
    sections = content.get("sections") or []
    builders: dict[str, Callable[[dict, dict], list[Flowable]]] = {
        "general_description": _general_description,
        "versions": _versions,
        "data_governance": _data_governance,
        "human_oversight": _human_oversight,
        "evaluation": _evaluation,
        "risk_classification": _risk_classification,
        "obligations": _obligations,
        "lifecycle": _lifecycle,
        "evidence": _evidence,
        "post_market_monitoring": _post_market_monitoring,
        "gaps": _gaps_and_findings,
    }
    story: list[Flowable] = [*_cover(content), NextPageTemplate("body"), PageBreak(), *_contents(), PageBreak()]
    for section in sections:
        story.append(CondPageBreak(SECTION_ROOM.get(section["id"], 150)))
        story.extend(_section_heading(section))
        story.extend(builders[section["id"]](section.get("data") or {}, content))
        story.append(Spacer(1, 14))
    return story


def _section_heading(section: dict) -> list[Flowable]:
    points = section.get("annex_iv") or []
    references = [section.get("legal_reference") or ""]
    if points:
        references.insert(0, "Annex IV point" + ("s " if len(points) > 1 else " ") + ", ".join(points))
    return [
        _Heading(f"{section['number']}. {section['title']}", H1, 0, f"s-{section['id']}"),
        _para(" · ".join(r for r in references if r), H1_REF),
    ]


def _section_number(content: dict, section_id: str) -> str:
    return next((str(s["number"]) for s in content.get("sections") or [] if s.get("id") == section_id), "?")


def _sub_heading(content: dict, section_id: str, sub: int, title: str, key: str) -> _Heading:
    return _Heading(f"{_section_number(content, section_id)}.{sub} {title}", H2, 1, key)


def _contents() -> list[Flowable]:
    toc = TableOfContents(levelStyles=TOC_LEVELS, dotsMinLevel=0, rightColumnWidth=40)
    return [Paragraph("Contents", TOC_TITLE), toc]


def _badge(text: str, fill: Color) -> Table:
    label = _clean(text).upper()
    width = pdfmetrics.stringWidth(label, FONT_BOLD, 8.5) + 15
    table = Table(
        [
            [
                Paragraph(
                    escape(label), _style("badge", fontName=FONT_BOLD, fontSize=8.5, leading=10, textColor=colors.white)
                )
            ]
        ],
        colWidths=[min(width, FRAME_WIDTH / 2)],
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _badges(*badges: tuple[str, Color]) -> Table:
    cells = [_badge(text, fill) for text, fill in badges]
    table = Table([cells], colWidths=[c._colWidths[0] + 6 for c in cells], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _facts(rows: Sequence[tuple[str, Any]], label_width: float = 0.28, mono: Iterable[str] = ()) -> Table:
    """A two-column label/value table; values are escaped and cut at FACT_LIMIT characters."""
    mono_labels = set(mono)
    data = [
        [
            Paragraph(escape(label), LABEL),
            _para(_shorten(_fmt(value), FACT_LIMIT) or "—", MONO if label in mono_labels else VALUE),
        ]
        for label, value in rows
    ]
    table = Table(data, colWidths=[label_width * FRAME_WIDTH, (1 - label_width) * FRAME_WIDTH], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (0, -1), PANEL),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _panel(flowables: list[Flowable], fill: Color, border: Color) -> Table:
    table = Table([[flowables]], colWidths=[FRAME_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LINEBEFORE", (0, 0), (0, -1), 3, border),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


def _missing(text: str) -> Flowable:
    """A red call-out for an Annex IV item without data."""
    return KeepTogether([Spacer(1, 2), _panel([_para(text, MISSING)], FAIL_BG, FAIL_FG), Spacer(1, 6)])


def _text_field(title: str, value: Any, gap_note: str) -> list[Flowable]:
    if not _present(value):
        return [Paragraph(escape(title), H3), _missing(gap_note)]
    return [Paragraph(escape(title), H3), *_blocks(value)]


def _version_label(ref: dict | None) -> str:
    if not ref:
        return "—"
    return _clean(ref.get("version_tag") or f"#{ref.get('id')}")


def _verification_scope(chain: dict) -> str:
    digests = chain.get("digests") or {}
    if chain.get("mode") == "incremental" and digests.get("count"):
        sample = (chain.get("sample") or {}).get("size", 0)
        checked = chain.get("verified_records") or {}
        return (f"Each audit record holds the SHA-256 of its predecessor; {digests['count']} digests signed by the "
                f"audit signing key cover records 1-{digests.get('last_sequence')} (signatures, Merkle roots and links "
                f"verified, {sample} of their records sampled), and {checked.get('count', 0)} later records were "
                "recomputed in full.")
    return ("Each audit record holds the SHA-256 of its predecessor; verification recomputes every hash "
            "from the first record to the head.")


def _verification_text(chain: dict) -> str:
    status = chain.get("status")
    if status == "verified":
        return f"Verified — hash chain intact over {chain.get('records')} records"
    if status == "broken":
        return "BROKEN — the hash chain does not verify"
    return "Not verified for this report"


# --- cover ----------------------------------------------------------------------------------------


def _cover(content: dict) -> list[Flowable]:
    model = content.get("model") or {}
    report = content.get("report") or {}
    summary = content.get("summary") or {}
    gaps = content.get("gaps") or []
    findings = content.get("findings") or []
    risk = model.get("risk_level") or "minimal"
    status = model.get("compliance_status")
    generated_by = report.get("generated_by") or {}
    story: list[Flowable] = [
        Spacer(1, 4 * mm),
        Paragraph("Technical documentation under Article 11 and Annex IV", SMALL),
        Spacer(1, 2),
        Paragraph("Compliance Report", _style("title", fontName=FONT_BOLD, fontSize=26, leading=31, textColor=NAVY)),
        Spacer(1, 4),
        _para(_shorten(model.get("name") or "", 300), _style("model", fontName=FONT_BOLD, fontSize=17, leading=22)),
        Spacer(1, 8),
        _badges(
            (f"{_label(risk)} risk", RISK_COLOURS.get(risk, NAVY)),
            (_label(status) if status else "status not recorded", STATUS_COLOURS.get(status or "", MUTED)),
        ),
        Spacer(1, 12),
        _facts(
            [
                ("Model ID", model.get("id")),
                ("Provider / owner", model.get("owner")),
                ("Team", model.get("team") or "unassigned"),
                ("Domain", model.get("domain")),
                ("Risk level", _label(risk)),
                ("Compliance status", _label(status)),
                ("Latest version", _version_label(model.get("latest_version"))),
                ("Approved version", _version_label(model.get("approved_version"))),
                ("Approval snapshot SHA-256", _approval_hash(model.get("approval"))),
                ("Generated at", _when(report.get("generated_at"))),
                (
                    "Generated by",
                    " · ".join(_clean(v) for v in (generated_by.get("username"), generated_by.get("role")) if v),
                ),
                ("Report ID", report.get("id")),
                ("Content SHA-256", content.get("content_sha256")),
            ],
            mono=("Report ID", "Content SHA-256", "Approval snapshot SHA-256"),
        ),
        Spacer(1, 12),
    ]
    chain_status = str(summary.get("audit_chain"))
    severities = [f.get("severity") for f in findings]
    summary_rows = [
        Row(
            ["Documentation gaps", f"{len(gaps)} Annex IV item(s) without data" if gaps else "None"],
            cell_colours={1: (FAIL_FG, FAIL_BG) if gaps else (PASS_FG, PASS_BG)},
            bold=frozenset({1}),
        ),
        Row(
            [
                "Findings",
                ", ".join(f"{severities.count(s)} {s}" for s in SEVERITY_COLOURS if s in severities) or "None",
            ],
            cell_colours={1: (FAIL_FG, FAIL_BG) if {"critical", "high"} & set(severities) else (PASS_FG, PASS_BG)},
        ),
        _obligations_summary(summary, risk),
        _policy_check_summary(summary),
        _threshold_summary(summary),
        Row(
            [
                "Evaluation metrics",
                (
                    f"{summary.get('metrics', 0)} metric value(s) on {summary.get('versions', 0)} version(s), "
                    f"{summary.get('fairness_metrics', 0)} on fairness/bias"
                ),
            ]
        ),
        Row(
            [
                "Audit trail",
                f"{summary.get('audit_records', 0)} record(s) · "
                + {"verified": "chain verified", "broken": "CHAIN BROKEN"}.get(chain_status, "not verified"),
            ],
            cell_colours={
                1: {"verified": (PASS_FG, PASS_BG), "broken": (FAIL_FG, FAIL_BG)}.get(chain_status, (WARN_FG, WARN_BG))
            },
        ),
    ]
    story.append(Paragraph("Assessment summary", H3))
    story.append(DataTable([Column("Check", 0.34, size=8), Column("Result", 0.66, size=8)], summary_rows))
    if gaps:
        shown = gaps[:6]
        items = "<br/>".join(
            f"• <b>Annex IV {escape(', '.join(g.get('annex_iv') or []))}</b> — {_markup(g.get('item'))}" for g in shown
        )
        more = f"<br/>… and {len(gaps) - len(shown)} more" if len(gaps) > len(shown) else ""
        story += [
            Spacer(1, 10),
            _panel(
                [
                    Paragraph(
                        f"Documentation gaps ({len(gaps)}) — see section {_section_number(content, 'gaps')}",
                        _style("gaphead", fontName=FONT_BOLD, textColor=FAIL_FG),
                    ),
                    Paragraph(items + more, _style("gaplist", fontSize=8.5, leading=12, textColor=INK)),
                ],
                FAIL_BG,
                FAIL_FG,
            ),
        ]
    story += [
        Spacer(1, 10),
        Paragraph(
            "Generated automatically from the registry. The content hash is the SHA-256 of the canonical JSON of "
            "the documented facts (compliance-report.json, without the report id and generation time): two reports "
            "with the same hash document the same facts.",
            SMALL,
        ),
    ]
    return [KeepTogether(story[:8]), *story[8:]]


def _obligations_summary(summary: dict, risk: str) -> Row:
    label = "EU AI Act obligations"
    counts = summary.get("obligations")
    if not counts:
        return Row([label, "Not computed for this report"], cell_colours={1: (WARN_FG, WARN_BG)})
    total = sum(counts.values())
    shown = ", ".join(f"{counts[s]} {_OBLIGATION_TEXT[s].lower()}" for s in _OBLIGATION_TEXT if counts.get(s))
    if counts.get("open"):
        colour = (FAIL_FG, FAIL_BG)
    elif counts.get("not_in_force"):
        colour = (WARN_FG, WARN_BG)
    else:
        colour = (PASS_FG, PASS_BG)
    return Row([label, f"{total} for {_label(risk)} risk: {shown}"], cell_colours={1: colour})


def _policy_check_summary(summary: dict) -> Row:
    check = summary.get("policy_check")
    if not check:
        return Row(["Policy check (next step)", "Not computed for this report"], cell_colours={1: (WARN_FG, WARN_BG)})
    outcome, failed = check.get("outcome"), check.get("failed") or 0
    if check.get("occasion") == "monitoring":
        label = "Policy check (approved model)"
    else:
        label = f"Policy check (next step: {_label(check.get('target'))})" if outcome != "none" else "Policy check"
    if outcome == "none":
        return Row([label, "No next step: the model is retired"], cell_colours={1: (MUTED, PANEL)})
    if failed:
        return Row([label, f"{failed} rule(s) fail"], cell_colours={1: (FAIL_FG, FAIL_BG)}, bold=frozenset({1}))
    return Row([label, "Every rule that applies passes"], cell_colours={1: (PASS_FG, PASS_BG)})


def _threshold_summary(summary: dict) -> Row:
    checks = summary.get("policy_checks") or 0
    failed = summary.get("latest_version_failures") or 0
    unmeasured = summary.get("latest_version_not_measured") or 0
    label = "Policy thresholds (latest version)"
    if not checks:
        return Row([label, "No policy thresholds apply"])
    if failed:
        return Row([label, f"{failed} of {checks} failed"], cell_colours={1: (FAIL_FG, FAIL_BG)}, bold=frozenset({1}))
    if unmeasured:
        return Row(
            [label, f"{checks - unmeasured} of {checks} pass, {unmeasured} not measured"],
            cell_colours={1: (WARN_FG, WARN_BG)},
        )
    return Row([label, f"All {checks} pass"], cell_colours={1: (PASS_FG, PASS_BG)})


# --- sections -------------------------------------------------------------------------------------


def _approval_hash(approval: dict | None) -> str:
    approval = approval or {}
    if approval.get("snapshot_sha256"):
        return str(approval["snapshot_sha256"])
    invalidated = approval.get("invalidated") or {}
    return f"none in force (last: {invalidated['snapshot_sha256']}, invalidated)" if invalidated.get("snapshot_sha256") else "none"


def _approval_facts(approval: dict) -> list[tuple[str, Any]]:
    """What was approved and by whom: the sealed snapshot's hash (GET /models/{id}/approval has the document)."""
    facts: list[tuple[str, Any]] = [("Approval snapshot SHA-256", _approval_hash(approval))]
    if approval.get("snapshot_sha256"):
        facts.append(("Sealed at", _when(approval.get("sealed_at"))))
    signoffs = approval.get("signoffs") or []
    if signoffs:
        label = "Signed off by" if approval.get("snapshot_sha256") else f"Sign-offs ({len(signoffs)} of {approval.get('required_signoffs') or 1})"
        facts.append((label, "; ".join(f"{_clean(s.get('by') or '')} ({s.get('role')}), {_when(s.get('at'))}" for s in signoffs)))
    invalidated = approval.get("invalidated")
    if invalidated:
        facts.append(("Approval invalidated", f"{_when(invalidated.get('at'))} by {_clean(invalidated.get('by') or '')}: "
                      f"{', '.join(invalidated.get('fields') or [])} changed"))
    return facts


def _general_description(data: dict, content: dict) -> list[Flowable]:
    updated = " by ".join(v for v in (_when(data.get("updated_at")), _clean(data.get("updated_by") or "")) if v)
    created = " by ".join(v for v in (_when(data.get("created_at")), _clean(data.get("created_by") or "")) if v)
    facts = [
        ("Model name", data.get("name")),
        ("Model ID", data.get("model_id")),
        ("Provider / owner", data.get("provider")),
        ("Team", data.get("team") or "unassigned"),
        ("Domain", data.get("domain")),
        ("Compliance status", _label(data.get("compliance_status"))),
        ("Latest version", _version_label(data.get("latest_version"))),
        ("Approved version", _version_label(data.get("approved_version"))),
        ("Registered", created),
        ("Last updated", updated),
    ]
    if data.get("last_change_reason"):
        facts.append(("Last change reason", data.get("last_change_reason")))
    facts += _approval_facts(data.get("approval") or {})
    return [
        _facts(facts),
        *_text_field(
            "Description",
            data.get("description"),
            "Not documented: the registry holds no general description of the system (gap, Annex IV 1(a)).",
        ),
        *_text_field(
            "Intended purpose",
            data.get("intended_purpose"),
            "Not documented: no intended purpose is recorded (gap, Annex IV 1(a)).",
        ),
    ]


def _versions(data: dict, content: dict) -> list[Flowable]:
    items = data.get("items") or []
    if not items:
        return [_missing("No version of the system is registered (gap, Annex IV 1(c)).")]
    columns = [
        Column("Version", 0.12, size=7.5),
        Column("Registered (UTC)", 0.15, size=7),
        Column("Artifact location", 0.26, size=7),
        Column("Artifact SHA-256", 0.245, font=FONT_MONO, size=6.5),
        Column("Metrics", 0.085, size=7, align="right"),
        Column("Notes", 0.14, size=7, max_lines=8),
    ]
    rows = []
    for item in items:
        marks = [m for m, on in (("latest", item.get("is_latest")), ("approved", item.get("is_approved"))) if on]
        tag = _clean(item.get("version_tag") or f"#{item.get('id')}") + ("\n" + " · ".join(marks) if marks else "")
        registered = _when(item.get("created_at"), seconds=False, zone=False) + (
            f"\nby {_clean(item['created_by'])}" if item.get("created_by") else ""
        )
        digest = item.get("sha256")
        colours = {} if digest else {3: (FAIL_FG, FAIL_BG)}
        if item.get("is_approved"):
            colours[0] = (PASS_FG, PASS_BG)
        rows.append(
            Row(
                [
                    tag,
                    registered,
                    item.get("s3_path") or "missing",
                    digest or "missing",
                    str(item.get("metric_count", 0)),
                    item.get("description") or "",
                ],
                cell_colours=colours,
                bold=frozenset({0}),
            )
        )
    hashed = sum(1 for i in items if i.get("sha256"))
    return [
        _para(f"{len(items)} version(s) registered, newest first; {hashed} with an artifact SHA-256.", BODY),
        DataTable(columns, rows),
    ]


def _data_governance(data: dict, content: dict) -> list[Flowable]:
    flowables: list[Flowable] = [
        Paragraph(
            "Provenance, scope and main characteristics of the training, validation and test data, how it was "
            "obtained and selected, and its governance (Article 10).",
            SMALL,
        ),
        *_text_field(
            "Data sources",
            data.get("data_sources"),
            "Not documented: no data sources are recorded (gap, Annex IV 2(d)).",
        ),
    ]
    declared = data.get("declared_by")
    sheets = data.get("datasheets") or []
    where = f"version {_clean(declared.get('version_tag'))}" if declared else "no version"
    flowables.append(Paragraph(escape(f"Datasheets of the datasets {where} declares (Annex IV 2(d))"), H3))
    if not sheets:
        flowables.append(_missing(f"No dataset is declared by {where}: the training and test data are not identified (gap, Annex IV 2(d))."))
    for sheet in sheets:
        flowables += _datasheet(sheet)
    base = data.get("base_model")
    if base:
        flowables.append(Paragraph("Base model (Article 25, Annex XII)", H3))
        external = base.get("external")
        if external:
            kind = "a general-purpose AI model" if external.get("gpai") else "a third-party model"
            text = (f"Built on {kind}: {external.get('provider')} {external.get('name')}"
                    + (f" {external.get('version')}" if external.get("version") else "") + ". Provider documentation: "
                    + (external.get("documentation_url") or "not recorded (gap, Annex XII)") + ".")
        else:
            text = f"Built on the registered model version {base.get('model_name')}@{base.get('version_tag')} (version id {base.get('version_id')})."
        flowables.append(_para(text, BODY))
    return flowables


def _datasheet(sheet: dict) -> list[Flowable]:
    """One dataset version as a datasheet: what Annex IV 2(d) and Article 10(2) ask of the data."""
    declared, dataset, version = sheet.get("declared") or {}, sheet.get("dataset") or {}, sheet.get("version") or {}
    bias = dataset.get("bias_examination") or {}
    flag = dataset.get("flag") or {}
    fields = [
        ("Role", sheet.get("role")),
        ("Provenance (source)", dataset.get("source")),
        ("Description", dataset.get("description")),
        ("Licence", dataset.get("licence")),
        ("Collection period", dataset.get("collection_period")),
        ("Geographic scope", dataset.get("geographic_scope")),
        ("Demographic scope", dataset.get("demographic_scope")),
        ("Labelling procedure", dataset.get("labelling_procedure")),
        ("Personal data", "yes" if dataset.get("personal_data") else "no"),
        ("Special categories (Art. 10(5))", "yes" if dataset.get("special_categories") else "no"),
        ("Known gaps and limitations", dataset.get("known_limitations")),
        ("Bias examination: examined", bias.get("examined")),
        ("Bias examination: outcome", bias.get("outcome")),
        ("Location", version.get("location")),
        ("Records", f"{version['records']:,}" if isinstance(version.get("records"), int) else None),
        ("SHA-256", version.get("sha256") or declared.get("sha256")),
        ("Flag", f"FLAGGED: {flag.get('reason')} ({flag.get('by')})" if dataset.get("flagged") else "not flagged"),
    ]
    rows = [Row([label, str(value) if value not in (None, "") else "not documented"],
                cell_colours={1: (FAIL_FG, FAIL_BG)} if value in (None, "") or str(value).startswith("FLAGGED") else {},
                bold=frozenset({0})) for label, value in fields]
    title = f"{declared.get('dataset_name') or dataset.get('name')} @ {declared.get('version_tag') or version.get('version_tag')}"
    return [Paragraph(escape(title), BODY), DataTable([Column("Datasheet", 0.3, size=7), Column("", 0.7, size=7, max_lines=12)], rows)]


def _human_oversight(data: dict, content: dict) -> list[Flowable]:
    return [
        Paragraph(
            "Measures that let natural persons oversee the system while it is in use, understand its "
            "capacities and limitations, and intervene or stop it (Article 14).",
            SMALL,
        ),
        *_text_field(
            "Human oversight plan",
            data.get("oversight_plan"),
            "Not documented: no human oversight measures are recorded (gap, Annex IV 2(e)).",
        ),
    ]


_RESULT_COLOURS = {"pass": (PASS_FG, PASS_BG), "fail": (FAIL_FG, FAIL_BG), "not_measured": (WARN_FG, WARN_BG)}
_RESULT_TEXT = {"pass": "PASS", "fail": "FAIL", "not_measured": "NOT MEASURED"}


_OPERATOR_SIGNS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠", ">": ">", "<": "<"}


def _op(op: Any) -> str:
    return _OPERATOR_SIGNS.get(op, _clean(op or ""))


def _rule_text(checks: list[dict]) -> str:
    return " and ".join(f"{_op(c['op'])} {_fmt(c['value'])}" for c in checks) if checks else "—"


def _metric_rows(versions: list[dict], only_fairness: bool) -> list[Row]:
    rows = []
    for version in versions:
        tag = _clean(version.get("version_tag") or f"#{version.get('version_id')}")
        for metric in version.get("metrics") or []:
            fairness = metric.get("category") == "fairness"
            if only_fairness and not fairness:
                continue
            result = metric.get("result")
            colours: dict[int, tuple[Color, Color | None]] = {}
            if fairness:
                colours[2] = (FAIR_FG, None)
            if result:
                colours[5] = _RESULT_COLOURS[result]
            rows.append(
                Row(
                    [
                        tag,
                        metric.get("metric_name") or "",
                        "FAIRNESS" if fairness else (metric.get("category") or ""),
                        _fmt(metric.get("value")),
                        _rule_text(metric.get("thresholds") or []),
                        _RESULT_TEXT.get(result, "—") if result else "—",
                        _when(metric.get("recorded_at"), seconds=False, zone=False),
                    ],
                    background=FAIR_BG if fairness and not only_fairness else None,
                    cell_colours=colours,
                    bold=frozenset({2, 5}) if fairness else frozenset({5}),
                )
            )
    return rows


_METRIC_COLUMNS = [  # one font size per table: every size change costs a font operator per cell
    Column("Version", 0.11, size=7.2),
    Column("Metric", 0.31, size=7.2),
    Column("Category", 0.12, size=7.2),
    Column("Value", 0.09, size=7.2, align="right"),
    Column("Threshold", 0.12, size=7.2),
    Column("Result", 0.09, size=7.2),
    Column("Recorded (UTC)", 0.16, size=7.2),
]


def _evaluation(data: dict, content: dict) -> list[Flowable]:
    totals = data.get("totals") or {}
    versions = data.get("versions") or []
    policy = data.get("policy")
    checks = data.get("policy_checks") or []
    story: list[Flowable] = [
        _para(
            f"{totals.get('metrics', 0)} metric value(s) over {len(versions)} version(s): {totals.get('fairness', 0)} "
            f"fairness/bias, {totals.get('robustness', 0)} robustness, {totals.get('performance', 0)} performance. "
            f"{totals.get('evaluated', 0)} judged against policy thresholds: {totals.get('passed', 0)} pass, "
            f"{totals.get('failed', 0)} fail.",
            BODY,
        )
    ]

    story.append(_sub_heading(content, "evaluation", 1, "Acceptance thresholds", "s-evaluation-thresholds"))
    if policy is None or not policy.get("thresholds"):
        story.append(
            Paragraph(
                "No policy defines thresholds for this model: metrics are reported without a pass/fail judgement.",
                SMALL,
            )
        )
    else:
        name = policy.get("name") or policy.get("id")
        story.append(
            _para(
                (f"Policy “{_clean(name)}”. " if name else "")
                + f"Each threshold against the newest value on the latest version "
                f"({_version_label(data.get('latest_version'))}).",
                SMALL,
            )
        )
        story.append(
            DataTable(
                [
                    Column("Metric", 0.31),
                    Column("Category", 0.12, size=7),
                    Column("Requirement", 0.14),
                    Column("Value", 0.1, align="right"),
                    Column("Result", 0.15, size=7),
                    Column("Recorded (UTC)", 0.18, size=7),
                ],
                [
                    Row(
                        [
                            c.get("metric_name") or "",
                            "FAIRNESS" if c.get("category") == "fairness" else c.get("category") or "",
                            f"{_op(c.get('op'))} {_fmt(c.get('threshold'))}",
                            _fmt(c.get("value")),
                            _RESULT_TEXT[c["result"]],
                            _when(c.get("recorded_at"), seconds=False, zone=False),
                        ],
                        cell_colours={4: _RESULT_COLOURS[c["result"]]},
                        bold=frozenset({4}),
                    )
                    for c in checks
                ],
            )
        )

    story.append(_sub_heading(content, "evaluation", 2, "Fairness and bias metrics", "s-evaluation-fairness"))
    fairness_rows = _metric_rows(versions, only_fairness=True)
    note = (
        "Metrics on potentially discriminatory impacts (Annex IV 2(g)) and on accuracy for specific persons or "
        "groups of persons (Annex IV 3)."
    )
    if fairness_rows:
        story += [
            _panel(
                [
                    Paragraph(
                        f"<b>{len(fairness_rows)} fairness/bias metric value(s).</b> {escape(note)}",
                        _style("fairnote", fontSize=8.5, leading=11.5, textColor=FAIR_FG),
                    )
                ],
                FAIR_BG,
                FAIR_FG,
            ),
            Spacer(1, 6),
            DataTable(_METRIC_COLUMNS, fairness_rows),
        ]
    else:
        story.append(_missing(f"No fairness or bias metric is recorded. {note}"))

    story.append(_sub_heading(content, "evaluation", 3, "All evaluation metrics by version", "s-evaluation-all"))
    all_rows = _metric_rows(versions, only_fairness=False)
    if all_rows:
        story += [
            Paragraph("Newest version first. Fairness metrics are shaded.", SMALL),
            Spacer(1, 4),
            DataTable(_METRIC_COLUMNS, all_rows),
        ]
    else:
        story.append(_missing("No evaluation metric is recorded (gap, Annex IV 2(g))."))
    return story


def _risk_classification(data: dict, content: dict) -> list[Flowable]:
    risk = data.get("risk_level") or "minimal"
    story: list[Flowable] = [
        _badges((f"{_label(data.get('label') or risk)}", RISK_COLOURS.get(risk, NAVY))),
        Spacer(1, 8),
        _facts(
            [
                ("Risk level", _label(risk)),
                ("Legal basis", data.get("legal_basis")),
                ("Consequence", data.get("obligations")),
            ]
        ),
        Spacer(1, 4),
        _para(
            f"The obligations of this level, article by article, and what covers each: "
            f"section {_section_number(content, 'obligations')}.",
            SMALL,
        ),
        *_text_field(
            "Justification of the classification",
            data.get("justification"),
            "Not documented: the classification has no recorded justification (gap, Annex IV 5).",
        ),
    ]
    story += _questionnaire(data.get("questionnaire"))
    history = data.get("history") or []
    story.append(Paragraph("Classification history", H3))
    if history:
        story.append(
            DataTable(
                [
                    Column("#", 0.06, align="right"),
                    Column("Time (UTC)", 0.16, size=7),
                    Column("By", 0.14, size=7),
                    Column("Change", 0.17),
                    Column("Justification / reason", 0.47, max_lines=10),
                ],
                [
                    Row(
                        [
                            str(h.get("sequence")),
                            _when(h.get("time"), zone=False),
                            _actor(h.get("actor")),
                            f"{_label(h.get('from'))} → {_label(h.get('to'))}",
                            h.get("risk_justification") or h.get("reason") or "",
                        ],
                        bold=frozenset({3}),
                    )
                    for h in history
                ],
            )
        )
    else:
        story.append(Paragraph("The audit trail holds no change of the risk classification.", SMALL))
    return story


def _questionnaire(result: dict | None) -> list[Flowable]:
    """The EU AI Act questionnaire's suggestion, its basis (each with the answer that caused it) and any override."""
    story: list[Flowable] = [Paragraph("Classification questionnaire", H3)]
    if not result:
        return [*story, _missing("The model is not classified with the questionnaire (POST /models/{id}/classification).")]
    suggested = result.get("suggested_risk_level") or ""
    override = "Yes — justified: " + _clean(result.get("justification") or "") if result.get("override") else "No"
    flags = result.get("flags") or {}
    raised = [name for name in ("registration_required", "art6_3_derogation", "gpai", "gpai_systemic_risk") if flags.get(name)]
    story += [
        _facts([
            ("Suggested level", _label(suggested)),
            ("Override", override),
            ("Operator role", _label(result.get("operator_role") or "not recorded")),
            ("Questionnaire", f"version {_clean(result.get('questionnaire_version') or '')}, answered by "
                              f"{_clean(result.get('classified_by') or '')} on {_clean((result.get('classified_at') or '')[:10])}"),
            ("Flags", ", ".join(_label(f) for f in raised) or "none"),
        ]),
        Spacer(1, 4),
        DataTable(
            [Column("Provision", 0.2, size=7.2), Column("Basis (the answer that caused it)", 0.8, size=7, max_lines=8)],
            [Row([_clean(b.get("provision") or ""), _clean(b.get("reason") or "")], bold=frozenset({0}))
             for b in result.get("basis") or []],
        ),
    ]
    return story


_OBLIGATION_TEXT = {"evidenced": "EVIDENCED", "attested": "ATTESTED", "open": "OPEN", "not_in_force": "NOT IN FORCE"}
_OBLIGATION_COLOURS = {
    "evidenced": (PASS_FG, PASS_BG),
    "attested": (PASS_FG, PASS_BG),
    "open": (FAIL_FG, FAIL_BG),
    "not_in_force": (MUTED, PANEL),
}
_COVERAGE_PREFIX = {"policy_rule": "Policy rule {ref}: ", "platform": "Hub: ", "lifecycle": "Approval: ", "monitoring": "Policy monitor: ",
                    "classification": "Classification: "}
_CHECK_TEXT = {"pass": "PASS", "fail": "FAIL", "not_applicable": "N/A"}
_CHECK_COLOURS = {"pass": (PASS_FG, PASS_BG), "fail": (FAIL_FG, FAIL_BG), "not_applicable": (MUTED, None)}


def _indefinite(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _coverage_text(item: dict) -> str:
    """What covers an obligation, one line each (✓ there, ✗ missing), then what is left to the provider."""
    lines = []
    for coverage in item.get("covered_by") or []:
        prefix = _COVERAGE_PREFIX.get(coverage.get("source") or "", "").format(ref=_clean(coverage.get("ref") or ""))
        detail = _shorten(coverage.get("detail") or "", EVIDENCE_LIMIT)
        lines.append(f"{'✓' if coverage.get('satisfied') else '✗'} {prefix}{detail}")
    attestation = item.get("attestation")
    if attestation:
        lines.append(f"✓ Attested by {_clean(attestation.get('attested_by') or '')} on {_clean((attestation.get('attested_at') or '')[:10])}: "
                     f"{_shorten(attestation.get('statement') or '', EVIDENCE_LIMIT)}")
    if item.get("manual") and item.get("status") != "attested":
        lines.append(f"→ Outside the hub: {_clean(item['manual'])}")
    return "\n".join(lines) or "—"


def _obligations(data: dict, content: dict) -> list[Flowable]:
    checklist = data.get("checklist")
    risk = data.get("risk_level") or "minimal"
    story: list[Flowable] = [_sub_heading(content, "obligations", 1, "Obligations checklist", "s-obligations-list")]
    if not checklist:
        story.append(_missing("The obligations checklist was not computed for this report."))
    else:
        items = checklist.get("items") or []
        counts = checklist.get("summary") or {}
        block: list[Flowable] = [
            _para(
                f"What Regulation (EU) 2024/1689 requires of {_indefinite(_label(risk))}-risk system, one row per "
                "article, and "
                f"what in the registry covers each: the model’s documentation, the rules of policy "
                f"v{_fmt(checklist.get('policy_version'))} citing the article (judged for approval), the hub’s own "
                "features and the approval, for the operator role "
                f"{_label(checklist.get('operator_role') or 'provider')}"
                + (" (assumed: none is recorded)" if checklist.get("role_assumed") else "")
                + ". Evidenced: the hub holds the evidence named; attested: a person attested it (audited); not in "
                "force: it applies from the date shown. Registration, conformity assessment, the declaration of "
                "conformity and incident reports are never evidenced by the hub’s own records; the last line of a "
                "row says what is left to the operator.",
                SMALL,
            )
        ]
        if not any(item.get("mandatory") and item.get("article") != "Art. 4" for item in items):
            block.append(_para("No obligation is mandatory at this risk level.", SMALL))
        badges = [
            (f"{counts[s]} {text}", _OBLIGATION_COLOURS[s][0]) for s, text in _OBLIGATION_TEXT.items() if counts.get(s)
        ]
        if badges:
            block += [Spacer(1, 4), _badges(*badges)]
        block += [
            Spacer(1, 6),
            DataTable(
                [
                    Column("Article · obligation", 0.19, size=7.2),
                    Column("What it requires", 0.215, size=7, max_lines=12),
                    Column("Status", 0.125, size=7),
                    Column("What covers it (✓ there, ✗ missing)", 0.47, size=7, max_lines=60),
                ],
                [
                    Row(
                        [
                            f"{_clean(item.get('article') or '')}\n{_clean(item.get('title') or '')}"
                            + ("" if item.get("mandatory", True) else "\n(voluntary)"),
                            item.get("summary") or "",
                            _OBLIGATION_TEXT.get(item.get("status") or "", _label(item.get("status")))
                            + f"\nfrom {_clean(item.get('applies_from') or '')}",
                            _coverage_text(item),
                        ],
                        cell_colours={2: _OBLIGATION_COLOURS.get(item.get("status") or "", (INK, None))},
                        bold=frozenset({0, 2}),
                    )
                    for item in items
                ],
            ),
        ]
        story += block
    check = data.get("policy_check")
    monitoring = bool(check) and check.get("occasion") == "monitoring"
    story += [
        CondPageBreak(170),  # the check's heading, verdict and first rules start a page together
        _sub_heading(
            content,
            "obligations",
            2,
            "Policy check of the approved model" if monitoring else "Policy check for the next step",
            "s-obligations-check",
        ),
        *_policy_check(check, content),
    ]
    return story


_COVERAGE_TEXT = {"covered": "covered", "partial": "partly covered", "open": "open", "not_in_force": "not in force",
                  "not_applicable": "not applicable"}


def _evidence(data: dict, content: dict) -> list[Flowable]:
    documents = data.get("documents") or []
    story: list[Flowable] = [_sub_heading(content, "evidence", 1, "Evidence index", "s-evidence-index")]
    if not documents:
        story.append(_missing("No evidence document is recorded for this model."))
    else:
        story += [
            _para("Every document recorded for the model, pinned by the SHA-256 the hub verified after upload. Current: "
                  "signed off by a second person, valid now, neither withdrawn nor superseded; only current documents "
                  "evidence what they cover. Check a downloaded copy against its SHA-256 (the audit bundle's "
                  "evidence manifest holds the same list).", SMALL),
            Spacer(1, 6),
            DataTable(
                [
                    Column("Title · kind", 0.24, size=7),
                    Column("Covers", 0.14, size=7, max_lines=8),
                    Column("Status", 0.13, size=7),
                    Column("Valid until", 0.1, size=7),
                    Column("SHA-256", 0.39, size=6.4, max_lines=3),
                ],
                [
                    Row([f"{_clean(d.get('title') or '')}\n{_label(d.get('kind'))}", ", ".join(d.get("covers") or []) or "—",
                         ("current" if d.get("current") else _label(d.get("status")))
                         + (f"\nsigned off by {_clean(d.get('signed_off_by'))}" if d.get("signed_off_by") else ""),
                         _clean((d.get("valid_until") or "—")[:10]), _clean(d.get("sha256") or "")],
                        bold=frozenset({0}))
                    for d in documents
                ],
            ),
        ]
    frameworks = data.get("frameworks") or []
    story.append(_sub_heading(content, "evidence", 2, "Framework coverage", "s-evidence-frameworks"))
    if not frameworks:
        story.append(_missing("Framework coverage was not computed for this report."))
        return story
    story += [
        _para(f"Controls per framework and what covers them for this model (the hub's records, current evidence "
              f"documents, attestations), after control library v{_fmt(data.get('library_version'))}: an "
              "interpretation for orientation, not a certification.", SMALL),
        Spacer(1, 6),
        DataTable(
            [Column("Framework", 0.34, size=7)] + [Column(text, 0.132, size=7) for text in _COVERAGE_TEXT.values()],
            [Row([_clean(f.get("title") or f.get("framework") or "")] + [str((f.get("summary") or {}).get(k, 0)) for k in _COVERAGE_TEXT],
                 bold=frozenset({0})) for f in frameworks],
        ),
    ]
    return story


def _policy_check(check: dict | None, content: dict) -> list[Flowable]:
    if not check:
        return [_missing("The policy check was not computed for this report.")]
    policy = f"policy v{_fmt(check.get('policy_version'))} “{_clean(check.get('policy_name') or '')}”"
    status = (content.get("model") or {}).get("compliance_status")
    target, outcome = check.get("target"), check.get("outcome")
    items = check.get("items") or []
    failed = sum(1 for item in items if item.get("status") == "fail")
    if outcome == "none":
        intro = f"The model is retired: no step follows, so no rule of {policy} is judged."
        verdict, colours = "No next step.", (MUTED, PANEL)
    elif check.get("occasion") == "monitoring":
        intro = f"The model is approved: it is re-checked as the policy monitor does, against {policy}."
        verdict = (
            f"{failed} rule(s) fail: the approved model no longer meets the policy set."
            if failed
            else "Still compliant: every rule that applies passes."
        )
        colours = (FAIL_FG, FAIL_BG) if failed else (PASS_FG, PASS_BG)
    else:
        intro = f"The step {_label(status)} → {_label(target)}, judged against {policy}." + (
            " Who approves is not judged here: the four-eyes rule is checked when someone approves."
            if target == "approved"
            else ""
        )
        verdict = (
            f"{failed} rule(s) fail: the model cannot move to {_label(target)} until they pass."
            if failed
            else f"Every rule that applies passes: the policy set lets the model move to {_label(target)}."
        )
        colours = (FAIL_FG, FAIL_BG) if failed else (PASS_FG, PASS_BG)
    story: list[Flowable] = [
        _para(intro, SMALL),
        Spacer(1, 4),
        _panel([_para(verdict, _style("verdict", fontName=FONT_BOLD, textColor=colours[0]))], colours[1], colours[0]),
        Spacer(1, 6),
    ]
    if items and outcome != "none":
        story.append(
            DataTable(
                [
                    Column("Rule", 0.22, size=7),
                    Column("Article", 0.14, size=7),
                    Column("Result", 0.08, size=7),
                    Column("Why", 0.56, size=7, max_lines=20),
                ],
                [
                    Row(
                        [
                            item.get("rule_id") or "",
                            item.get("article") or "",
                            _CHECK_TEXT.get(item.get("status") or "", _label(item.get("status"))),
                            _shorten(item.get("reason") or item.get("description") or "", EVIDENCE_LIMIT),
                        ],
                        cell_colours={2: _CHECK_COLOURS.get(item.get("status") or "", (INK, None))},
                        bold=frozenset({2}),
                    )
                    for item in items
                ],
            )
        )
    return story


def _actor(actor: dict | None) -> str:
    actor = actor or {}
    return "\n".join(_clean(v) for v in (actor.get("username"), actor.get("role")) if v) or "—"


def _changes_text(changes: list[dict]) -> str:
    shown = changes[:6]
    lines = [
        f"{_clean(c.get('field'))}: {_shorten(_fmt(c.get('before')), CELL_VALUE_LIMIT)} → "
        f"{_shorten(_fmt(c.get('after')), CELL_VALUE_LIMIT)}"
        for c in shown
    ]
    if len(changes) > len(shown):
        lines.append(f"+{len(changes) - len(shown)} more field(s)")
    return "\n".join(lines)


def _lifecycle(data: dict, content: dict) -> list[Flowable]:
    chain = data.get("verification") or {}
    status = str(chain.get("status"))
    fill, border = {"verified": (PASS_BG, PASS_FG), "broken": (FAIL_BG, FAIL_FG)}.get(status, (WARN_BG, WARN_FG))
    verification = [
        Paragraph(escape(_verification_text(chain)), _style("chain", fontName=FONT_BOLD, textColor=border)),
        Paragraph(escape(_verification_scope(chain)), SMALL),
    ]
    if chain.get("head_hash"):
        label = "Head hash" if status == "verified" else "Hash of the last trustworthy record"
        verification.append(_para(f"{label}: {chain['head_hash']}", MONO))
    first_break = chain.get("first_break")
    if first_break:
        if isinstance(first_break, dict) and "sequence" in first_break:
            where = f"record {first_break['sequence']}: " + " — ".join(
                _clean(first_break[k]) for k in ("problem", "detail") if first_break.get(k)
            )
        else:
            where = _fmt(first_break)
        verification.append(_para(f"First break at {where}", _style("break", fontSize=8.5, textColor=FAIL_FG)))
    story: list[Flowable] = [
        _facts([("Current status", _label(data.get("current_status"))), ("Audit records", data.get("record_count"))]),
        _sub_heading(content, "lifecycle", 1, "Audit trail verification", "s-lifecycle-verification"),
        _panel(verification, fill, border),
        _sub_heading(content, "lifecycle", 2, "Approval history", "s-lifecycle-approvals"),
    ]
    history = data.get("status_history") or []
    if history:
        story.append(
            DataTable(
                [
                    Column("#", 0.06, align="right"),
                    Column("Time (UTC)", 0.16, size=7),
                    Column("By", 0.14, size=7),
                    Column("Status change", 0.2),
                    Column("Approved version", 0.1, size=7),
                    Column("Reason", 0.34),
                ],
                [
                    Row(
                        [
                            str(h.get("sequence")),
                            _when(h.get("time"), zone=False),
                            _actor(h.get("actor")),
                            f"{_label(h.get('from'))} → {_label(h.get('to'))}",
                            _fmt(h.get("approved_version_id")),
                            h.get("reason") or "",
                        ],
                        cell_colours={3: (PASS_FG, PASS_BG)} if h.get("to") == "approved" else {},
                        bold=frozenset({3}),
                    )
                    for h in history
                ],
            )
        )
    else:
        story.append(Paragraph("The audit trail holds no change of the compliance status.", SMALL))
    story.append(_sub_heading(content, "lifecycle", 3, "Audit log", "s-lifecycle-log"))
    records = data.get("records") or []
    if not records:
        story.append(_missing("The audit trail holds no record (gap, Annex IV 6)."))
        return story
    counts = ", ".join(f"{_clean(kind)} {n}" for kind, n in (data.get("counts") or {}).items())
    if counts:
        story.append(Paragraph(escape(f"Records by kind: {counts}."), SMALL))
    if len(records) < (data.get("record_count") or 0):
        story.append(Paragraph(escape(
            f"The last {len(records)} of {data.get('record_count')} records; the audit export bundle "
            "(GET /api/v1/models/{id}/audit-logs/export, verified offline by `govhub audit verify`) holds every one."), SMALL))
    story.append(
        DataTable(
            [
                Column("#", 0.055, align="right", size=7),
                Column("Time (UTC)", 0.17, size=7),
                Column("Actor", 0.125, size=7),
                Column("Action", 0.13, size=7),
                Column("Reason", 0.2, size=7, max_lines=10),
                Column("Changes (before → after)", 0.32, size=7, max_lines=14),
            ],
            [
                Row(
                    [
                        str(r.get("sequence")),
                        _when(r.get("time"), zone=False),
                        _actor(r.get("actor")),
                        f"{_clean(r.get('action') or '')} · {_clean(r.get('entity') or '')} {_fmt(r.get('entity_id'))}",
                        r.get("reason") or "",
                        _changes_text(r.get("changes") or []),
                    ]
                )
                for r in records
            ],
        )
    )
    return story


def _gaps_and_findings(data: dict, content: dict) -> list[Flowable]:
    gaps = content.get("gaps") or []
    findings = content.get("findings") or []
    checklist = content.get("annex_iv_checklist") or []
    story: list[Flowable] = [_sub_heading(content, "gaps", 1, "Documentation gaps", "s-gaps-list")]
    if gaps:
        story += [
            _panel(
                [
                    Paragraph(
                        f"<b>{len(gaps)} Annex IV item(s) have no data in the registry yet.</b> Each must be "
                        "completed before this documentation can support a conformity assessment.",
                        _style("gapintro", fontSize=9, leading=12.5, textColor=FAIL_FG),
                    )
                ],
                FAIL_BG,
                FAIL_FG,
            ),
            Spacer(1, 6),
            DataTable(
                [
                    Column("#", 0.05, align="right", size=8),
                    Column("Annex IV", 0.11, size=8),
                    Column("Item", 0.24, size=8),
                    Column("What is missing", 0.6, size=8),
                ],
                [
                    Row(
                        [str(n), ", ".join(g.get("annex_iv") or []), g.get("item") or "", g.get("detail") or ""],
                        cell_colours={2: (FAIL_FG, None)},
                        bold=frozenset({2}),
                    )
                    for n, g in enumerate(gaps, start=1)
                ],
            ),
        ]
    else:
        story.append(
            _panel(
                [
                    Paragraph(
                        "No documentation gaps: every Annex IV item the registry covers has data.",
                        _style("nogap", fontName=FONT_BOLD, textColor=PASS_FG),
                    )
                ],
                PASS_BG,
                PASS_FG,
            )
        )
    story.append(_sub_heading(content, "gaps", 2, "Findings", "s-gaps-findings"))
    if findings:
        story.append(
            DataTable(
                [
                    Column("Severity", 0.12, size=8),
                    Column("Section", 0.17, size=8),
                    Column("Finding", 0.25, size=8),
                    Column("Detail", 0.46, size=8),
                ],
                [
                    Row(
                        [
                            (f.get("severity") or "").upper(),
                            _section_title(content, f.get("section")),
                            f.get("title") or "",
                            f.get("detail") or "",
                        ],
                        cell_colours={0: SEVERITY_COLOURS.get(f.get("severity") or "", (INK, None))},
                        bold=frozenset({0, 2}),
                    )
                    for f in findings
                ],
            )
        )
    else:
        story.append(Paragraph("No findings: no threshold failure, no integrity break.", SMALL))
    story.append(_sub_heading(content, "gaps", 3, "Annex IV checklist", "s-gaps-checklist"))
    status_text = {"documented": "Documented", "gap": "GAP", "outside_registry": "Provide separately"}
    status_colours = {"documented": (PASS_FG, PASS_BG), "gap": (FAIL_FG, FAIL_BG), "outside_registry": (MUTED, None)}
    story += [
        Paragraph(
            "Points the registry does not hold (marked “provide separately”) belong to the provider’s wider "
            "technical file.",
            SMALL,
        ),
        Spacer(1, 4),
        DataTable(
            [
                Column("Point", 0.1, size=8),
                Column("Requirement", 0.5, size=8),
                Column("Status", 0.15, size=8),
                Column("Report section", 0.25, size=8),
            ],
            [
                Row(
                    [
                        c.get("point") or "",
                        c.get("requirement") or "",
                        status_text.get(c.get("status"), c.get("status")),
                        _section_title(content, c.get("section")) if c.get("section") else "—",
                    ],
                    cell_colours={2: status_colours.get(c.get("status"), (INK, None))},
                    bold=frozenset({2}),
                )
                for c in checklist
            ],
        ),
    ]
    return story


def _section_title(content: dict, section_id: str | None) -> str:
    for section in content.get("sections") or []:
        if section.get("id") == section_id:
            return f"{section['number']}. {section['title']}"
    return _clean(section_id or "—")


def _post_market_monitoring(data: dict, content: dict) -> list[Flowable]:
    """Annex IV point 9 (the plan, Article 72) and the period's findings, reviews and incidents (Article 73), as the
    organisation recorded them: the hub reports nothing to authorities itself."""
    story: list[Flowable] = [Paragraph(
        "The post-market monitoring plan (Article 72) and what was recorded under it in the period: production values "
        "outside the plan's bounds (findings), periodic reviews, and incidents with their Article 73 reporting steps. "
        "Reports to authorities are listed as the organisation recorded them.", SMALL)]
    plan = data.get("plan")
    if not plan:
        story.append(_para("No post-market monitoring plan is recorded (gap, Annex IV 9).", SMALL))
    else:
        rows = [["Metric", "Bounds"]] + [[_clean(m.get("metric")), _bounds(m)] for m in plan.get("metrics") or []]
        story.append(_para(f"Plan revision {plan.get('revision')}: reviewed every {plan.get('review_cadence_days')} days"
                           + (f" by {_clean(', '.join(plan.get('reviewers') or []))}" if plan.get("reviewers") else "") + ".", SMALL))
        story.append(_simple_table(rows))
        if plan.get("method_notes"):
            story.append(_para(f"Method: {_clean(plan['method_notes'])}", SMALL))
    schedule = data.get("schedule")
    if schedule:
        story.append(_para(f"Next periodic review: {_clean(schedule.get('due_at'))[:10]} ({_clean(schedule.get('state'))}).", SMALL))
    findings = data.get("findings") or []
    story.append(_para(f"Findings: {len(findings)}" + ("" if findings else " (no production value left the planned bounds)."), SMALL))
    if findings:
        story.append(_simple_table([["Metric", "Status", "Finding", "Opened"]] + [
            [_clean(f.get("metric")), _clean(f.get("status")), _clean(f.get("reason")), _clean(f.get("opened_at"))[:10]] for f in findings]))
    reviews = data.get("reviews") or []
    story.append(_para(f"Periodic reviews in the last {data.get('period_days') or 365} days: {len(reviews)}.", SMALL))
    if reviews:
        story.append(_simple_table([["Date", "Outcome", "By", "Notes"]] + [
            [_clean(r.get("reviewed_at"))[:10], _clean(r.get("outcome")), _clean(r.get("reviewed_by")), _clean(r.get("notes"))] for r in reviews]))
    incidents = data.get("incidents") or []
    story.append(_para(f"Incidents: {len(incidents)} ({data.get('serious_incidents', 0)} serious; "
                       f"{data.get('reports_overdue', 0)} initial report(s) overdue; {data.get('reported_late', 0)} reported late).", SMALL))
    if incidents:
        story.append(_simple_table([["Incident", "Severity", "Status", "Art. 73 deadline", "Reports recorded"]] + [
            [_clean(i.get("title")), _clean(i.get("severity")) + (f" ({_clean(i.get('kind'))})" if i.get("kind") else ""),
             _clean(i.get("status")), (_clean(i.get("deadline_at"))[:10] + (" OVERDUE" if i.get("overdue") else "")) if i.get("deadline_at") else "none",
             "; ".join(f"{_clean(s.get('status'))} {_clean(s.get('at'))[:10]} {_clean(s.get('reference') or '')}".strip() for s in i.get("steps") or []) or "none"]
            for i in incidents]))
    return story


def _bounds(metric: dict) -> str:
    low, high = metric.get("min"), metric.get("max")
    if low is not None and high is not None:
        return f"{low} – {high}"
    return f"≥ {low}" if low is not None else f"≤ {high}"


def _simple_table(rows: list[list[str]]) -> Flowable:
    cells = [[Paragraph(escape(str(cell)), SMALL) for cell in row] for row in rows]
    table = Table(cells, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
    return table


def render_incident_pdf(document: dict) -> bytes:
    """The incident report (govhub.api.incidents.incident_report_document) as a short PDF for the authority's file:
    the system, the incident, its Art. 73 clock and every step the organisation recorded."""
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    buffer = io.BytesIO()
    incident, system = document.get("incident") or {}, document.get("system") or {}
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=f"Incident report {incident.get('id')}", author="AI Governance Hub",
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    rows = [["Field", "Value"]] + [[label, _clean(value if value is not None else "—")] for label, value in (
        ("Incident", f"#{incident.get('id')}: {incident.get('title')}"),
        ("Severity", f"{incident.get('severity')}" + (f" ({incident.get('kind')})" if incident.get("kind") else "")),
        ("Status", incident.get("status")),
        ("Occurred", incident.get("occurred_at")),
        ("Organisation aware (Art. 73 clock starts)", incident.get("aware_at")),
        ("Initial report deadline", f"{incident.get('deadline_at')} ({incident.get('deadline_article')}, {incident.get('deadline_days')} days)"
         if incident.get("deadline_at") else "none (not a serious incident)"),
        ("Overdue / reported late", f"{'yes' if incident.get('overdue') else 'no'} / {'yes' if incident.get('reported_late') else 'no'}"),
        ("AI system", f"{system.get('name')} (#{system.get('model_id')}), {system.get('risk_level')} risk, {system.get('compliance_status')}"),
        ("Provider / team", f"{system.get('owner')} / {system.get('team')}"),
        ("Operator role", system.get("operator_role")),
        ("Intended purpose", system.get("intended_purpose")),
        ("Approval snapshot SHA-256", system.get("approval_snapshot_sha256")),
    )]
    timeline = [["When", "What", "Reference"]] + [
        [_clean(e.get("at")), _clean(e.get("event")), _clean(e.get("reference") or "")] for e in document.get("timeline") or []]
    story: list[Flowable] = [
        _para(f"Serious incident report — incident {incident.get('id')}", H1),
        _para(f"Generated {document.get('generated_at')} by the AI Governance Hub.", SMALL),
        _simple_table(rows), Spacer(1, 10),
        _para("Description", H2), _para(incident.get("description") or "", BODY),
        _para("Timeline", H2), _simple_table(timeline), Spacer(1, 10),
        _para(document.get("note") or "", SMALL),
    ]
    doc.build(story)
    return buffer.getvalue()
