"""Speaker turns and timestamps in an interview transcript.

The parser reads line starts only. A turn begins where a line starts with a speaker label
(``受访者：``, ``[00:12:31] 访谈者：``, ``张阿姨（00:03:15）：``), with a header line of a
transcription service (``说话人1 00:03:15`` with the words on the following lines, or a speaker
line followed by a time line), or with a timestamp (``[00:12:31] 我们…``). Every other line
continues the turn before it. A turn's span is what the speaker said: labels and timestamps stay
in the document text, outside the span.

A long transcript has tens of thousands of lines, so their starts are read by one regular
expression over the whole text (``_LINE_START``) and each distinct label is judged once; only
the lines the common cases do not settle go through the rules one line at a time (``_marker``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter, methodcaller

from corpus.normalize import normalize_timestamp
from corpus.notes import blank_line_spans, paragraph_spans, trim_span


@dataclass(frozen=True, slots=True)
class Turn:
    start: int
    end: int
    speaker: str | None
    timestamp: str | None


# A turn as the tuple (start, end, speaker, timestamp), which is all parse_document needs.
TurnSpan = tuple[int, int, str | None, str | None]
# Where a turn's label begins, where its words begin, its speaker, its timestamp and its kind:
# "label", "speaker-only" (a name that needs a time line after it) or "time-only".
_Marker = tuple[int, int, str | None, str | None, str]

_TIME_CORE = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
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

# The five kinds of line start, in the order they are tried, without leading whitespace.
# A tab also ends a label: a two-column Word table (说话人 | 内容) reaches us as "受访者\t…".
_LABELLED = (
    rf"(?:(?P<before>{_TIME}){_SP})?{_LABEL}{_SP}(?:(?P<after>{_TIME}){_SP})?(?:[:：]|\t)"
    rf"(?:{_SP}(?P<late>{_BRACKETED}))?"
)
_HEADER = rf"{_LABEL}{_SP}(?P<after>{_TIME}){_SP}"
_LABEL_ONLY = rf"{_LABEL}{_SP}"
_TIME_ONLY = rf"(?P<before>{_TIME}){_SP}"
# Bare mm:ss at the start of a line is too often a clock time in the text ("12:30 我们到了"),
# so a timestamp that opens a line of speech must be bracketed or have hours.
_TIMED_TEXT = rf"(?P<before>{_BRACKETED}|{_HMS_BARE}){_SP}(?=\S)"
# Each matched against one line (match or fullmatch between the line's ends).
_LABELLED_LINE = re.compile(_SP + _LABELLED)
_HEADER_LINE = re.compile(_SP + _HEADER)
_LABEL_ONLY_LINE = re.compile(_SP + _LABEL_ONLY)
_TIME_ONLY_LINE = re.compile(_SP + _TIME_ONLY)
_TIMED_TEXT_LINE = re.compile(_SP + _TIMED_TEXT)


def _renamed(pattern: str, **groups: str | None) -> str:
    """``pattern`` with groups renamed, or unnamed where the new name is None (one regular
    expression may hold the five patterns only if its group names are unique)."""
    for old, new in groups.items():
        pattern = pattern.replace(f"(?P<{old}>", f"(?P<{new}>" if new else "(?:")
    return pattern


# A line where any of the five matches, in one scan over the whole text. The alternatives come
# in the order _marker tries them, so a line yields here the label _marker would see first.
# The first one is the common case, 张阿姨：… (a plain name and a colon), written so that
# wherever it matches, _LABELLED matches the same way: a run of Han characters followed by a
# colon cannot be split into a role word and suffixes nor be followed by a time, and the
# lookahead leaves a time after the colon to _LABELLED. (Not a tab: a time may follow a tab.)
# Lines end at "\n" only, as everywhere in the importer: MULTILINE $ is just before a "\n".
_LINE_START = (
    rf"(?P<lead>{_SP})(?:"
    rf"(?P<plain>[{_HAN}]{{1,{_MAX_NAME_CHARS}}})[:：](?!{_SP}{_BRACKETED})"
    rf"|{_LABELLED}"
    rf"|{_renamed(_HEADER, label='header_label', after=None)}$"
    rf"|{_renamed(_LABEL_ONLY, label='lone_label')}$"
    rf"|{_renamed(_TIME_ONLY, before=None)}$"
    rf"|{_renamed(_TIMED_TEXT, before=None)})"
)
# The first line is matched where the text starts, every other one with the "\n" before it: a
# pattern that starts with a fixed character lets the engine skip from line break to line
# break instead of trying the pattern at every position.
_FIRST_LINE_HEAD = re.compile(_LINE_START, re.MULTILINE)
_LINE_HEAD = re.compile("\n" + _LINE_START, re.MULTILINE)
_LEAD = _LINE_HEAD.groupindex["lead"]
_PLAIN_LABEL = methodcaller("group", _LINE_HEAD.groupindex["plain"])
# Groups are picked out of match.groups() (one call per line; group(name, ...) looks names up).
_GROUP = {name: number - 1 for name, number in _LINE_HEAD.groupindex.items()}
_OTHER_LABELS = itemgetter(_GROUP["label"], _GROUP["header_label"], _GROUP["lone_label"])
_LABELLED_FIELDS = itemgetter(_GROUP["label"], _GROUP["before"], _GROUP["after"], _GROUP["late"])
# The blank line that ends the first paragraph, or a sentence mark before it: a header block's
# values are names, dates and places, never sentences.
_HEADER_BREAK = re.compile(r"(?P<blank>\n[^\S\n]*\n)|[。！？!?…]")


def parse_transcript(text: str) -> list[Turn]:
    """Turns of an interview, in order; text before the first label becomes unlabelled turns."""
    return [Turn(*turn) for turn in turn_spans(text)]


def turn_spans(text: str) -> list[TurnSpan]:
    """``parse_transcript`` as tuples ``(start, end, speaker, timestamp)``."""
    heads = list(_LINE_HEAD.finditer(text))
    if first_line := _FIRST_LINE_HEAD.match(text):
        heads.insert(0, first_line)
    plains = list(map(_PLAIN_LABEL, heads))
    names = _recurring_names(heads, plains)
    body_start = _header_block_end(text)
    body = next((i for i, head in enumerate(heads) if head.start(_LEAD) >= body_start), len(heads))
    markers = _markers(text, heads[body:], plains[body:], names)
    if not markers:
        return [(s, e, None, None) for s, e in paragraph_spans(text)]
    before = [(s, e, None, None) for s, e in blank_line_spans(text, 0, markers[0][0])]
    return before + _turns(text, markers)


def _header_block_end(text: str) -> int:
    """Where the body starts if the transcript opens with a header block, else 0.

    A header block (访谈时间：…, 访谈者：李明, 受访者：张阿姨，68岁) may use the same role
    words as the turns. It is the first paragraph, taken as a header only when a blank line
    ends it, one of its lines is a header field and none of it reads as a sentence.
    """
    first_char = len(text) - len(text.lstrip())
    blank = _HEADER_BREAK.search(text, first_char)
    if blank is None or blank.group("blank") is None:
        return 0
    line_start = 0
    for line in text[: blank.start()].split("\n"):
        match = _LABELLED_LINE.match(text, line_start, line_start + len(line))
        if match and _is_header_field(match.group("label")):
            return blank.end()
        line_start += len(line) + 1
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


def _accepted(label: str, names: frozenset[str]) -> bool:
    return _is_role(label) or _name_key(label) in names


def _recurring_names(heads: list[re.Match[str]], plains: list[str | None]) -> frozenset[str]:
    """Names that label at least two lines (a labelled, header or label-only line each)."""
    lines = Counter(plains)  # most lines of a long transcript are 张阿姨：…, counted in one go
    if lines.pop(None, 0):
        for head, plain in zip(heads, plains):
            if plain is None:
                label, header_label, lone_label = _OTHER_LABELS(head.groups())
                if label := label or header_label or lone_label:
                    lines[label] += 1
    counts: Counter[str] = Counter()
    for label, count in lines.items():  # each distinct label judged once
        if not _is_role(label) and _plausible_name(label):
            counts[_name_key(label)] += count
    return frozenset(name for name, count in counts.items() if count >= 2)


class _Speakers(dict[str, str | None]):
    """Label -> speaker, or None where it is no label here; each distinct label judged once."""

    def __init__(self, names: frozenset[str]) -> None:
        super().__init__()
        self.names = names

    def __missing__(self, label: str) -> str | None:
        self[label] = label.strip() if _accepted(label, self.names) else None
        return self[label]


def _markers(
    text: str, heads: list[re.Match[str]], plains: list[str | None], names: frozenset[str]
) -> list[_Marker]:
    """The markers of the turns among the line starts, speaker and time lines joined.

    Plain-name lines, and labelled lines with an accepted label and no timestamp or a valid
    one, are settled from the scan; every other line goes through ``_marker``, which applies
    all the rules to that one line as if there had been no scan.
    """
    speakers = _Speakers(names)
    markers: list[_Marker] = []
    unjoined = False  # a speaker-only or time-only line was seen: see _merge_markers
    for head, plain in zip(heads, plains):
        if plain is not None:
            # 张阿姨：… can be no other kind of line, so a rejected name (其他：…) marks nothing.
            if (speaker := speakers[plain]) is not None:
                markers.append((head.end(_LEAD), head.end(), speaker, None, "label"))
            continue
        label, before, after, late = _LABELLED_FIELDS(head.groups())
        if label is not None and (speaker := speakers[label]) is not None:
            raw_time = before or after or late
            timestamp = normalize_timestamp(raw_time) if raw_time else None
            if raw_time is None or timestamp:
                markers.append((head.end(_LEAD), head.end(), speaker, timestamp, "label"))
                continue
        line_start = head.start(_LEAD)
        line_end = text.find("\n", line_start)
        marker = _marker(text, line_start, len(text) if line_end == -1 else line_end, names)
        if marker:
            markers.append(marker)
            unjoined = unjoined or marker[4] != "label"
    return _merge_markers(text, markers) if unjoined else markers


def _marker(text: str, start: int, end: int, names: frozenset[str]) -> _Marker | None:
    """The marker of the line ``text[start:end]``, or None if the line continues a turn."""

    def accepted(match: re.Match[str]) -> bool:
        return _accepted(match.group("label"), names)

    def first_char(match: re.Match[str]) -> int:
        return trim_span(text, match.start(), match.end())[0]

    match = _LABELLED_LINE.match(text, start, end)
    if match and accepted(match):
        raw_times = [t for t in match.group("before", "after", "late") if t]
        timestamp = normalize_timestamp(raw_times[0]) if raw_times else None
        if not raw_times or timestamp:
            speaker = match.group("label").strip()
            return (first_char(match), match.end(), speaker, timestamp, "label")
    match = _HEADER_LINE.fullmatch(text, start, end)
    if match and accepted(match) and (timestamp := normalize_timestamp(match.group("after"))):
        return (first_char(match), end, match.group("label").strip(), timestamp, "label")
    match = _LABEL_ONLY_LINE.fullmatch(text, start, end)
    if match and accepted(match):
        # A role word alone on a line heads the lines below it; a name alone needs a time line.
        label = match.group("label").strip()
        kind = "label" if _is_role(label) else "speaker-only"
        return (first_char(match), end, label, None, kind)
    match = _TIME_ONLY_LINE.fullmatch(text, start, end)
    if match and (timestamp := normalize_timestamp(match.group("before"))):
        return (first_char(match), end, None, timestamp, "time-only")
    match = _TIMED_TEXT_LINE.match(text, start, end)
    if match and (timestamp := normalize_timestamp(match.group("before"))):
        return (first_char(match), match.end(), None, timestamp, "label")
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
        if marker[4] != "speaker-only":
            merged.append(marker)
        index += 1
    return merged


def _join(text: str, first: _Marker, second: _Marker) -> _Marker | None:
    """One marker from a speaker line and a time line next to each other, in either order."""
    first_label, first_words, first_speaker, first_time, first_kind = first
    second_label, second_words, second_speaker, second_time, second_kind = second
    if text[first_words:second_label].strip():
        return None
    if first_speaker and first_time is None and second_kind == "time-only":
        return (first_label, second_words, first_speaker, second_time, "label")
    if first_kind == "time-only" and second_speaker and second_time is None:
        return (first_label, second_words, second_speaker, first_time, "label")
    return None


def _turns(text: str, markers: list[_Marker]) -> list[TurnSpan]:
    """Each marker's turn: its words up to the next marker's label, trimmed; empty ones dropped."""
    turns: list[TurnSpan] = []
    ends = [marker[0] for marker in markers[1:]] + [len(text)]
    for (_, start, speaker, timestamp, _), end in zip(markers, ends):
        # trim_span, written out: calling it made this loop, run once per turn, a quarter slower.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            turns.append((start, end, speaker, timestamp))
    return turns
