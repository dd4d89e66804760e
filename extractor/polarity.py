"""Polarity of an indicator or target: +1 when a higher value is better, -1 when lower is.

The record's own ``polarity``, then the indicator catalogue (``catalogue.polarity_of``), then the
name lexicon in ``patterns/polarity.toml`` as the fallback.  0 means "cannot tell".
"""
from __future__ import annotations

import functools
from typing import Any, Optional

from .catalogue import polarity_of
from .language.normalise import nfkc
from .patterns import compiled, load


@functools.lru_cache(maxsize=None)
def _p() -> dict:
    return load("polarity")


def is_reduction(text: Optional[str]) -> bool:
    """The text names a reduction ("下降率", "削减量"): higher is better."""
    return bool(text) and bool(compiled(_p()["reduction"]).search(nfkc(text)))


@functools.lru_cache(maxsize=4096)
def polarity_of_name(name: Optional[str]) -> int:
    """+1 / -1 from the words of a name, 0 when they do not say."""
    if not name:
        return 0
    s = nfkc(name)
    p = _p()
    if compiled(p["reduction"]).search(s) or compiled(p["rate_of_good"]).search(s):
        return 1
    if compiled(p["lower_better"]).search(s):
        return -1
    if compiled(p["higher_better"]).search(s):
        return 1
    return 0


def declared_polarity(value: Any) -> int:
    """A record's own polarity field (+1/-1, or "higher"/"lower"…-is-better text) as +1/-1/0."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return 1 if value > 0 else -1 if value < 0 else 0
    if isinstance(value, str):
        v = value.lower()
        if v.startswith(("higher", "up", "+", "increase")):
            return 1
        if v.startswith(("lower", "down", "-", "decrease")):
            return -1
    return 0


def record_polarity(record: Any) -> int:
    """Polarity of an indicator or target record (dict or dataclass): its own ``polarity`` field,
    else the indicator catalogue's (by canonical id, name and group, or a target's subject), else
    the name lexicon."""
    if record is None:
        return 0
    get = record.get if isinstance(record, dict) else (lambda k: getattr(record, k, None))
    name = get("name") or get("subject")
    return (declared_polarity(get("polarity"))
            or declared_polarity(polarity_of(record) if get("name") else polarity_of(name) if name else None)
            or polarity_of_name(name))
