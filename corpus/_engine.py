"""A segmenter that gives exactly ``jieba.Tokenizer().lcut(text)``, several times faster.

jieba (default mode, HMM on) segments a text in three steps. Here each is done by whatever
does it fastest while giving jieba's result bit for bit:

1. It cuts the text into "han" blocks (runs of U+4E00..U+9FD5 and ``a-zA-Z0-9+#&._%-``), makes
   whitespace tokens (``\\r\\n`` whole) and single characters of the rest. rjieba does the
   same, except that its blocks also take in CJK extension and compatibility characters
   (𠀋, 㐀, 鿖, 豈), which jieba leaves alone. So those are swapped for a neutral character
   before rjieba sees the text and put back afterwards (each is a token of its own either way).
2. Inside each block it finds the most probable route through the dictionary's words. This
   is the expensive step, and rjieba with HMM off returns exactly that route: same
   dictionary, same formula ``log(freq) - log(total) + route[next]``, same tie rule. Only its
   ``total`` differs, and is evened out (``_TOTAL_PAD``).
3. Each stretch of two or more single-character steps that is not itself a word goes to the
   HMM. rjieba's HMM differs from jieba's, so ``_engine_hmm`` does this step, exactly.

To find the stretches without a Python loop over every token, rjieba's tokens are joined
with ``WORD_BREAK`` and a regular expression picks out runs of single steps; their HMM words,
joined the same way, are spliced in and the string is split again.

User words follow ``jieba.Tokenizer.add_word(word)``: same suggested frequency, same running
total. Each engine owns its rjieba instance; nothing process-wide is ever changed.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from itertools import accumulate
from math import log

import jieba
import rjieba

from corpus._engine_dict import MainDictionary, main_dictionary
from corpus._engine_hmm import WORD_BREAK, forced_splits, hmm_cut, hmm_cut_many

_RE_HAN = jieba.re_han_default

# A dictionary entry that only adjusts rjieba's total. jieba adds a frequency to its total
# every time a word is listed or added (dict.txt lists B超 twice; add_word of a known word
# adds again), while jieba-rs replaces the old frequency. The difference is carried by this
# entry, which can never be matched: rjieba only matches words inside han blocks, which hold
# no space, and no user word starts with one (they are stripped).
_TOTAL_PAD = " total adjustment"

# Joins the texts of one ``cut_many`` call: a character both segmenters leave on its own.
_TEXT_BREAK = "\x01"

# Characters that rjieba must not see as they are: CJK characters outside jieba's han range
# (a deliberately wide net over radicals, extensions A to H, compatibility ideographs and
# U+9FD6-U+9FFF, which rjieba may put in its blocks), lone surrogates (which cannot cross
# into rjieba at all) and the two separators (WORD_BREAK joins tokens below). Each is a
# one-character token in jieba's output, and so is the neutral stand-in rjieba gets instead.
_SWAPPED = re.compile(
    f"[{WORD_BREAK}{_TEXT_BREAK}\u2e80-\u2fdf\u3400-\u4dbf\u9fd6-\u9fff\ud800-\udfff\uf900-\ufaff"
    "\U00020000-\U0003ffff]"
)
_SWAPPED_BUT_TEXT_BREAK = re.compile(_SWAPPED.pattern.replace(_TEXT_BREAK, ""))
_STAND_IN = "\x02"

# A single step of jieba's route: one character of a han block, or a run of ASCII letters
# and digits that rjieba joined (jieba joins them too, but only without HMM). Two or more
# in a row make a stretch that jieba hands to the HMM (or splits into characters if it is a
# word). In split() the stretches come out at odd indexes.
_STEP = "(?:[\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-]|[a-zA-Z0-9]{2,})"
# Each stretch is matched with the break before it (the string gets one in front), which
# lets the regular expression engine jump from break to break.
_STRETCH = re.compile(f"({WORD_BREAK}{_STEP}(?:{WORD_BREAK}{_STEP})+)(?![^{WORD_BREAK}])")

# Below this many new stretches in one call they are cut one by one (no batching set-up).
_FEW_STRETCHES = 8
# Bound on the per-engine memo of rewritten stretches (about 200 bytes each, so ~13 MB at
# most; a million characters of interviews make about 50,000).
_REWRITTEN_LIMIT = 1 << 16


def _is_ascii_alnum(text: str) -> bool:
    return text.isascii() and text.isalnum()


def _slices(text: str, tokens: Sequence[str]) -> list[str]:
    """The same cut, with the characters of ``text`` (tokens of the same lengths)."""
    bounds = list(accumulate(map(len, tokens), initial=0))
    return [text[start:end] for start, end in zip(bounds, bounds[1:])]


class JiebaCompatibleEngine:
    """One project's segmenter: jieba's main dictionary plus ``user_words``, added in order."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._main: MainDictionary = main_dictionary()
        self._rust = rjieba.Jieba()
        self._user_freq: dict[str, int] = {}
        self._user_prefixes: set[str] = set()
        self._total = self._main.total
        self._total_offset = self._main.total - self._main.unique_total
        self._longest_word = self._main.longest_word
        # rjieba without HMM joins single ASCII letters and digits ("iPhone12"), so a word
        # spelt that way (a user's "APP") looks the same whether the route took it or not.
        # Blocks where one occurs are routed in Python.
        self._alnum_words = set(self._main.alnum_words)
        self._sync_total()
        for word in user_words:
            self._add_word(word)
        # Stretch (as rjieba's steps) -> its words; depends on this dictionary, hence here.
        self._rewritten: dict[str, str] = {}

    # -- the dictionary, as jieba's FREQ and total would be ---------------------------------

    def _freq(self, word: str, default: int | None) -> int | None:
        """``FREQ.get(word, default)`` of the equivalent jieba tokenizer."""
        found = self._user_freq.get(word)
        if found is not None:
            return found
        if word in self._user_prefixes:
            return 0
        return self._main.lookup(word, default)

    def _sync_total(self) -> None:
        self._rust.add_word(_TOTAL_PAD, self._total_offset, None)

    def _suggest_freq(self, word: str) -> int:
        """``jieba.Tokenizer.suggest_freq(word, tune=False)``."""
        ftotal = float(self._total)
        freq: float = 1
        for segment in self._route(word):
            freq *= self._freq(segment, 1) / ftotal  # type: ignore[operator]
        return max(int(freq * self._total) + 1, self._freq(word, 1))  # type: ignore[type-var]

    def _add_word(self, word: str) -> None:
        """``jieba.Tokenizer.add_word(word)``, mirrored into rjieba."""
        freq = self._suggest_freq(word)
        replaced = self._freq(word, 0) or 0
        self._user_freq[word] = freq
        self._total += freq
        for end in range(1, len(word)):
            prefix = word[:end]
            if self._freq(prefix, None) is None:
                self._user_prefixes.add(prefix)
        self._longest_word = max(self._longest_word, len(word))
        if len(word) > 1 and _is_ascii_alnum(word):
            self._alnum_words.add(word)
        self._rust.add_word(word, freq, None)
        # rjieba subtracted the frequency it replaced; jieba did not.
        self._total_offset += replaced
        self._sync_total()

    # -- segmentation -----------------------------------------------------------------------

    def cut(self, text: str) -> list[str]:
        """``jieba.Tokenizer.lcut(text)`` (HMM on)."""
        if not text:
            return []
        safe = _SWAPPED.sub(_STAND_IN, text)
        tokens = self._marked(safe).split(WORD_BREAK)
        del tokens[0]  # before the first break
        return self._checked(text, safe, tokens)

    def cut_many(self, texts: Sequence[str]) -> list[list[str]]:
        """``[cut(text) for text in texts]`` in one pass (one rjieba call, one HMM batch)."""
        present = [text for text in texts if text]
        if not present:
            return [[] for _ in texts]
        joined = _TEXT_BREAK.join(present)
        if joined.count(_TEXT_BREAK) == len(present) - 1:
            safe_joined = _SWAPPED_BUT_TEXT_BREAK.sub(_STAND_IN, joined)
            safe = present if safe_joined == joined else safe_joined.split(_TEXT_BREAK)
        else:  # a text holds the text break itself
            safe = [_SWAPPED.sub(_STAND_IN, text) for text in present]
            safe_joined = _TEXT_BREAK.join(safe)
        per_text = self._marked(safe_joined).split(f"{WORD_BREAK}{_TEXT_BREAK}")
        if len(per_text) != len(present):
            raise RuntimeError("a text break was not a token of its own")
        if safe is present and not self._ambiguous(joined):
            cuts = [part.split(WORD_BREAK)[1:] for part in per_text]
        else:
            cuts = [
                self._checked(text, safe_text, part.split(WORD_BREAK)[1:])
                for text, safe_text, part in zip(present, safe, per_text)
            ]
        if len(cuts) == len(texts):
            return cuts
        remaining = iter(cuts)
        return [next(remaining) if text else [] for text in texts]

    def _route(self, text: str) -> list[str]:
        """``jieba.Tokenizer.lcut(text, HMM=False)``: the route alone."""
        safe = _SWAPPED.sub(_STAND_IN, text)
        routed = self._rust.cut(safe, False)
        return routed if safe == text else _slices(text, routed)

    def _marked(self, safe: str) -> str:
        """The tokens of ``safe``, each preceded by WORD_BREAK."""
        routed = self._rust.cut(safe, False)
        routed.insert(0, "")  # a break before the first token too
        parts = _STRETCH.split(WORD_BREAK.join(routed))
        if len(parts) == 1:
            return parts[0]
        stretches = parts[1::2]
        # A word jieba.del_word forced apart (anywhere in the process) may be in the memo
        # whole: while there are such words, the memo is neither read nor written.
        remember = not forced_splits()
        memo = self._rewritten if remember else {}
        missing = set(stretches).difference(memo)
        if not missing:
            parts[1::2] = map(memo.__getitem__, stretches)
            return "".join(parts)
        new = self._rewrite(missing)
        if remember:
            if len(memo) + len(new) > _REWRITTEN_LIMIT:
                self._rewritten = {}  # a new dict: this call and concurrent ones keep theirs
            self._rewritten.update(new)
        new_get = new.get
        parts[1::2] = [new_get(steps) or memo[steps] for steps in stretches]
        return "".join(parts)

    def _rewrite(self, missing: set[str]) -> dict[str, str]:
        """The words of new stretches, given as rjieba's steps, in the same form."""
        rewritten: dict[str, str] = {}
        hmm_steps: list[str] = []
        hmm_stretches: list[str] = []
        user_freq, main_freq = self._user_freq.get, self._main.freq.get
        for steps in missing:
            stretch = steps.replace(WORD_BREAK, "")
            # jieba: ``if not FREQ.get(buf)`` -> HMM; else a word the route did not take,
            # emitted as characters.
            if user_freq(stretch) or main_freq(stretch):
                rewritten[steps] = WORD_BREAK + WORD_BREAK.join(stretch)
            else:
                hmm_steps.append(steps)
                hmm_stretches.append(stretch)
        few = len(hmm_steps) < _FEW_STRETCHES
        marked = map(hmm_cut, hmm_stretches) if few else hmm_cut_many(hmm_stretches)
        rewritten.update(zip(hmm_steps, [WORD_BREAK + words for words in marked]))
        return rewritten

    def _checked(self, text: str, safe: str, tokens: list[str]) -> list[str]:
        """Puts swapped characters back and re-routes blocks whose route was ambiguous."""
        if safe != text:
            tokens = _slices(text, tokens)
        if self._ambiguous(text):
            tokens = self._reroute_ambiguous(text, safe, tokens)
        return tokens

    def _ambiguous(self, text: str) -> bool:
        return bool(self._alnum_words) and any(word in text for word in self._alnum_words)

    # -- blocks routed in Python (rare) -----------------------------------------------------

    def _reroute_ambiguous(self, text: str, safe: str, tokens: list[str]) -> list[str]:
        routed = self._rust.cut(safe, False)
        blocks = [match.span() for match in _RE_HAN.finditer(text)]
        block_starts = [start for start, _ in blocks]
        affected: dict[int, int] = {}  # block start -> block end
        position = 0
        for token in routed:
            if token in self._alnum_words:
                start, end = blocks[bisect_right(block_starts, position) - 1]
                affected[start] = end
            position += len(token)
        if not affected:
            return tokens
        out: list[str] = []
        position = skip_to = 0
        for token in tokens:
            if position in affected:
                skip_to = affected[position]
                out.extend(self._cut_block_in_python(text[position:skip_to]))
            if position >= skip_to:
                out.append(token)
            position += len(token)
        return out

    def _cut_block_in_python(self, block: str) -> list[str]:
        """jieba's ``get_DAG``, ``calc`` and ``__cut_DAG`` for one block, on this dictionary."""
        freq = self._freq
        size = len(block)
        dag: list[list[int]] = []
        for start in range(size):
            ends = [
                end
                for end in range(start, min(size, start + self._longest_word))
                if freq(block[start : end + 1], None)
            ]
            dag.append(ends or [start])
        route: dict[int, tuple[float, int]] = {size: (0, 0)}
        logtotal = log(self._total)
        for start in range(size - 1, -1, -1):
            route[start] = max(
                (log(freq(block[start : end + 1], None) or 1) - logtotal + route[end + 1][0], end)
                for end in dag[start]
            )
        out: list[str] = []
        single_steps = ""
        position = 0
        while position < size:
            end = route[position][1] + 1
            if end - position == 1:
                single_steps += block[position]
            else:
                if single_steps:
                    out.extend(self._cut_stretch(single_steps))
                    single_steps = ""
                out.append(block[position:end])
            position = end
        if single_steps:
            out.extend(self._cut_stretch(single_steps))
        return out

    def _cut_stretch(self, stretch: str) -> list[str]:
        """jieba's handling of a run of single-character steps (``buf`` in ``__cut_DAG``)."""
        if len(stretch) == 1 or self._freq(stretch, None):
            return list(stretch)
        return hmm_cut(stretch).split(WORD_BREAK)
