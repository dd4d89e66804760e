"""One-to-one alignment of two documents' records (Hungarian assignment over similarity scores).

Each ``align_*`` returns the matched index pairs (old, new); unmatched records are added/removed.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from .similarity import equal_matrix, name_matrix, norm, text_matrix

if TYPE_CHECKING:
    import numpy as np

Pairs = list[tuple[int, int]]


def assign(score: np.ndarray, accept: np.ndarray) -> Pairs:
    """Maximum-weight one-to-one matching among accepted pairs.

    Weights are cubed so one close match beats two middling ones; a small tie-break prefers
    pairs at the same relative position in their documents."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    n, m = score.shape
    if n == 0 or m == 0:
        return []
    pos = 1.0 - np.abs(np.arange(n)[:, None] / n - np.arange(m)[None, :] / m)
    weight = np.where(accept, np.clip(score, 0, None) ** 3 + 0.01 * pos + 1e-6, 0.0)
    rows, cols = linear_sum_assignment(-weight)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols) if accept[i, j])


def _col(records: Sequence[dict], get: Callable[[dict], object]) -> list:
    return [get(r) for r in records]


def _field_agreement(old: Sequence[dict], new: Sequence[dict],
                     getters: Sequence[Callable[[dict], object]]) -> tuple[np.ndarray, np.ndarray]:
    """(share of informative fields that agree, number that agree) for every pair."""
    import numpy as np

    agree = np.zeros((len(old), len(new)))
    present = np.zeros((len(old), len(new)))
    for get in getters:
        a, b = _col(old, get), _col(new, get)
        agree += equal_matrix(a, b)
        present += np.maximum(np.array([x not in (None, "") for x in a], float)[:, None],
                              np.array([x not in (None, "") for x in b], float)[None, :])
    return np.divide(agree, present, out=np.zeros_like(agree), where=present > 0), agree


def _v(x: object) -> Optional[str]:
    """A comparable, hashable form of a field value (normalised text or canonical JSON)."""
    if x in (None, "", [], {}):
        return None
    if isinstance(x, str):
        return norm(x) or None
    return json.dumps(x, ensure_ascii=False, sort_keys=True)


def indicator_key(r: dict) -> tuple:
    return (norm(r.get("name")), norm(r.get("group")), norm(r.get("qualifier")))


def align_indicators(old: Sequence[dict], new: Sequence[dict]) -> Pairs:
    """By normalised name + group + qualifier; a reworded name is a rename when the row agrees."""
    name = name_matrix(_col(old, lambda r: r.get("name")), _col(new, lambda r: r.get("name")))
    exact = equal_matrix(_col(old, indicator_key), _col(new, indicator_key))
    ctx = equal_matrix(_col(old, lambda r: (norm(r.get("group")), norm(r.get("qualifier")))),
                       _col(new, lambda r: (norm(r.get("group")), norm(r.get("qualifier")))))
    share, agree = _field_agreement(old, new, [
        lambda r: _v(r.get("unit")), lambda r: _v(r.get("standard")),
        lambda r: _v((r.get("baseline") or {}).get("value")), lambda r: _v(r.get("targets")),
        lambda r: _v(r.get("attribute")), lambda r: _v(r.get("category"))])
    score = 0.55 * name + 0.3 * share + 0.15 * ctx + exact
    contained = _containment(_col(old, lambda r: norm(r.get("name"))), _col(new, lambda r: norm(r.get("name"))))
    accept = (exact > 0) | (name >= 0.8) | contained | ((name >= 0.3) & (share >= 0.75) & (agree >= 3))
    return assign(score, accept)


def _containment(olds: Sequence[str], news: Sequence[str], shortest: int = 4) -> np.ndarray:
    """True where one name contains the other ("pm25浓度" in "城市细颗粒物pm25浓度")."""
    import numpy as np

    m = np.zeros((len(olds), len(news)), bool)
    for i, a in enumerate(olds):
        for j, b in enumerate(news):
            if a != b and min(len(a), len(b)) >= shortest and (a in b or b in a):
                m[i, j] = True
    return m


