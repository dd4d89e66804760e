"""What counts as the same value: differences of character width, white space, unit spelling
("μg/m3" / "ug/m3" / "微克/立方米") and footnote markers are cosmetic, not changes."""
from __future__ import annotations

import functools
from typing import Any, Optional

from ..language.normalise import compact as clean  # NFKC without white space
from ..measures import unit_key
from ..values import parse_value

EMPTY = (None, "", [], {})


def same(a: Any, b: Any) -> bool:
    """Equal up to Unicode width forms and white space (a re-typed “（” is not a change)."""
    if isinstance(a, str) and isinstance(b, str):
        return clean(a) == clean(b)
    if a in EMPTY and b in EMPTY:
        return True
    return a == b


def same_unit(a: Optional[str], b: Optional[str]) -> bool:
    return unit_key(a) == unit_key(b)


@functools.lru_cache(maxsize=16384)
def _value_key(raw: str) -> Optional[tuple]:
    v = parse_value(raw)
    if v.value is None:
        return None
    return (v.op if v.op not in (None, "=") else "=", v.value, v.value_max, unit_key(v.unit), clean(v.qualitative or ""))


def same_value(a: Any, b: Any) -> bool:
    """Two cell values that state the same requirement: "≥27" / "≥ 27" / "≥27*",
    "≤35μg/m3" / "≤35ug/m³"."""
    if same(a, b):
        return True
    if not (isinstance(a, str) and isinstance(b, str)):
        return False
    ka, kb = _value_key(a), _value_key(b)
    return ka is not None and ka == kb
