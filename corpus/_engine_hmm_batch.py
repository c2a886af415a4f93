"""jieba's Viterbi over many runs at once, with NumPy: the same numbers, added in the same
order (NumPy's float64 additions round exactly as Python's), compared with the same ties.

Runs are sorted longest first so that at every position the runs still going are a prefix of
the arrays; each step then costs a few dozen vector operations for all of them together.
"""

from __future__ import annotations

import numpy as np

from corpus import _engine_hmm_model as model

_B, _M, _E, _S = 0, 1, 2, 3
_RUN_BREAK = "\x01"
# Han runs (finalseg.re_han) hold only U+4E00..U+9FD5: one dense row per code point.
_FIRST, _LAST = 0x4E00, 0x9FD5


def _emission_table() -> np.ndarray:
    table = np.full((_LAST - _FIRST + 1, 4), model.MIN_FLOAT)
    for char, row in model.EMISSIONS.items():
        if _FIRST <= ord(char) <= _LAST:
            table[ord(char) - _FIRST] = row
    return table


_TABLE = _emission_table()


def decode_runs(runs: list[str]) -> list[str]:
    """``finalseg.__cut(run)`` for each run of two or more Han characters, marked (words
    joined by ``WORD_BREAK``)."""
    unsorted_lengths = np.fromiter(map(len, runs), dtype=np.intp, count=len(runs))
    order = np.argsort(-unsorted_lengths, kind="stable").tolist()
    lengths = unsorted_lengths[order]
    text = "".join(map(runs.__getitem__, order))
    starts = np.zeros(len(runs), dtype=np.intp)
    np.cumsum(lengths[:-1], out=starts[1:])
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.intp) - _FIRST
    emissions = _TABLE[codes]
    longest = int(lengths[0])
    # going[t]: how many runs have a character at position t (a prefix, longest first).
    going = np.searchsorted(-lengths, -np.arange(longest + 1), side="left")

    first = emissions[starts]
    v_b = model.START_B + first[:, _B]
    v_m = model.START_M + first[:, _M]
    v_e = model.START_E + first[:, _E]
    v_s = model.START_S + first[:, _S]
    final = np.empty(len(runs), dtype=np.int8)
    back: list[np.ndarray] = [np.empty((0, 4), dtype=np.int8)]
    for t in range(1, longest):
        alive, ended = going[t], going[t - 1]
        if alive < ended:  # runs whose last character was at t - 1
            final[alive:ended] = np.where(v_s[alive:ended] >= v_e[alive:ended], _S, _E)
        v_b, v_m, v_e, v_s = v_b[:alive], v_m[:alive], v_e[:alive], v_s[:alive]
        e = emissions[starts[:alive] + t]
        choice = np.empty((alive, 4), dtype=np.int8)

        from_e = (v_e + model.T_EB) + e[:, _B]
        from_s = (v_s + model.T_SB) + e[:, _B]
        pick = from_s >= from_e
        n_b = np.where(pick, from_s, from_e)
        choice[:, _B] = np.where(pick, _S, _E)

        from_m = (v_m + model.T_MM) + e[:, _M]
        from_b = (v_b + model.T_BM) + e[:, _M]
        pick = from_m >= from_b
        n_m = np.where(pick, from_m, from_b)
        choice[:, _M] = np.where(pick, _M, _B)

        from_b = (v_b + model.T_BE) + e[:, _E]
        from_m = (v_m + model.T_ME) + e[:, _E]
        pick = from_m >= from_b
        n_e = np.where(pick, from_m, from_b)
        choice[:, _E] = np.where(pick, _M, _B)

        from_s = (v_s + model.T_SS) + e[:, _S]
        from_e = (v_e + model.T_ES) + e[:, _S]
        pick = from_s >= from_e
        n_s = np.where(pick, from_s, from_e)
        choice[:, _S] = np.where(pick, _S, _E)

        back.append(choice)
        v_b, v_m, v_e, v_s = n_b, n_m, n_e, n_s
    alive = going[longest - 1]
    final[:alive] = np.where(v_s >= v_e, _S, _E)

    # Walk back from each run's final state, longest runs first.
    states = np.empty(len(text), dtype=np.int8)
    state = np.empty(len(runs), dtype=np.int8)
    for t in range(longest - 1, 0, -1):
        alive, ending = going[t], going[t + 1]
        state[ending:alive] = final[ending:alive]
        states[starts[:alive] + t] = state[:alive]
        state[:alive] = back[t][np.arange(alive), state[:alive]]
    states[starts] = state

    # A word ends after every E or S (transitions allow nothing else before the next word),
    # and every run ends in E or S. Mark word ends with WORD_BREAK, run ends with another
    # character (Han runs hold neither), and split the runs apart.
    word_end = (states == _E) | (states == _S)
    run_end = np.zeros(len(text), dtype=bool)
    run_end[starts + lengths - 1] = True
    marks = np.where(run_end, ord(_RUN_BREAK), ord(model.WORD_BREAK))[word_end]
    marked = np.insert(codes + _FIRST, np.flatnonzero(word_end) + 1, marks).astype(np.uint32)
    pieces = marked.tobytes().decode("utf-32-le").split(_RUN_BREAK)
    decoded: list[str] = [""] * len(runs)
    for index, piece in zip(order, pieces):
        decoded[index] = piece
    return decoded
