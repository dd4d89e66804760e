"""One-to-one alignment of two documents' records (an optimal assignment over similarity scores,
Jonker–Volgenant's, by ``lap``): the building blocks each kind's comparator aligns its records
with (``kinds/``).

An alignment is the list of matched index pairs (old, new); unmatched records are added/removed.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from .similarity import equal_matrix, norm, text_matrix

if TYPE_CHECKING:
    import numpy as np

Pairs = list[tuple[int, int]]


def assign(score: np.ndarray, accept: np.ndarray) -> Pairs:
    """Maximum-weight one-to-one matching among accepted pairs.

    Weights are cubed so one close match beats two middling ones; a small tie-break prefers
    pairs at the same relative position in their documents."""
    import lap
    import numpy as np

    n, m = score.shape
    if n == 0 or m == 0:
        return []
    pos = 1.0 - np.abs(np.arange(n)[:, None] / n - np.arange(m)[None, :] / m)
    weight = np.where(accept, np.clip(score, 0, None) ** 3 + 0.01 * pos + 1e-6, 0.0)
    cols = lap.lapjv(-weight, extend_cost=True, return_cost=False)[0]  # (-1: unmatched)
    return [(i, int(j)) for i, j in enumerate(cols) if j >= 0 and accept[i, j]]


def column(records: Sequence[Any], get: Callable[[Any], object]) -> list:
    return [get(r) for r in records]


def field_agreement(old: Sequence[Any], new: Sequence[Any],
                    getters: Sequence[Callable[[Any], object]]) -> tuple[np.ndarray, np.ndarray]:
    """(share of informative fields that agree, number that agree) for every pair."""
    import numpy as np

    agree = np.zeros((len(old), len(new)))
    present = np.zeros((len(old), len(new)))
    for get in getters:
        a, b = column(old, get), column(new, get)
        agree += equal_matrix(a, b)
        present += np.maximum(np.array([x not in (None, "") for x in a], float)[:, None],
                              np.array([x not in (None, "") for x in b], float)[None, :])
    return np.divide(agree, present, out=np.zeros_like(agree), where=present > 0), agree


def comparable(x: object) -> Optional[str]:
    """A comparable, hashable form of a field value (normalised text or canonical JSON)."""
    if x in (None, "", [], {}):
        return None
    if isinstance(x, str):
        return norm(x) or None
    return json.dumps(x, ensure_ascii=False, sort_keys=True)


def containment(olds: Sequence[str], news: Sequence[str], shortest: int = 4) -> np.ndarray:
    """True where one name contains the other ("pm25浓度" in "城市细颗粒物pm25浓度")."""
    import numpy as np

    m = np.zeros((len(olds), len(news)), bool)
    for i, a in enumerate(olds):
        for j, b in enumerate(news):
            if a != b and min(len(a), len(b)) >= shortest and (a in b or b in a):
                m[i, j] = True
    return m


def align_in_context(old: Sequence[Any], new: Sequence[Any], old_ctx: Sequence[Optional[tuple]],
                     new_ctx: Sequence[Optional[tuple]], text: Callable[[Any], str]) -> Pairs:
    """Records that live in a task (targets, deadlines, responsibilities): by text within aligned tasks.

    ``old_ctx[i]``/``new_ctx[j]`` are context ids; equal ids mean the contexts are aligned."""
    import numpy as np

    sim = text_matrix(column(old, text), column(new, text))
    same = np.array([[a is not None and a == b for b in new_ctx] for a in old_ctx], float).reshape(sim.shape)
    score = 0.6 * sim + 0.4 * same
    accept = ((same > 0) & (sim >= 0.3)) | (sim >= 0.9)
    return assign(score, accept)
