"""Chinese word statistics: word frequencies and keyword-in-context (KWIC).

Words are the project's stored jieba tokens (``corpus.dictionary.passage_tokens``), so the
counts agree with what the suggester and every other page see. The scope is a code's segments
(optionally with its sub-codes), a document, or both (a code's segments in one document); with
neither, the whole project.

- A code's segments are merged per document first (the union of the codings' spans), so text
  coded by two coders, or twice with the code and a sub-code, is counted once.
- A coding's span may cut a token (a drag that stopped one character short). A token counts
  for the span when more than half of its characters lie inside it, and then as the whole
  word: "居" of a span ending inside "邻居" is never counted as a word of its own. So a
  two-character word needs both characters inside; a three-character one, two of them.
- Only tokens with a letter or a digit are words: punctuation, symbols and spaces are not
  counted at all (neither in the frequencies nor in the total). Stop words are counted in the
  total but not listed.
- Text outside passages (speaker labels, timestamps) has no tokens and is never counted.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from codebook.codes import code_tree, get_code
from coding.filters import CodingFilter, resolve
from corpus.projects import find_project
from i18n import BianmaError, t
from storage import audit
from storage.tables import Coding, Document, Passage


@dataclass(frozen=True, slots=True)
class WordCount:
    word: str
    count: int
    spans: int             # segments (code scope) or documents it occurs in
    per_thousand: float    # occurrences per 1,000 words of the scope


@dataclass(frozen=True, slots=True)
class WordReport:
    words: list[WordCount]  # most frequent first
    tokens: int             # words in the scope (punctuation excluded, stop words included)
    spans: int              # segments or documents in the scope
    by_segments: bool       # True when the scope is a code's segments


@dataclass(frozen=True, slots=True)
class Concordance:
    document_id: int
    document: str
    start: int
    end: int
    left: str
    word: str
    right: str


def default_stop_words() -> list[str]:
    """The stop-word list shipped with Bianma (``coding/stopwords_zh.txt``)."""
    text = resources.files("coding").joinpath("stopwords_zh.txt").read_text(encoding="utf-8")
    return sorted(parse_stop_words(text))


def parse_stop_words(text: str) -> frozenset[str]:
    """Words from text with one or several per line (spaces, commas, 、); ``#`` starts a comment."""
    words: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        for separator in ("，", ",", "、", "\u3000", "\t"):
            line = line.replace(separator, " ")
        words.update(w for w in line.split(" ") if w)
    return frozenset(words)


def is_word(token: str) -> bool:
    """A token with at least one letter (including Han characters) or digit."""
    return any(unicodedata.category(c)[0] in "LN" for c in token)


def _scope_spans(session: Session, project_id: int, code_id: int | None, document_id: int | None,
                 include_children: bool, coders: Iterable[str] | None) -> dict[int, list[tuple[int, int]]]:
    """Merged spans per document: a code's segments, or whole documents."""
    spec = CodingFilter.of(documents=None if document_id is None else [document_id],
                           coders=None if coders is None else list(coders))
    resolved = resolve(session, project_id, spec)
    if code_id is None:
        query = select(Document.id, Document.text).where(Document.project_id == project_id)
        if document_id is not None:
            query = query.where(Document.id == document_id)
        return {doc: [(0, len(text))] for doc, text in session.execute(query)}
    root = get_code(session, project_id, code_id)
    codes = {root.id}
    if include_children:
        for node in code_tree(session, project_id):  # depth-first: parents come first
            if node.parent_id in codes:
                codes.add(node.id)
    rows = session.execute(
        select(Coding.document_id, Coding.start, Coding.end)
        .join(Document, Document.id == Coding.document_id)
        .where(*resolved.where(), Coding.code_id.in_(codes))
        .order_by(Coding.document_id, Coding.start, Coding.end))
    merged: dict[int, list[tuple[int, int]]] = {}
    for doc, start, end in rows:
        spans = merged.setdefault(doc, [])
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return merged


def _document_tokens(session: Session, documents: Iterable[int]):
    """Per document: its text and its tokens' starts and ends, in order."""
    texts = dict(session.execute(
        select(Document.id, Document.text).where(Document.id.in_(documents))).all())
    tokens: dict[int, tuple[list[int], list[int]]] = {doc: ([], []) for doc in texts}
    rows = session.execute(
        select(Passage.document_id, Passage.start, Passage.token_lengths)
        .where(Passage.document_id.in_(texts)).order_by(Passage.document_id, Passage.start))
    for doc, start, lengths in rows:
        starts, ends = tokens[doc]
        position = start
        for length in lengths:
            starts.append(position)
            position += length
            ends.append(position)
    return texts, tokens


def _span_tokens(starts: list[int], ends: list[int], span_start: int, span_end: int):
    """Indexes of the tokens that count for a span (more than half of them inside it)."""
    for i in range(bisect_right(ends, span_start), bisect_left(starts, span_end)):
        inside = min(ends[i], span_end) - max(starts[i], span_start)
        if 2 * inside > ends[i] - starts[i]:
            yield i


