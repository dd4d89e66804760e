"""Typed records at the JSON boundary: ``from_json(to_json(r)) == r`` for every record type
(a property test whose strategies are derived from the record types themselves), for real
outputs of the five corpora, and the record-kind registry the outputs follow."""
from __future__ import annotations

import dataclasses
import typing
from typing import Any, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPORA
from extractor import records
from extractor.jsonio import dumps, loads
from extractor.model import Span
from extractor.records import KINDS, RECORD_CLASSES, RECORD_KINDS, ExtractResult, from_json, to_json

# what the document model lets into a record: no lone surrogates (hygiene replaces them)
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_SCALARS = {str: _TEXT, int: st.integers(-2**53, 2**53), bool: st.booleans(),
            float: st.one_of(st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False))}


def strategy(tp: Any) -> st.SearchStrategy:
    """Values of type ``tp`` built from its type hints (dataclasses field by field)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Union:
        return st.one_of(*(st.none() if a is type(None) else strategy(a) for a in args))
    if origin is list:
        return st.lists(strategy(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(_TEXT, strategy(args[1]), max_size=3)
    if tp in _SCALARS:
        return _SCALARS[tp]
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = {f.name: strategy(hints[f.name]) for f in dataclasses.fields(tp) if f.init}
        if tp is Span:  # a bounding box has four numbers
            fields["bbox"] = st.none() | st.lists(_SCALARS[float], min_size=4, max_size=4)
        return st.builds(tp, **fields)
    raise TypeError(f"no strategy for {tp!r}")


def _through_json(cls: type, obj: Any) -> Any:
    return from_json(cls, loads(dumps(to_json(obj))))


NESTED = [records.Value, records.PlanPeriod, records.Phase, records.Period, records.Money, records.Baseline,
          records.ParsedValues, records.Normalized, records.ExtraCell, records.Ref, records.GridCell,
          records.Unparsed, records.UnitRef, records.DocumentInfo]


@pytest.mark.parametrize("cls", [*RECORD_CLASSES.values(), *NESTED], ids=lambda c: c.__name__)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_record_type_round_trips_through_json(cls, data):
    rec = data.draw(strategy(cls))
    assert _through_json(cls, rec) == rec


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example])
@given(result=strategy(ExtractResult))
def test_a_whole_result_round_trips_through_json(result):
    assert ExtractResult.from_json(loads(dumps(result.to_json()))) == result


def test_omitted_defaults_stay_out_of_the_json():
    assert to_json(records.PlanPeriod(2021, 2025)) == {"start": 2021, "end": 2025}
    assert to_json(records.PlanPeriod(2025, 2027, inferred=True)) == {"start": 2025, "end": 2027, "inferred": True}
    assert to_json(records.Ref(id="ind-1")) == {"id": "ind-1", "span": None}
    assert list(to_json(records.Ref(doc="a", id=None))) == ["doc", "id", "span"]
    assert from_json(records.PlanPeriod, {"start": 2021, "end": 2025}).inferred is False


def test_unknown_keys_are_ignored_and_missing_keys_take_defaults():
    ind = from_json(records.Indicator, {"id": "ind-1", "table": None, "name": "森林覆盖率", "future_field": 1,
                                        "baseline": {"year": 2020, "value": "38"},
                                        "parsed": {"targets": {"2025": {"raw": "≥40", "op": ">=", "value": 40}}}})
    assert ind.baseline == records.Baseline(2020, "38") and ind.flags == [] and ind.parsed.standard is None
    assert ind.parsed.targets["2025"] == records.Value("≥40", ">=", 40)


@pytest.fixture(scope="module")
def corpus_results() -> dict[str, ExtractResult]:
    from extractor import extract

    return {p.stem[:3]: extract(p) for p in sorted(CORPORA.glob("*.txt"))}


def test_the_corpora_round_trip_exactly(corpus_results):
    assert len(corpus_results) == 5
    for stem, res in corpus_results.items():
        data = loads(dumps(res.to_json()))
        back = ExtractResult.from_json(data)
        assert back == res, stem
        assert dumps(back.to_json()) == dumps(res.to_json()), stem
        assert all(isinstance(c, records.GridCell) for t in back.tables for r in t.rows for c in r), stem


def test_every_kind_is_registered_once_with_its_prefix_and_table(corpus_results):
    assert RECORD_KINDS == tuple(k for k in KINDS if k != "tables")
    assert list(KINDS)[-1] == "tables" and set(KINDS) == set(RECORD_CLASSES)
    for key, kind in KINDS.items():
        assert RECORD_CLASSES[key].KIND is kind
        assert [k for k in KINDS.values() if k.name == kind.name] == [kind] and kind.table
    assert len({k.prefix for k in KINDS.values()}) == len({k.name for k in KINDS.values()}) == len(KINDS)
    seen = set()
    for res in corpus_results.values():
        for key, kind in KINDS.items():
            for rec in getattr(res, key):
                assert rec.id.startswith(f"{kind.prefix}-") and rec.id[len(kind.prefix) + 1:].isdigit()
                seen.add(key)
    assert seen == set(KINDS)
