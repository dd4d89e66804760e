"""PerObject: a value made once per object, found again by identity, never another object's."""
from __future__ import annotations

import gc
import weakref

from extractor.per_object import PerObject


class Thing:
    pass


def test_a_value_is_made_once_per_object_and_never_shared_by_equal_objects():
    made = []
    cache = PerObject(lambda cols: made.append(list(cols)) or len(made))
    a, b = ["x", "y"], ["x", "y"]  # equal, not the same object
    assert cache(a) == 1 and cache(a) == 1
    assert cache(b) == 2 and cache(a) == 1 and cache(b) == 2
    assert made == [["x", "y"], ["x", "y"]]


def test_a_cached_object_is_kept_so_its_id_is_never_another_objects():
    cache = PerObject(lambda t: object())
    thing = Thing()
    ref, value = weakref.ref(thing), cache(thing)
    del thing
    gc.collect()
    assert ref() is not None  # kept beside its value: no new object can take its id
    assert cache(ref()) is value


def test_a_full_cache_forgets_everything_and_lets_its_objects_go():
    cache = PerObject(lambda t: id(t), size=3)
    things = [Thing() for _ in range(3)]
    refs = [weakref.ref(t) for t in things]
    for t in things:
        cache(t)
    del things, t
    gc.collect()
    assert all(r() is not None for r in refs)
    newcomer = Thing()
    assert cache(newcomer) == id(newcomer)  # the fourth: the first three are forgotten
    gc.collect()
    assert all(r() is None for r in refs)
