"""Replacing accepted identifiers with consistent pseudonyms, keeping every offset right.

Each original gets one pseudonym per project (张桂兰 → 张某, 大湾村 → 村A, 13905511234 →
手机号已隐去A), kept in ``PseudonymKey`` apart from the text; an original already in the key keeps
its pseudonym in every later application. The documents' text is rewritten and everything that
points into it is moved: passages, sentences, codings (a boundary inside a replaced name snaps
to the pseudonym's bounds, so a coding never ends inside one) and the tokens of the passages that
changed (cut again by the project's tokenizer). Memos, case and document names, codebook texts
and the event log's payloads get the same replacements, so no original survives outside the key.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pypinyin import Style, lazy_pinyin
from sqlalchemy import select
from sqlalchemy.orm import Session

from corpus.deidentify import (
    DEFAULT_PUBLIC_PLACES, KINDS, PLACE_HEADS, LiteralFinder, find_identifiers, name_shape,
)
from corpus.dictionary import project_tokenizer
from corpus.projects import find_project
from i18n import BianmaError
from storage import audit
from storage.access import require_role
from storage.tables import (
    AttributeValue, Case, Code, Coding, Document, Event, Memo, Project, PseudonymKey,
)

_PLACE_PREFIXES = (*PLACE_HEADS, "县", "市", "区", "省", "州")
_MOBILE = re.compile(r"1[3-9][0-9](?:[- ]?[0-9]{4}){2}")
# Surnames whose reading as a surname differs from the character's usual one (单 Shàn, 曾 Zēng).
_SURNAME_INITIALS = {"单": "S", "曾": "Z", "解": "X", "仇": "Q", "区": "O", "查": "Z", "覃": "Q",
                     "翟": "Z", "乐": "Y", "朴": "P", "繁": "P", "员": "Y", "秘": "B"}
MAX_LENGTH = 200  # PseudonymKey.original and .pseudonym columns
CSV_BOM = "\ufeff"
KEY_HEADERS = ("类型", "原文", "化名")
_HEADER_NAMES = {"类型": "kind", "kind": "kind", "原文": "original", "original": "original",
                 "化名": "pseudonym", "pseudonym": "pseudonym"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class KeyEntry:
    kind: str
    original: str
    pseudonym: str


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """A finding as the review shows it, with the pseudonym applying it would use."""

    kind: str
    original: str
    pseudonym: str
    count: int
    documents: int
    example: str
    in_key: bool


@dataclass(frozen=True, slots=True)
class ApplyReport:
    replacements: int
    documents: int
    codings: int
    memos: int
    keys_added: int


def _letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA: spreadsheet column letters."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def surname_initial(surname: str) -> str:
    if surname in _SURNAME_INITIALS:
        return _SURNAME_INITIALS[surname]
    return "".join(lazy_pinyin(surname, style=Style.FIRST_LETTER)).upper()


def _base(original: str, kind: str) -> tuple[str, bool]:
    """The pseudonym's stem and whether it takes letters (村A, 村B) or numbers (张某1, 张某2)."""
    if kind == "person":
        shape = name_shape(original)
        if shape is None:
            return "某人", True
        if shape.prefix:
            return shape.prefix + surname_initial(shape.surname), False  # 老刘 → 老L
        if shape.title:
            return surname_initial(shape.surname) + shape.title, False  # 张阿姨 → Z阿姨
        return shape.surname + "某", False  # 张桂兰 → 张某
    if kind == "place":
        return next((p for p in _PLACE_PREFIXES if original.endswith(p)), "地点"), True
    if kind == "organisation":
        return "单位", True
    if kind == "phone":
        mobile = _MOBILE.fullmatch(original.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
        return ("手机号已隐去" if mobile else "电话号码已隐去"), True
    if kind == "id_number":
        return "身份证号已隐去", True
    return "信息已隐去", True


def _normalise(accepted: Iterable[Sequence[str]]) -> list[tuple[str, str, str | None]]:
    items: dict[str, tuple[str, str, str | None]] = {}
    for entry in accepted:
        original, kind = entry[0], entry[1]
        custom = (entry[2] if len(entry) > 2 else None) or None
        original = (original or "").strip()
        if kind not in KINDS:
            raise BianmaError("E501", kind=kind)
        if not original or len(original) > MAX_LENGTH or "\n" in original:
            raise BianmaError("E502", original=original[:40])
        if custom is not None:
            custom = custom.strip()
            if not custom or len(custom) > MAX_LENGTH or "\n" in custom or custom == original:
                raise BianmaError("E503", original=original, pseudonym=custom)
        if original in items and items[original] != (original, kind, custom):
            raise BianmaError("E506", original=original)
        items[original] = (original, kind, custom)
    return list(items.values())


def _assign(items: list[tuple[str, str, str | None]], existing: dict[str, str]) -> dict[str, str]:
    """Pseudonyms for the items: the key's where it has one, else the custom one, else a new one."""
    result: dict[str, str] = {}
    taken = set(existing.values())
    # A pseudonym that is itself an original would be read as that person by the next scan.
    originals = {original for original, _k, _c in items} | set(existing)
    for original, _kind, custom in items:
        if original in existing:
            if custom is not None and custom != existing[original]:
                raise BianmaError("E505", original=original, existing=existing[original], pseudonym=custom)
            result[original] = existing[original]
        elif custom is not None:
            if custom in taken:
                raise BianmaError("E504", pseudonym=custom)
            if custom in originals:
                raise BianmaError("E507", pseudonym=custom)
            result[original] = custom
            taken.add(custom)
    numbered: dict[str, list[str]] = defaultdict(list)
    for original, kind, _custom in items:
        if original in result:
            continue
        base, lettered = _base(original, kind)
        if lettered:
            n = 0
            while f"{base}{_letters(n)}" in taken or f"{base}{_letters(n)}" in originals:
                n += 1
            result[original] = f"{base}{_letters(n)}"
            taken.add(result[original])
        else:
            numbered[base].append(original)
    for base, members in numbered.items():
        pattern = re.compile(re.escape(base) + r"([0-9]*)")
        used = [int(m.group(1) or 1) for p in taken if (m := pattern.fullmatch(p))]
        if not used and len(members) == 1 and base not in originals:
            result[members[0]] = base
            taken.add(base)
            continue
        # Two people called 张 in one project: 张某1, 张某2 (or the next free number).
        n = max(used, default=0) + 1
        for original in members:
            while f"{base}{n}" in taken or f"{base}{n}" in originals:
                n += 1
            result[original] = f"{base}{n}"
            taken.add(result[original])
    return result


def _key(session: Session, project_id: int) -> dict[str, PseudonymKey]:
    return {k.original: k for k in session.scalars(
        select(PseudonymKey).where(PseudonymKey.project_id == project_id))}


def propose_pseudonyms(session: Session, project_id: int, items: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The pseudonym each (original, kind) would get if all of them were applied now."""
    require_role(session, find_project(session, project_id).id, "owner")
    existing = {o: k.pseudonym for o, k in _key(session, project_id).items()}
    return _assign(_normalise(items), existing)


def review(session: Session, project_id: int, *, user_list: Iterable[str] = (),
           public_places: frozenset[str] = DEFAULT_PUBLIC_PLACES) -> list[ReviewRow]:
    """Scan the project and propose a pseudonym for every finding (the review page's table).

    For owners only: the proposals come from the key, which only owners may read.
    """
    require_role(session, find_project(session, project_id).id, "owner")
    findings = find_identifiers(session, project_id, user_list=user_list, public_places=public_places)
    existing = {o: k.pseudonym for o, k in _key(session, project_id).items()}
    proposed = _assign([(f.text, f.kind, None) for f in findings], existing)
    return [ReviewRow(f.kind, f.text, proposed[f.text], f.count, len({h.document_id for h in f.hits}),
                      f.example, f.text in existing) for f in findings]


class OffsetMap:
    """Old text offsets → new ones after replacing ``hits`` (sorted, non-overlapping).

    ``start`` and ``end`` differ only for a position strictly inside a replaced original: a
    span starting there starts at the pseudonym, one ending there ends after it.
    """

    def __init__(self, hits: list[tuple[int, int, str]], mapping: dict[str, str]) -> None:
        self._old_starts = [h[0] for h in hits]
        self._old_ends = [h[1] for h in hits]
        self._new_starts: list[int] = []
        self._new_ends: list[int] = []
        self._shift_after: list[int] = []
        shift = 0
        for start, end, original in hits:
            self._new_starts.append(start + shift)
            shift += len(mapping[original]) - (end - start)
            self._new_ends.append(end + shift)
            self._shift_after.append(shift)

    def _map(self, position: int, inside: list[int]) -> int:
        i = bisect_left(self._old_starts, position) - 1  # the last original starting before it
        if i < 0:
            return position
        if position < self._old_ends[i]:
            return inside[i]
        return position + self._shift_after[i]

    def touches(self, start: int, end: int) -> bool:
        """Whether a replacement overlaps the old span ``[start, end)``."""
        i = bisect_left(self._old_starts, end) - 1  # the last original starting before ``end``
        return i >= 0 and self._old_ends[i] > start

    def start(self, position: int) -> int:
        return self._map(position, self._new_starts)

    def end(self, position: int) -> int:
        return self._map(position, self._new_ends)


def rewrite(text: str, finder: LiteralFinder, mapping: dict[str, str]) -> tuple[str, OffsetMap, int]:
    """``text`` with every original replaced, the offset map, and how many were replaced."""
    hits = finder.find(text)
    if not hits:
        return text, OffsetMap([], mapping), 0
    parts, position = [], 0
    for start, end, original in hits:
        parts += [text[position:start], mapping[original]]
        position = end
    parts.append(text[position:])
    return "".join(parts), OffsetMap(hits, mapping), len(hits)


def _replace(value: Any, finder: LiteralFinder, mapping: dict[str, str]) -> Any:
    """Strings anywhere in a JSON-like value, replaced."""
    if isinstance(value, str):
        return rewrite(value, finder, mapping)[0]
    if isinstance(value, list):
        return [_replace(v, finder, mapping) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, finder, mapping) for k, v in value.items()}
    return value


def _rewrite_document(session: Session, document: Document, finder: LiteralFinder,
                      mapping: dict[str, str], tokenizer: Any) -> tuple[int, int]:
    """Rewrite one document and move what points into it; (replacements, codings moved)."""
    new_text, shift, count = rewrite(document.text, finder, mapping)
    for passage in document.passages:
        passage.speaker = _replace(passage.speaker, finder, mapping)
    if not count:
        return 0, 0
    changed = []
    for passage in document.passages:
        old = (passage.start, passage.end)
        passage.start, passage.end = shift.start(old[0]), shift.end(old[1])
        passage.sentences = [[shift.start(s), shift.end(e)] for s, e in passage.sentences]
        if shift.touches(*old):
            changed.append(passage)
    # Only passages whose text changed are cut again; the others keep their stored tokens.
    words = tokenizer.lcut_many([new_text[p.start:p.end] for p in changed])
    for passage, passage_words in zip(changed, words):
        passage.token_lengths = [len(word) for word in passage_words]
    moved = 0
    for coding in session.scalars(select(Coding).where(Coding.document_id == document.id)):
        start, end = shift.start(coding.start), shift.end(coding.end)
        moved += (start, end) != (coding.start, coding.end)
        coding.start, coding.end = start, end
    document.text = new_text
    return count, moved


def _check_unique_names(session: Session, project: Project, finder: LiteralFinder,
                        mapping: dict[str, str]) -> None:
    # Document and case names are unique per project; replacing could make two equal.
    for table in (Document, Case):
        names = [rewrite(n, finder, mapping)[0] for n in session.scalars(
            select(table.name).where(table.project_id == project.id))]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise BianmaError("E508", name=duplicates[0])


def apply_pseudonyms(
    session: Session,
    project_id: int,
    accepted: Sequence[Sequence[str]],
    *,
    coder: str | None = None,
) -> ApplyReport:
    """Replace every accepted ``(original, kind[, pseudonym])`` throughout the project.

    All or nothing: a refusal is raised before anything changes, and the caller's transaction
    holds the rest. Undo cannot reach back past this (it would bring originals back).
    """
    project = find_project(session, project_id)
    require_role(session, project.id, "owner")
    items = _normalise(accepted)
    if not items:
        raise BianmaError("E500")
    key = _key(session, project.id)
    mapping = _assign(items, {o: k.pseudonym for o, k in key.items()})
    finder = LiteralFinder(mapping)
    _check_unique_names(session, project, finder, mapping)
    tokenizer = project_tokenizer(project)
    replacements = documents = codings = 0
    for document in project.documents:
        count, moved = _rewrite_document(session, document, finder, mapping, tokenizer)
        replacements += count
        documents += bool(count)
        codings += moved
        document.name = _replace(document.name, finder, mapping)
        document.original_filename = _replace(document.original_filename, finder, mapping)
    memos = 0
    for memo in session.scalars(select(Memo).where(Memo.project_id == project.id)):
        text = _replace(memo.text, finder, mapping)
        memos += text != memo.text
        memo.text = text
    _scrub_project_texts(session, project, finder, mapping)
    kinds = {original: kind for original, kind, _custom in items}
    added = [PseudonymKey(project_id=project.id, kind=kinds[o], original=o, pseudonym=p)
             for o, p in mapping.items() if o not in key]
    session.add_all(added)
    session.flush()
    # Undo replays rows from the event log with their old offsets and texts: it must stop here.
    from coding.undo import mark_baseline  # coding depends on corpus, not the other way round

    mark_baseline(session, project.id, coder=coder)
    audit.record(session, project_id=project.id, coder=audit.coder_id(session, coder),
                 action="deidentify", entity="project", entity_id=project.id,
                 replacements=replacements, documents=documents, codings=codings,
                 keys_added=len(added))
    session.flush()
    return ApplyReport(replacements, documents, codings, memos, len(added))


def _scrub_project_texts(session: Session, project: Project, finder: LiteralFinder,
                         mapping: dict[str, str]) -> None:
    """The same replacements in every other free text of the project, the event log included."""
    project.description = _replace(project.description, finder, mapping)
    for case in session.scalars(select(Case).where(Case.project_id == project.id)):
        case.name = _replace(case.name, finder, mapping)
        case.description = _replace(case.description, finder, mapping)
    values = session.scalars(select(AttributeValue).join(Case).where(Case.project_id == project.id))
    for value in values:
        value.value = _replace(value.value, finder, mapping)
    for code in session.scalars(select(Code).where(Code.project_id == project.id)):
        for field in ("name", "definition", "inclusion", "exclusion", "example", "relation_meaning"):
            setattr(code, field, _replace(getattr(code, field), finder, mapping))
    for event in session.scalars(select(Event).where(Event.project_id == project.id)):
        payload = _replace(event.payload, finder, mapping)
        if payload != event.payload:
            event.payload = payload  # a new object: JSON columns do not track changes inside


def key_entries(session: Session, project_id: int) -> list[KeyEntry]:
    require_role(session, project_id, "owner")
    rows = session.scalars(select(PseudonymKey).where(PseudonymKey.project_id == project_id)
                           .order_by(PseudonymKey.kind, PseudonymKey.pseudonym))
    return [KeyEntry(r.kind, r.original, r.pseudonym) for r in rows]


def export_key(session: Session, project_id: int, *, coder: str | None) -> bytes:
    """The key as CSV (UTF-8 with BOM, for Excel), for the project's owner only."""
    project = find_project(session, project_id)
    require_role(session, project.id, "owner")
    entries = key_entries(session, project.id)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(KEY_HEADERS)
    for entry in entries:
        writer.writerow([entry.kind, _csv_cell(entry.original), _csv_cell(entry.pseudonym)])
    audit.record(session, project_id=project.id, coder=audit.coder_id(session, coder),
                 action="export", entity="pseudonym_key", entity_id=None, entries=len(entries))
    return (CSV_BOM + out.getvalue()).encode("utf-8")


def _csv_cell(value: str) -> str:
    # A spreadsheet would run "=…" as a formula; the apostrophe keeps it text (read_key_csv
    # takes it off again).
    return "'" + value if value.startswith(_FORMULA_START) else value


def read_key_csv(data: bytes) -> list[KeyEntry]:
    """Entries of an exported key (the columns in either language, any order)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BianmaError("E509", row=1) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return []
    columns = {_HEADER_NAMES.get(name.strip()): i for i, name in enumerate(rows[0])}
    if not {"kind", "original", "pseudonym"} <= columns.keys():
        raise BianmaError("E509", row=1)
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            kind, original, pseudonym = (row[columns[c]] for c in ("kind", "original", "pseudonym"))
        except IndexError:
            raise BianmaError("E509", row=number) from None
        if kind not in KINDS:
            raise BianmaError("E509", row=number)
        entries.append(KeyEntry(kind, _uncell(original), _uncell(pseudonym)))
    return entries


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value