def align_projects(old: Sequence[dict], new: Sequence[dict]) -> Pairs:
    """By name and content similarity (and agreeing period, investment, units)."""
    name = name_matrix(_col(old, lambda r: r.get("name")), _col(new, lambda r: r.get("name")))
    content = text_matrix(_col(old, lambda r: r.get("content")), _col(new, lambda r: r.get("content")))
    exact = equal_matrix(_col(old, lambda r: norm(r.get("name"))), _col(new, lambda r: norm(r.get("name"))))
    share, _ = _field_agreement(old, new, [
        lambda r: _v((r.get("period") or {}).get("raw")), lambda r: _v((r.get("investment") or {}).get("raw")),
        lambda r: _v(r.get("responsible_units")), lambda r: _v(r.get("category"))])
    score = 0.5 * name + 0.3 * content + 0.2 * share + exact
    accept = (exact > 0) | (name >= 0.8) | ((name >= 0.3) & (content >= 0.7)) | ((name >= 0.5) & (content >= 0.5))
    return assign(score, accept)


def align_tasks(old: Sequence[dict], new: Sequence[dict]) -> Pairs:
    """By text and title similarity, with the enclosing section's title as a tie-break."""
    text = text_matrix(_col(old, lambda r: r.get("text")), _col(new, lambda r: r.get("text")))
    title = text_matrix(_col(old, lambda r: r.get("title")), _col(new, lambda r: r.get("title")))
    sec = name_matrix(_col(old, lambda r: r.get("section")), _col(new, lambda r: r.get("section")))
    key = lambda r: (norm(r.get("section")), norm(r.get("title")), norm(r.get("text")))  # noqa: E731
    exact = equal_matrix(_col(old, key), _col(new, key))
    score = 0.6 * text + 0.25 * title + 0.15 * sec + exact
    accept = (exact > 0) | (text >= 0.6) | ((title >= 0.9) & (text >= 0.3))
    return assign(score, accept)


def _children(sections: Sequence[dict], tasks: Sequence[dict]) -> list[set[int]]:
    by_title: dict[str, list[int]] = {}
    for k, t in enumerate(tasks):
        by_title.setdefault(t.get("section") or "", []).append(k)
    return [set(by_title.get(s.get("title") or "", ())) for s in sections]


def align_sections(old: Sequence[dict], new: Sequence[dict], old_tasks: Sequence[dict],
                   new_tasks: Sequence[dict], task_pairs: Pairs) -> Pairs:
    """By title, numbering path and the tasks they hold (renumbered or moved sections still match)."""
    import numpy as np

    title = name_matrix(_col(old, lambda r: r.get("title")), _col(new, lambda r: r.get("title")))
    num = equal_matrix(_col(old, lambda r: norm(r.get("number"))), _col(new, lambda r: norm(r.get("number"))))
    parent = equal_matrix(_col(old, lambda r: tuple(norm(p) for p in (r.get("path") or [])[:-1]) or ("",)),
                          _col(new, lambda r: tuple(norm(p) for p in (r.get("path") or [])[:-1]) or ("",)))
    exact = equal_matrix(_col(old, lambda r: (norm(r.get("number")), norm(r.get("title")))),
                         _col(new, lambda r: (norm(r.get("number")), norm(r.get("title")))))
    tmap = dict(task_pairs)
    oc, nc = _children(old, old_tasks), _children(new, new_tasks)
    child = np.zeros((len(old), len(new)))
    for i, kids in enumerate(oc):
        mapped = {tmap[k] for k in kids if k in tmap}
        if not mapped:
            continue
        for j, nkids in enumerate(nc):
            if nkids:
                child[i, j] = len(mapped & nkids) / max(len(kids), len(nkids))
    score = 0.55 * title + 0.25 * child + 0.1 * num + 0.1 * parent + exact
    accept = (exact > 0) | (title >= 0.75) | (child >= 0.5) | ((title >= 0.4) & (num > 0) & (parent > 0))
    return assign(score, accept)


def align_in_context(old: Sequence[dict], new: Sequence[dict], old_ctx: Sequence[Optional[int]],
                     new_ctx: Sequence[Optional[int]], text: Callable[[dict], str]) -> Pairs:
    """Records that live in a task (targets, deadlines, responsibilities): by text within aligned tasks.

    ``old_ctx[i]``/``new_ctx[j]`` are context ids; equal ids mean the contexts are aligned."""
    import numpy as np

    sim = text_matrix(_col(old, text), _col(new, text))
    same = np.array([[a is not None and a == b for b in new_ctx] for a in old_ctx], float).reshape(sim.shape)
    score = 0.6 * sim + 0.4 * same
    accept = ((same > 0) & (sim >= 0.3)) | (sim >= 0.9)
    return assign(score, accept)
