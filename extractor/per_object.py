"""A value made once per object and found again by the object's identity (:class:`PerObject`)."""
from __future__ import annotations

from typing import Callable, Generic, TypeVar

T = TypeVar("T")
V = TypeVar("V")


class PerObject(Generic[T, V]):
    """``cache(obj)`` is ``make(obj)``, made the first time and then looked up by ``id(obj)``:
    for objects that are not hashable or slow to hash (a table's column list, a batch's table
    layout), with no key built per call.  The object is kept beside its value, so its id cannot
    be reused by another object while the value is cached.  At most ``size`` objects: all are
    forgotten when it is full (a batch has one table layout; only tests make many)."""

    def __init__(self, make: Callable[[T], V], size: int = 64):
        self.make, self.size = make, size
        self._values: dict[int, tuple[T, V]] = {}

    def __call__(self, obj: T) -> V:
        hit = self._values.get(id(obj))
        if hit is None or hit[0] is not obj:
            if len(self._values) >= self.size:
                self._values.clear()
            hit = self._values[id(obj)] = (obj, self.make(obj))
        return hit[1]
