"""Finding codes by name, by pinyin (initials such as ``shwl`` for 社会网络, or whole
syllables), or by words of their definition, inclusion/exclusion criteria and example.

Polyphonic characters (会 hui/kuai, 行 xing/hang, 重 zhong/chong) match on any of their
readings, since a researcher may think of either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, pinyin
from sqlalchemy.orm import Session

from codebook.codes import CodeNode, code_tree

# Better matches first: the order results are sorted in.
REASONS = ("name", "pinyin", "definition")


@dataclass(frozen=True, slots=True)
class CodeMatch:
    node: CodeNode
    reason: str  # one of REASONS


@lru_cache(maxsize=8192)
def _readings(char: str) -> tuple[str, ...]:
    """The ways one character can be typed: each reading's first letter, initial consonant
    (zh/ch/sh) and whole syllable; a Latin letter or digit stands for itself."""
    if char.isascii():
        return (char.lower(),) if char.isalnum() else ()
    syllables = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    if not syllables:
        return ()
    forms: set[str] = set()
    for syllable in syllables[0]:
        syllable = syllable.lower()
        forms.add(syllable)
        forms.add(syllable[0])
        if syllable[:2] in ("zh", "ch", "sh"):
            forms.add(syllable[:2])
    return tuple(sorted(forms, key=len, reverse=True))


def pinyin_matches(name: str, query: str) -> bool:
    """Whether ``query`` types a run of consecutive characters of ``name``.

    Each character is typed by one of its forms; the last one may be typed in part (``shehuiw``
    finds 社会网络). Characters with no reading (punctuation) are skipped over.
    """
    query = "".join(query.lower().split())
    if not query or not query.isascii() or not query.isalnum():
        return False
    chars = [forms for forms in map(_readings, name) if forms]
    return any(_match_from(chars, start, query) for start in range(len(chars)))


def _match_from(chars: list[tuple[str, ...]], index: int, rest: str) -> bool:
    if not rest:
        return True
    if index == len(chars):
        return False
    for form in chars[index]:
        if rest.startswith(form) and _match_from(chars, index + 1, rest[len(form):]):
            return True
        if form.startswith(rest):  # the query ends inside this syllable
            return True
    return False


def search_codes(session: Session, project_id: int, query: str) -> list[CodeMatch]:
    """Codes matching ``query``, name matches first, then pinyin, then definition text;
    tree order within each group. An empty query matches nothing."""
    needle = query.strip().casefold()
    if not needle:
        return []
    matches = []
    for node in code_tree(session, project_id):
        if needle in node.name.casefold():
            reason = "name"
        elif pinyin_matches(node.name, needle):
            reason = "pinyin"
        elif any(needle in text.casefold() for text in
                 (node.definition, node.inclusion, node.exclusion, node.example)):
            reason = "definition"
        else:
            continue
        matches.append(CodeMatch(node, reason))
    return sorted(matches, key=lambda m: REASONS.index(m.reason))
