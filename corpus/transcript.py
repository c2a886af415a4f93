"""Speaker turns and timestamps in an interview transcript.

The parser reads line starts only. A turn begins where a line starts with a speaker label
(``受访者：``, ``[00:12:31] 访谈者：``, ``张阿姨（00:03:15）：``), with a header line of a
transcription service (``说话人1 00:03:15`` with the words on the following lines, or a speaker
line followed by a time line), or with a timestamp (``[00:12:31] 我们…``). Every other line
continues the turn before it. A turn's span is what the speaker said: labels and timestamps stay
in the document text, outside the span.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus.notes import blank_line_spans, paragraph_spans, trim_span


@dataclass(frozen=True, slots=True)
class Turn:
    start: int
    end: int
    speaker: str | None
    timestamp: str | None


_TIME_CORE = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIME_PARTS = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,]\d{1,3})?")
_BRACKETED = rf"[\[【(（][^\S\n]*{_TIME_CORE}[^\S\n]*[\]】)）]"
# Lookarounds keep a bare time from starting or ending inside a longer run of digits.
_BARE = rf"(?<![\d:]){_TIME_CORE}(?![\d:])"
_HMS_BARE = r"(?<![\d:])\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?(?![\d:])"
_TIME = rf"(?:{_BRACKETED}|{_BARE})"
_SP = r"[^\S\n]*"

# Which labels we accept, and why. A label is either
#  * a role word, always a label: 访谈者, 受访者, 问/答, 说话人1, Q/A, I/R, Speaker 2 ... with an
#    optional number or letter (受访者A1, 说话人 1, 受访者1号) and note (受访者（张阿姨）); or
#  * a name of at most six Han characters (the length limit: 张阿姨, 社区书记, 居委会主任 fit,
#    a clause before a colon such as 我们搬过来以后 does not), with the same optional suffixes.
#    A name must label at least two lines (real speakers speak more than once; a metadata line
#    such as 访谈地点：… or a one-off 比如：… does not recur), must not contain a pronoun
#    (他说：, 我妈说：; a bare 我：/他： is allowed, some researchers label turns that way),
#    must not end in a verb of saying (老师讲：, 书记表示：) and must not be a header field
#    (访谈时间：, 记录人：).
# Labels count only at the start of a line: mid-line, 他说：… is always reported speech.
_ROLE_WORDS = (
    "被访谈者|被采访者|访谈者|采访者|访问者|研究者|研究员|调查者|调查员|主持人|"
    "受访者|被访者|被访人|受访人|说话人|发言人|讲话人|发言者|访员|问|答"
)
_ENGLISH_ROLES = r"(?i:interviewer|interviewee|respondent|participant|speaker|moderator)|[QAIRP]"
_ID = r"(?:[ ]?\d{1,3}号?|[A-Z]\d{0,3})?"
_NOTE = r"(?:[（(][^（()）:：\n]{1,12}[)）])?"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f〇"
_MAX_NAME_CHARS = 6
_ROLE = rf"(?:{_ROLE_WORDS}|{_ENGLISH_ROLES}){_ID}{_NOTE}"
_NAME = rf"[{_HAN}]{{1,{_MAX_NAME_CHARS}}}{_ID}{_NOTE}"
_LABEL = rf"(?P<label>{_ROLE}|{_NAME})"
_ROLE_LABEL = re.compile(_ROLE)
_NAME_CORE = re.compile(rf"[{_HAN}]+")
_NAME_NOTE = re.compile(_NOTE + "$")

_PRONOUNS = frozenset("我你您他她它咱俺")
_PRONOUN_LABELS = frozenset("我你他她")
_SAYING_ENDINGS = (
    "说", "讲", "道", "问", "答", "称", "写", "想", "是", "表示", "认为", "觉得", "提到",
    "指出", "回答", "回忆", "告诉", "强调", "解释", "补充", "介绍", "通知", "规定", "发现",
)
# Header fields of a transcript, never speakers even when they recur.
_METADATA_ENDINGS = (
    "时间", "日期", "地点", "主题", "标题", "编号", "时长", "方式", "信息", "对象", "备注",
    "说明", "注释", "关键词", "摘要", "记录", "性别", "年龄", "职业", "民族", "籍贯", "学历",
    "身份", "单位", "电话", "背景", "来源", "原因", "问题", "结果", "目的", "总结", "结论",
    "记录人", "整理人", "转录人", "转写人", "录音",
)
_DISCOURSE_WORDS = frozenset(
    "注 比如 例如 比方 就是 但是 所以 因为 首先 其次 然后 最后 另外 总之 注意 后来".split()
)

# A tab also ends a label: a two-column Word table (说话人 | 内容) reaches us as "受访者\t…".
_LABELLED_LINE = re.compile(
    rf"{_SP}(?:(?P<before>{_TIME}){_SP})?{_LABEL}{_SP}(?:(?P<after>{_TIME}){_SP})?(?:[:：]|\t)"
    rf"(?:{_SP}(?P<late>{_BRACKETED}))?"
)
_HEADER_LINE = re.compile(rf"{_SP}{_LABEL}{_SP}(?P<after>{_TIME}){_SP}")
_LABEL_ONLY_LINE = re.compile(rf"{_SP}{_LABEL}{_SP}")
_TIME_ONLY_LINE = re.compile(rf"{_SP}(?P<before>{_TIME}){_SP}")
# A header block's values are names, dates and places, never sentences.
_SENTENCE_MARK = re.compile(r"[。！？!?…]")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
# Bare mm:ss at the start of a line is too often a clock time in the text ("12:30 我们到了"),
# so a timestamp that opens a line of speech must be bracketed or have hours.
_TIMED_TEXT_LINE = re.compile(rf"{_SP}(?P<before>{_BRACKETED}|{_HMS_BARE}){_SP}(?=\S)")


@dataclass(frozen=True, slots=True)
class _Marker:
    """Where a turn's label begins, where its words begin, and what the label says."""

    label_start: int
    content_start: int
    speaker: str | None
    timestamp: str | None
    kind: str  # "label", "speaker-only" (a name that needs a time line after it) or "time-only"


