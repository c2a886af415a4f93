"""jieba's HMM step (``jieba.finalseg.cut``), computed exactly as jieba computes it.

jieba sends every stretch that its dictionary left as single characters to a Viterbi decoder.
rjieba has its own decoder, but it does not match jieba's: it resolves exact ties between
paths the other way (别别别别别 -> 别别别/别别 instead of 别别/别别别) and keeps ASCII runs such
as ``2023-05-16`` or ``phases.Social`` whole where jieba splits them. So this step is done
here, with jieba's tables and arithmetic (``_engine_hmm_model``): one run at a time in plain
Python, or many at once with NumPy (``_engine_hmm_batch``) when a call brings enough.

Results are "marked" strings: the words joined by ``WORD_BREAK``. A run's decoding depends
only on its characters, never on the dictionary, so one process-wide memo serves every
tokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from corpus import _engine_hmm_model as model
from corpus._engine_hmm_batch import decode_runs

WORD_BREAK = model.WORD_BREAK
forced_splits = model.forced_splits

# Fewer runs than this are decoded one by one: NumPy's per-call cost would dominate.
_BATCH_MIN_RUNS = 128
# Longer runs are decoded one by one: the batch loops once per character of its longest run.
_BATCH_MAX_LENGTH = 64
# Bound on the process-wide memo of decoded runs (about 200 bytes each, ~13 MB at most).
_MEMO_LIMIT = 1 << 16

_decoded: dict[str, str] = {}


@lru_cache(maxsize=4096)
def _word_spans(states: str) -> tuple[tuple[int, int], ...]:
    """Where ``finalseg.__cut`` cuts a run labelled with these states (few distinct ones)."""
    spans: list[tuple[int, int]] = []
    begin = next_index = 0
    for index, state in enumerate(states):
        if state == "B":
            begin = index
        elif state == "E":
            spans.append((begin, index + 1))
            next_index = index + 1
        elif state == "S":
            spans.append((index, index + 1))
            next_index = index + 1
    if next_index < len(states):
        spans.append((next_index, len(states)))
    return tuple(spans)


def decode_run(run: str) -> str:
    """``finalseg.__cut`` of one run of two or more Han characters, marked.

    jieba keeps, for each state, the best ``(score, previous_state)`` and the path that led
    there; the ``>=`` below give ties to the later letter, as jieba's ``max`` does.
    """
    emission = model.EMISSIONS.get
    unseen = model.UNSEEN
    e_b, e_m, e_e, e_s = emission(run[0], unseen)
    v_b = model.START_B + e_b
    v_m = model.START_M + e_m
    v_e = model.START_E + e_e
    v_s = model.START_S + e_s
    t_eb, t_sb, t_mm, t_bm = model.T_EB, model.T_SB, model.T_MM, model.T_BM
    t_be, t_me, t_ss, t_es = model.T_BE, model.T_ME, model.T_SS, model.T_ES
    if len(run) == 2:
        # Half of all runs. Ending in E makes one word and ending in S two characters,
        # whichever state came first, so only the two final scores matter.
        e_b, e_m, e_e, e_s = emission(run[1], unseen)
        end_e = max(v_b + t_be + e_e, v_m + t_me + e_e)
        end_s = max(v_s + t_ss + e_s, v_e + t_es + e_s)
        return run[0] + WORD_BREAK + run[1] if end_s >= end_e else run
    p_b, p_m, p_e, p_s = "B", "M", "E", "S"
    for char in run[1:]:
        e_b, e_m, e_e, e_s = emission(char, unseen)
        from_e = v_e + t_eb + e_b
        from_s = v_s + t_sb + e_b
        if from_s >= from_e:
            n_b, q_b = from_s, p_s + "B"
        else:
            n_b, q_b = from_e, p_e + "B"
        from_m = v_m + t_mm + e_m
        from_b = v_b + t_bm + e_m
        if from_m >= from_b:
            n_m, q_m = from_m, p_m + "M"
        else:
            n_m, q_m = from_b, p_b + "M"
        from_b = v_b + t_be + e_e
        from_m = v_m + t_me + e_e
        if from_m >= from_b:
            n_e, q_e = from_m, p_m + "E"
        else:
            n_e, q_e = from_b, p_b + "E"
        from_s = v_s + t_ss + e_s
        from_e = v_e + t_es + e_s
        if from_s >= from_e:
            n_s, q_s = from_s, p_s + "S"
        else:
            n_s, q_s = from_e, p_e + "S"
        v_b, v_m, v_e, v_s = n_b, n_m, n_e, n_s
        p_b, p_m, p_e, p_s = q_b, q_m, q_e, q_s
    states = p_s if v_s >= v_e else p_e
    return WORD_BREAK.join([run[begin:end] for begin, end in _word_spans(states)])


def _decode_new(runs: list[str]) -> dict[str, str]:
    batch = [run for run in runs if len(run) <= _BATCH_MAX_LENGTH]
    if len(batch) < _BATCH_MIN_RUNS:
        return {run: decode_run(run) for run in runs}
    decoded = dict(zip(batch, decode_runs(batch)))
    for run in runs:
        if len(run) > _BATCH_MAX_LENGTH:
            decoded[run] = decode_run(run)
    return decoded


def _remember(new: dict[str, str]) -> None:
    global _decoded
    if not new:
        return
    if len(_decoded) + len(new) > _MEMO_LIMIT:
        _decoded = {}  # a new dict, so that concurrent readers keep a whole one
    _decoded.update(new)


def _split_forced(marked: str, forced: set[str]) -> str:
    """Words ``jieba.del_word`` asked for (in any tokenizer of the process) come out as characters."""
    return WORD_BREAK.join(
        WORD_BREAK.join(word) if word in forced else word for word in marked.split(WORD_BREAK)
    )


def _cut_mixed(split: list[str], lookup, forced: set[str]) -> str:
    """A stretch with text other than Han: Han runs decoded, the rest split as jieba does."""
    words: list[str] = []
    for index, piece in enumerate(split):
        if index % 2:  # split() puts the Han runs at odd indexes
            marked = lookup(piece)
            words.append(_split_forced(marked, forced) if forced else marked)
        elif piece:
            words.extend(part for part in model.RE_SKIP.split(piece) if part)
    return WORD_BREAK.join(words)


def hmm_cut_many(stretches: Sequence[str]) -> list[str]:
    """``jieba.finalseg.cut(s)`` for each stretch ``s``, marked."""
    memo = _decoded
    # Most stretches are one Han run; the others are split into runs and the text between.
    fullmatch = model.RE_HAN.fullmatch
    mixed = {stretch: model.RE_HAN.split(stretch) for stretch in stretches if not fullmatch(stretch)}
    runs = set(stretches)
    if mixed:
        runs.difference_update(mixed)
        for split in mixed.values():
            runs.update(run for run in split[1::2] if len(run) > 1)
    missing = [run for run in runs if run not in memo and len(run) > 1]
    new = _decode_new(missing) if missing else {}
    _remember(new)
    # ``memo`` stays whole even if _remember replaced the process-wide dict meanwhile.
    new_get = new.get

    def lookup(run: str) -> str:
        return (new_get(run) or memo[run]) if len(run) > 1 else run

    forced = model.forced_splits()
    if not mixed and not forced:
        return [new_get(run) or memo[run] if len(run) > 1 else run for run in stretches]
    results: list[str] = []
    for stretch in stretches:
        split = mixed.get(stretch)
        if split is not None:
            results.append(_cut_mixed(split, lookup, forced))
        else:
            marked = lookup(stretch)
            results.append(_split_forced(marked, forced) if forced else marked)
    return results


def hmm_cut(stretch: str) -> str:
    """``jieba.finalseg.cut(stretch)`` for one stretch, marked."""
    if len(stretch) < 2 or not model.RE_HAN.fullmatch(stretch) or model.forced_splits():
        return hmm_cut_many([stretch])[0]
    marked = _decoded.get(stretch)
    if marked is None:
        marked = decode_run(stretch)
        _remember({stretch: marked})
    return marked


def clear_cache() -> None:
    """Forget decoded runs (benchmarks measure a cold start with it)."""
    global _decoded
    _decoded = {}
