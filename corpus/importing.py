"""An uploaded file in, a parsed document out: text, passages, sentences. No database here.

``parse_document`` is pure: it reads the bytes it is given and returns plain data, or raises a
``BianmaError`` whose code says what was wrong with the file. The caller stores the result.
All offsets are code-point indices into ``ParsedDocument.text``.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, count
from typing import TYPE_CHECKING

from corpus.normalize import (
    format_seconds,
    normalize_newlines,
    normalize_text,
    normalize_timestamp,
)
from corpus.notes import paragraph_spans
from corpus.reading import (
    ImportLimits,
    TableRow,
    check_size,
    decode_text,
    file_format,
    read_csv_rows,
    read_docx_text,
    read_xlsx_rows,
)
from corpus.sentences import passage_sentences
from corpus.transcript import TurnSpan, turn_spans
from i18n import BianmaError

if TYPE_CHECKING:
    from corpus.tokenize import Token, Tokenizer

KINDS = ("interview", "notes")

# Header names as researchers and transcription services write them, compared after
# _header_key (case, spaces, underscores and a bracketed unit such as 时间（秒） removed).
_SPEAKER_HEADERS = frozenset(
    "说话人 发言人 讲话人 发言者 说话者 角色 姓名 speaker name role participant".split()
)
_TIME_HEADERS = frozenset(
    "时间 时间戳 时间点 时间码 开始时间 起始时间 time timestamp start starttime begin".split()
)
_TEXT_HEADERS = frozenset(
    "内容 文本 发言 发言内容 文字 文字内容 转写 转写内容 转写文本 转录 转录内容 转录文本 对话 "
    "对话内容 说话内容 正文 原文 text content transcript utterance".split()
)
_HEADER_NOISE = re.compile(r"[（(][^）)]*[）)]|[\s_\-]")
_SECONDS = re.compile(r"\d+(?:\.\d+)?")


# Not frozen: a frozen dataclass sets each field through object.__setattr__, five times slower
# than a plain one, which made parsing a long transcript (tens of thousands of passages) a
# third slower.
@dataclass(slots=True)
class ParsedPassage:
    index: int
    start: int
    end: int
    speaker: str | None
    timestamp: str | None
    sentences: list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    text: str
    encoding: str
    kind: str
    passages: list[ParsedPassage]
    sentences: list[tuple[int, int]]


def parse_document(
    filename: str, data: bytes, kind: str = "interview", *, limits: ImportLimits = ImportLimits()
) -> ParsedDocument:
    """Parse an uploaded .txt, .docx, .csv or .xlsx as an interview or as field notes.

    ``kind`` decides how a .txt or .docx is cut: speaker turns ("interview") or paragraphs
    ("notes"). A .csv or .xlsx is one passage per row either way, with its speaker and time.
    Sizes are checked before anything is decoded; every refusal is a ``BianmaError``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    source_format = file_format(filename)
    check_size(filename, data, limits)
    if source_format in ("csv", "xlsx"):
        if source_format == "csv":
            rows, encoding = read_csv_rows(filename, data)
        else:
            rows, encoding = read_xlsx_rows(filename, data, limits), "xlsx"
        text, turns = _table_transcript(filename, rows)
        with _collection_paused():
            return _document(filename, text, encoding, kind, turns)
    if source_format == "docx":
        raw, encoding = read_docx_text(filename, data, limits), "docx"
    else:
        decoded = decode_text(filename, data)
        raw, encoding = decoded.text, decoded.encoding
    text = normalize_text(raw)
    with _collection_paused():
        turns = turn_spans(text) if kind == "interview" else _paragraph_turns(text)
        return _document(filename, text, encoding, kind, turns)


def tokenize_passages(doc: ParsedDocument, tokenizer: Tokenizer) -> list[list[Token]]:
    """Tokens of each passage, with offsets into ``doc.text``."""
    return [tokenizer.tokens(doc.text[p.start : p.end], p.start) for p in doc.passages]


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a text is cut into passages and sentences.

    A long transcript yields a few hundred thousand small objects (matches, spans, passages)
    that stay alive while it is cut, which sets off collection after collection; they find
    nothing, since cutting makes no reference cycles, yet made it half as slow again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _paragraph_turns(text: str) -> list[TurnSpan]:
    return [(start, end, None, None) for start, end in paragraph_spans(text)]


def _document(
    filename: str, text: str, encoding: str, kind: str, turns: list[TurnSpan]
) -> ParsedDocument:
    if not turns:
        raise BianmaError("E114", filename=filename)
    starts, ends, speakers, timestamps = zip(*turns)
    sentences = passage_sentences(text, zip(starts, ends))
    passages = list(map(ParsedPassage, count(), starts, ends, speakers, timestamps, sentences))
    return ParsedDocument(text, encoding, kind, passages, list(chain.from_iterable(sentences)))


def _table_transcript(filename: str, rows: list[TableRow]) -> tuple[str, list[TurnSpan]]:
    """One line per row, ``说话人 [00:01:02]：文本``; each turn's span is the text part."""
    filled = [(number, cells) for number, cells in rows if any(_cell_text(c) for c in cells)]
    if not filled:
        raise BianmaError("E114", filename=filename)
    header = [_header_key(_cell_text(cell)) for cell in filled[0][1]]
    text_column = _find_column(header, _TEXT_HEADERS)
    if text_column is None:
        shown = "、".join(_cell_text(cell) for cell in filled[0][1] if _cell_text(cell))
        raise BianmaError("E111", filename=filename, header=shown or "—")
    speaker_column = _find_column(header, _SPEAKER_HEADERS)
    time_column = _find_column(header, _TIME_HEADERS)
    lines: list[str] = []
    turns: list[TurnSpan] = []
    position = 0
    for number, cells in filled[1:]:
        words = normalize_newlines(_cell_text(_cell(cells, text_column))).strip()
        if not words:
            continue
        speaker = " ".join(_cell_text(_cell(cells, speaker_column)).split()) or None
        timestamp = _row_timestamp(filename, number, _cell(cells, time_column))
        prefix = _line_prefix(speaker, timestamp)
        start = position + len(prefix)
        turns.append((start, start + len(words), speaker, timestamp))
        lines.append(prefix + words)
        position += len(prefix) + len(words) + 1  # the "\n" that joins the lines
    return "\n".join(lines), turns


def _line_prefix(speaker: str | None, timestamp: str | None) -> str:
    if speaker and timestamp:
        return f"{speaker} [{timestamp}]："
    if speaker:
        return f"{speaker}："
    if timestamp:
        return f"[{timestamp}] "
    return ""


def _row_timestamp(filename: str, row: int, value: object) -> str | None:
    """A time cell as ``HH:MM:SS``; numbers are seconds from the start of the recording."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        value = value.time()
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    if isinstance(value, dt.timedelta):
        return format_seconds(int(value.total_seconds()))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return format_seconds(int(value))
    if isinstance(value, str):
        stripped = value.strip()
        if _SECONDS.fullmatch(stripped):
            return format_seconds(int(float(stripped)))
        if timestamp := normalize_timestamp(stripped):
            return timestamp
    raise BianmaError("E112", filename=filename, row=row, value=_cell_text(value).strip())


def _find_column(header: list[str], names: frozenset[str]) -> int | None:
    return next((index for index, key in enumerate(header) if key in names), None)


def _header_key(name: str) -> str:
    return _HEADER_NOISE.sub("", name).casefold()


def _cell(cells: tuple[object, ...], column: int | None) -> object:
    return cells[column] if column is not None and column < len(cells) else None


def _cell_text(value: object) -> str:
    return "" if value is None else str(value)
