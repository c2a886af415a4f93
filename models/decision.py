"""Which suggested codes to pre-select: the set that maximises the expected F1 of a passage.

With calibrated probabilities p, assigning the k most probable codes has expected F1 close
to 2·(p₁+…+p_k) / (k + Σp) (expected true positives over predicted plus expected gold
codes). Maximising it per passage needs no threshold to tune: confident passages get one
code, ambiguous ones several. This is the decision that example-based F1 rewards.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def choose_codes(
    probabilities: np.ndarray,
    groups: Sequence[tuple[Sequence[int], bool]] = (),
    min_codes: int = 0,
) -> np.ndarray:
    """Boolean (passages x codes) selection.

    ``groups`` are exclusive code groups as (member columns, always present): at most one
    member is chosen, the most probable, and it is always chosen when the group was present
    on every training passage. At least ``min_codes`` codes are chosen per passage.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    n, k = probabilities.shape
    candidates = probabilities.copy()
    forced = np.zeros((n, k), dtype=bool)
    rows = np.arange(n)
    for members, always in groups:
        cols = np.asarray(members, dtype=int)
        best = cols[probabilities[:, cols].argmax(axis=1)]
        keep = np.zeros((n, k), dtype=bool)
        keep[rows, best] = True
        losers = np.zeros((n, k), dtype=bool)
        losers[:, cols] = True
        candidates[losers & ~keep] = 0.0
        if always:
            forced[rows, best] = True
    expected_gold = probabilities.sum(axis=1, keepdims=True)
    # forced codes sort first, then by probability
    order = np.lexsort((-candidates, ~forced), axis=1) if n else np.zeros((0, k), dtype=int)
    sorted_probabilities = np.take_along_axis(candidates, order, axis=1)
    cumulative = np.cumsum(sorted_probabilities, axis=1)
    sizes = np.arange(1, k + 1)
    expected_f1 = 2 * cumulative / (sizes + expected_gold)
    lower = np.maximum(forced.sum(axis=1), min_codes)
    available = (candidates > 0).sum(axis=1)
    allowed = (sizes[None, :] >= lower[:, None]) & (
        (sizes[None, :] <= available[:, None]) | (sizes[None, :] <= lower[:, None])
    )
    expected_f1 = np.where(allowed, expected_f1, -np.inf)
    chosen_size = np.where(allowed.any(axis=1), expected_f1.argmax(axis=1) + 1, 0)
    # choosing nothing beats any set when no code is likely and none is required
    nothing = (lower == 0) & (expected_f1.max(axis=1, initial=-np.inf) <= _empty_f1(expected_gold))
    chosen_size[nothing] = 0
    selected = np.zeros((n, k), dtype=bool)
    take = sizes[None, :] <= chosen_size[:, None]
    np.put_along_axis(selected, order, take, axis=1)
    return selected


def _empty_f1(expected_gold: np.ndarray) -> np.ndarray:
    # an empty selection scores 1 when the passage has no gold code; estimate that chance as
    # exp(-Σp), the Poisson view of independent codes
    return np.exp(-expected_gold.ravel())