def normalize_timestamp(raw: str) -> str | None:
    """``'[00:12:31]'``, ``'0:12:31.5'``, ``'12:31'`` (mm:ss) -> ``'00:12:31'``; None if invalid."""
    match = _TIME_PARTS.fullmatch(raw.strip().strip("[]【】()（） \t\u3000"))
    if match is None:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if seconds >= 60 or (match.group(1) is not None and minutes >= 60):
        return None
    return format_seconds(hours * 3600 + minutes * 60 + seconds)


def format_seconds(total: int) -> str:
    hours, rest = divmod(total, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def parse_transcript(text: str) -> list[Turn]:
    """Turns of an interview, in order; text before the first label becomes unlabelled turns."""
    lines = _line_spans(text)
    names = _recurring_names(text, lines)
    body_start = _header_block_end(text, lines)
    found = [_marker(text, s, e, names) for s, e in lines if s >= body_start]
    markers = _merge_markers(text, [m for m in found if m])
    if not markers:
        return [Turn(s, e, None, None) for s, e in paragraph_spans(text)]
    turns = [Turn(s, e, None, None) for s, e in blank_line_spans(text, 0, markers[0].label_start)]
    for marker, following in zip(markers, markers[1:] + [None]):
        end = following.label_start if following else len(text)
        start, end = trim_span(text, marker.content_start, end)
        if start < end:
            turns.append(Turn(start, end, marker.speaker, marker.timestamp))
    return turns


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    while (newline := text.find("\n", start)) != -1:
        spans.append((start, newline))
        start = newline + 1
    spans.append((start, len(text)))
    return spans


def _header_block_end(text: str, lines: list[tuple[int, int]]) -> int:
    """Where the body starts if the transcript opens with a header block, else 0.

    A header block (访谈时间：…, 访谈者：李明, 受访者：张阿姨，68岁) may use the same role
    words as the turns. It is the first paragraph, taken as a header only when a blank line
    ends it, one of its lines is a header field and none of it reads as a sentence.
    """
    first_char = len(text) - len(text.lstrip())
    blank = _BLANK_LINE.search(text, first_char)
    if blank is None or _SENTENCE_MARK.search(text, first_char, blank.start()):
        return 0
    for start, end in lines:
        if start >= blank.start():
            break
        match = _LABELLED_LINE.match(text, start, end)
        if match and _is_header_field(match.group("label")):
            return blank.end()
    return 0


def _is_header_field(label: str) -> bool:
    core = _NAME_CORE.match(label)
    return core is not None and core.group().endswith(_METADATA_ENDINGS)


def _is_role(label: str) -> bool:
    return _ROLE_LABEL.fullmatch(label) is not None


def _plausible_name(label: str) -> bool:
    core = _NAME_CORE.match(_NAME_NOTE.sub("", label))
    if core is None:
        return False
    name = core.group()
    if name in _PRONOUN_LABELS:
        return True
    return not (
        _PRONOUNS.intersection(name)
        or name.endswith(_SAYING_ENDINGS)
        or name.endswith(_METADATA_ENDINGS)
        or name in _DISCOURSE_WORDS
        or name.startswith("第")
    )


def _name_key(label: str) -> str:
    """The label without its note, so 张阿姨 and 张阿姨（受访者） count as one speaker."""
    return _NAME_NOTE.sub("", label)


def _recurring_names(text: str, lines: list[tuple[int, int]]) -> frozenset[str]:
    counts: Counter[str] = Counter()
    for start, end in lines:
        match = (
            _LABELLED_LINE.match(text, start, end)
            or _HEADER_LINE.fullmatch(text, start, end)
            or _LABEL_ONLY_LINE.fullmatch(text, start, end)
        )
        if match:
            label = match.group("label")
            if not _is_role(label) and _plausible_name(label):
                counts[_name_key(label)] += 1
    return frozenset(name for name, count in counts.items() if count >= 2)


def _marker(text: str, start: int, end: int, names: frozenset[str]) -> _Marker | None:
    def accepted(match: re.Match[str]) -> bool:
        label = match.group("label")
        return _is_role(label) or _name_key(label) in names

    def first_char(match: re.Match[str]) -> int:
        return trim_span(text, match.start(), match.end())[0]

    match = _LABELLED_LINE.match(text, start, end)
    if match and accepted(match):
        raw_times = [t for t in match.group("before", "after", "late") if t]
        timestamp = normalize_timestamp(raw_times[0]) if raw_times else None
        if not raw_times or timestamp:
            speaker = match.group("label").strip()
            return _Marker(first_char(match), match.end(), speaker, timestamp, "label")
    match = _HEADER_LINE.fullmatch(text, start, end)
    if match and accepted(match) and (timestamp := normalize_timestamp(match.group("after"))):
        return _Marker(first_char(match), end, match.group("label").strip(), timestamp, "label")
    match = _LABEL_ONLY_LINE.fullmatch(text, start, end)
    if match and accepted(match):
        # A role word alone on a line heads the lines below it; a name alone needs a time line.
        label = match.group("label").strip()
        kind = "label" if _is_role(label) else "speaker-only"
        return _Marker(first_char(match), end, label, None, kind)
    match = _TIME_ONLY_LINE.fullmatch(text, start, end)
    if match and (timestamp := normalize_timestamp(match.group("before"))):
        return _Marker(first_char(match), end, None, timestamp, "time-only")
    match = _TIMED_TEXT_LINE.match(text, start, end)
    if match and (timestamp := normalize_timestamp(match.group("before"))):
        return _Marker(first_char(match), match.end(), None, timestamp, "label")
    return None


def _merge_markers(text: str, markers: list[_Marker]) -> list[_Marker]:
    """Join speaker and time lines that head one turn; drop speaker-only lines left alone.

    A name alone on a line with no time line after it is not a label after all (a title such
    as 一个人的搬迁), so its line continues the turn before it.
    """
    merged: list[_Marker] = []
    index = 0
    while index < len(markers):
        marker = markers[index]
        joined = _join(text, marker, markers[index + 1]) if index + 1 < len(markers) else None
        if joined is not None:
            merged.append(joined)
            index += 2
            continue
        if marker.kind != "speaker-only":
            merged.append(marker)
        index += 1
    return merged


def _join(text: str, first: _Marker, second: _Marker) -> _Marker | None:
    """One marker from a speaker line and a time line next to each other, in either order."""
    if text[first.content_start : second.label_start].strip():
        return None
    if first.speaker and first.timestamp is None and second.kind == "time-only":
        return _Marker(
            first.label_start, second.content_start, first.speaker, second.timestamp, "label"
        )
    if first.kind == "time-only" and second.speaker and second.timestamp is None:
        return _Marker(
            first.label_start, second.content_start, second.speaker, first.timestamp, "label"
        )
    return None
