"""Similarity scores in [0, 1] for alignment: rapidfuzz over normalised characters and jieba tokens."""
from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Optional, Sequence

import regex

from ..language import jieba_dict
from ..language.normalise import nfkc

if TYPE_CHECKING:
    import numpy as np

_NOISE = regex.compile(r"[\p{P}\p{S}\p{Z}\s]+", regex.V1)


@functools.lru_cache(maxsize=65536)
def norm(text: Optional[str]) -> str:
    """NFKC, lower case, without punctuation, symbols or spaces (“生态质量指数（EQI）” → “生态质量指数eqi”)."""
    if not text:
        return ""
    return _NOISE.sub("", nfkc(text)).lower()


@functools.lru_cache(maxsize=65536)
def tokens(text: Optional[str]) -> str:
    """jieba words of the normalised text, sorted and space-joined (for token scorers)."""
    return " ".join(sorted(w for w in _tokenizer().cut(norm(text)) if w.strip()))


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """jieba's tokenizer with its own dictionary, read a first character at a time."""
    return jieba_dict.tokenizer()


def _cdist(olds: Sequence[str], news: Sequence[str], scorer) -> np.ndarray:
    import numpy as np
    from rapidfuzz import process

    if not olds or not news:
        return np.zeros((len(olds), len(news)))
    return process.cdist(olds, news, scorer=scorer, dtype=np.float32, workers=-1) / 100.0


def text_matrix(olds: Sequence[Optional[str]], news: Sequence[Optional[str]]) -> np.ndarray:
    """Character-level similarity (Indel ratio) of normalised texts; empty vs empty is 0."""
    import numpy as np
    from rapidfuzz import fuzz

    a, b = [norm(x) for x in olds], [norm(x) for x in news]
    m = _cdist(a, b, fuzz.ratio)
    if m.size:
        m[np.array([not x for x in a])[:, None] | np.array([not x for x in b])[None, :]] = 0.0
    return m


def name_matrix(olds: Sequence[Optional[str]], news: Sequence[Optional[str]]) -> np.ndarray:
    """Short names: the better of character similarity and jieba-token similarity (word order free)."""
    import numpy as np
    from rapidfuzz import fuzz

    chars = text_matrix(olds, news)
    if not chars.size:
        return chars
    words = _cdist([tokens(x) for x in olds], [tokens(x) for x in news], fuzz.token_sort_ratio)
    return np.maximum(chars, words)


def equal_matrix(olds: Sequence[object], news: Sequence[object]) -> np.ndarray:
    """1.0 where the (hashable) keys are equal and not empty."""
    import numpy as np

    m = np.zeros((len(olds), len(news)))
    index: dict[object, list[int]] = {}
    for j, k in enumerate(news):
        if k not in (None, "", ()):
            index.setdefault(k, []).append(j)
    for i, k in enumerate(olds):
        for j in index.get(k, ()):
            m[i, j] = 1.0
    return m
