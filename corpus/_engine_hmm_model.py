"""jieba's HMM (``jieba.finalseg``): its tables, read from jieba itself, in the shapes the
decoders in ``_engine_hmm`` and ``_engine_hmm_batch`` use.

The decoders reproduce jieba's Viterbi bit for bit, so they take jieba's very numbers and add
them in jieba's order: ``start + emission`` for the first character, then
``(previous score + transition) + emission``.
"""

from __future__ import annotations

from jieba import finalseg

MIN_FLOAT: float = finalseg.MIN_FLOAT

# The decoders return a stretch's words as one string with this between them: the engine
# splices such strings straight into its own, which uses the same separator.
WORD_BREAK = "\x00"
RE_HAN = finalseg.re_han
RE_SKIP = finalseg.re_skip

# States in jieba's letters. On equal scores jieba's ``max((score, state), ...)`` keeps the
# later letter in B < E < M < S.
STATES = "BMES"
START_B, START_M, START_E, START_S = (finalseg.start_P[y] for y in STATES)


def _trans(source: str, target: str) -> float:
    return finalseg.trans_P[source].get(target, MIN_FLOAT)


# The only transitions jieba considers (finalseg.PrevStatus): B<-E,S  M<-M,B  E<-B,M  S<-S,E.
T_EB, T_SB = _trans("E", "B"), _trans("S", "B")
T_MM, T_BM = _trans("M", "M"), _trans("B", "M")
T_BE, T_ME = _trans("B", "E"), _trans("M", "E")
T_SS, T_ES = _trans("S", "S"), _trans("E", "S")

UNSEEN = (MIN_FLOAT, MIN_FLOAT, MIN_FLOAT, MIN_FLOAT)
EMISSIONS: dict[str, tuple[float, float, float, float]] = {
    char: tuple(finalseg.emit_P[y].get(char, MIN_FLOAT) for y in STATES)  # type: ignore[misc]
    for char in set().union(*(finalseg.emit_P[y] for y in STATES))
}


def forced_splits() -> set[str]:
    """Words ``jieba.del_word`` (on any tokenizer of the process) told the HMM not to make."""
    return finalseg.Force_Split_Words