def _scope(session, project_id, code_id, document_id, include_children, coders):
    spans = _scope_spans(session, project_id, code_id, document_id, include_children, coders)
    texts, tokens = _document_tokens(session, spans)
    return spans, texts, tokens


def word_frequencies(session: Session, project_id: int, *, code_id: int | None = None,
                     document_id: int | None = None, include_children: bool = False,
                     coders: Iterable[str] | None = None, stop_words: Iterable[str] = (),
                     min_length: int = 1) -> WordReport:
    """Word counts in the scope, most frequent first; stop words and shorter words left out."""
    stop = frozenset(stop_words)
    spans, texts, tokens = _scope(session, project_id, code_id, document_id, include_children, coders)
    counts: dict[str, int] = {}
    occurs: dict[str, int] = {}
    total = 0
    span_count = 0
    for doc, doc_spans in spans.items():
        starts, ends = tokens[doc]
        text = texts[doc]
        for span_start, span_end in doc_spans:
            span_count += 1
            seen: set[str] = set()
            for i in _span_tokens(starts, ends, span_start, span_end):
                word = text[starts[i]:ends[i]]
                if not is_word(word):
                    continue
                total += 1
                if word in stop or len(word) < min_length:
                    continue
                counts[word] = counts.get(word, 0) + 1
                if word not in seen:
                    seen.add(word)
                    occurs[word] = occurs.get(word, 0) + 1
    words = [WordCount(word, count, occurs[word], round(1000 * count / total, 2))
             for word, count in counts.items()]
    words.sort(key=lambda w: (-w.count, w.word))
    return WordReport(words, total, span_count, code_id is not None)


def keyword_in_context(session: Session, project_id: int, word: str, *, code_id: int | None = None,
                       document_id: int | None = None, include_children: bool = False,
                       coders: Iterable[str] | None = None, width: int = 20,
                       whole_tokens: bool = True) -> list[Concordance]:
    """Each occurrence of ``word`` in the scope with ``width`` characters on either side.

    ``whole_tokens`` finds the word where jieba cut it as a token (what the frequencies count);
    otherwise any occurrence of the characters, e.g. "老乡" inside "老乡茶话会".
    """
    word = word.strip()
    if not word:
        raise BianmaError("E608")
    spans, texts, tokens = _scope(session, project_id, code_id, document_id, include_children, coders)
    info = {row.id: row for row in session.execute(
        select(Document.id, Document.name, Document.position).where(Document.id.in_(texts)))}
    lines = []
    for doc in sorted(spans, key=lambda d: (info[d].position, d)):
        text, (starts, ends) = texts[doc], tokens[doc]
        for span_start, span_end in spans[doc]:
            if whole_tokens:
                found = [(starts[i], ends[i]) for i in _span_tokens(starts, ends, span_start, span_end)
                         if text[starts[i]:ends[i]] == word]
            else:
                found = []
                at = text.find(word, span_start, span_end)
                while at != -1:
                    found.append((at, at + len(word)))
                    at = text.find(word, at + len(word), span_end)
            for start, end in found:
                left = text[max(0, start - width):start].replace("\n", " ")
                right = text[end:end + width].replace("\n", " ")
                lines.append(Concordance(doc, info[doc].name, start, end, left, text[start:end], right))
    return lines


def word_table(report: WordReport, lang: str = "zh") -> tuple[list[str], list[list]]:
    spans_label = "reports.col_word_segments" if report.by_segments else "reports.col_word_documents"
    headers = [t("reports.col_word", lang), t("reports.col_word_count", lang), t(spans_label, lang),
               t("reports.col_per_thousand", lang)]
    return headers, [[w.word, w.count, w.spans, w.per_thousand] for w in report.words]


def concordance_table(lines: list[Concordance], lang: str = "zh") -> tuple[list[str], list[list]]:
    headers = [t("reports.col_document", lang), t("reports.col_left", lang),
               t("reports.col_keyword", lang), t("reports.col_right", lang)]
    return headers, [[c.document, c.left, c.word, c.right] for c in lines]


def project_stop_words(session: Session, project_id: int) -> str:
    """The project's stop-word list as editable text; an empty store means the shipped list."""
    stored = find_project(session, project_id).stop_words
    return stored if stored.strip() else "\n".join(default_stop_words())


def save_stop_words(session: Session, project_id: int, text: str, *, coder: str | None = None) -> str:
    """Keep an edited stop-word list with the project (the shipped list is stored as empty)."""
    project = find_project(session, project_id)
    words = parse_stop_words(text)
    stored = "" if words == frozenset(default_stop_words()) else "\n".join(sorted(words))
    before, project.stop_words = project.stop_words, stored
    audit.record(session, project_id=project.id, coder=audit.coder_id(session, coder),
                 action="set_stop_words", entity="project", entity_id=project.id,
                 before=before, after=stored)
    return stored
