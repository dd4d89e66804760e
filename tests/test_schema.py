"""The shipped JSON Schema: every corpus document validates, broken documents do not."""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Optional

import pytest
from jsonschema import ValidationError

from extractor import records
from extractor.schema_check import load_schema, problems, validate

CORPORA = sorted((Path(__file__).parent.parent / "corpora").glob("*.txt"))


@pytest.fixture(scope="module")
def outputs() -> dict[str, dict]:
    from extractor import extract

    return {p.stem: extract(p).to_dict() for p in CORPORA}


def test_schema_is_valid_draft_2020_12():
    from jsonschema import Draft202012Validator

    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("stem", [p.stem for p in CORPORA])
def test_corpus_output_validates(outputs, stem):
    assert problems(outputs[stem]) == []


def test_the_committed_schema_is_generated_from_the_record_types():
    from extractor import schema_gen

    assert schema_gen.SCHEMA_PATH.read_text(encoding="utf-8") == schema_gen.text(), \
        "records changed: run python -m extractor.schema_gen"


def test_required_fields_are_every_field_the_records_always_write():
    defs = load_schema()["$defs"]
    assert set(defs["Indicator"]["required"]) >= {"name", "baseline", "targets", "parsed", "flags", "span"}
    assert defs["Value"]["required"] == [f.name for f in dataclasses.fields(records.Value)]
    assert set(defs["Span"]["required"]) >= {"line", "start", "end", "page", "bbox"}
    assert "inferred" not in defs["PlanPeriod"]["required"]  # written only when true
    assert load_schema()["required"] == ["schema_version", "document", *records.KINDS]
    for kind in records.KINDS.values():
        assert defs[kind.schema]["properties"]["id"]["pattern"] == f"^{kind.prefix}-[0-9]+$"


def test_a_field_added_to_a_record_reaches_the_schema(monkeypatch):
    from extractor import schema_gen

    @dataclasses.dataclass
    class Ward:
        """A place."""

        name: str
        size: Optional[float] = dataclasses.field(default=None, metadata=records.meta("In km².", minimum=0))
        parts: list[records.Phase] = dataclasses.field(default_factory=list)

    defs = schema_gen._Generator()
    assert defs.object(Ward) == {
        "description": "A place.", "type": "object", "required": ["name", "size", "parts"],
        "properties": {"name": {"type": "string"},
                       "size": {"description": "In km².", "type": ["number", "null"], "minimum": 0},
                       "parts": {"type": "array", "items": {"$ref": "#/$defs/Phase"}}}}
    assert "Phase" in defs.defs


def _minimal() -> dict:
    return records.ExtractResult(records.DocumentInfo("d", "d.txt", "txt", "a" * 64)).to_dict()


def test_minimal_document_validates_and_extra_fields_are_allowed():
    doc = _minimal()
    validate(doc)
    doc["indicators"] = [{**dataclasses.asdict(records.Indicator("ind-1", None, "优良天数比例")),
                          "lead_units": ["市生态环境局"]}]
    doc["indicators"][0]["parsed"]["standard"] = {"raw": "≥27", "op": ">=", "value": 27, "unit": None,
                                                  "qualitative": None, "value_max": 30}
    validate(doc)


@pytest.mark.parametrize("breakage, where", [
    (lambda d: d.pop("indicators"), "(root)"),
    (lambda d: d.update(schema_version="1"), "schema_version"),
    (lambda d: d["document"].update(sha256="xyz"), "document/sha256"),
    (lambda d: d["document"].update(issue_date="2021年7月8日"), "document/issue_date"),
    (lambda d: d["deadlines"].append({"id": "ddl-1", "raw": "5月底前", "date": "2021-05-31", "kind": "soon",
                                      "start": None, "action": None, "task": None, "section": None,
                                      "span": None}), "deadlines/0/kind"),
    (lambda d: d["targets"].append({"id": "tgt-1", "raw": "x", "subject": None, "op": ">=", "value": "27",
                                    "unit": None, "year": 2025, "task": None, "section": None,
                                    "span": {"line": 0, "start": 0, "end": 1, "page": None}}), "targets/0"),
    (lambda d: d["responsibilities"].append({"id": "resp-1", "units": "市生态环境局", "role": None,
                                             "implied_units": [], "standing_rule": None, "task": None,
                                             "section": None, "raw": "x"}), "responsibilities/0"),
])
def test_broken_document_fails(breakage, where):
    doc = copy.deepcopy(_minimal())
    breakage(doc)
    with pytest.raises(ValidationError):
        validate(doc)
    assert any(p.startswith(where) for p in problems(doc)), problems(doc)


def test_broken_indicator_values_fail():
    doc = copy.deepcopy(_minimal())
    ind = dataclasses.asdict(records.Indicator("ind-1", None, "优良天数比例", targets={"2025年": "≥27"}))
    ind["parsed"] = {"standard": {"raw": "≥27", "op": ">="}}
    ind["span"] = {"line": 3, "start": 1}
    doc["indicators"] = [ind]
    found = problems(doc)
    assert any(p.startswith("indicators/0/targets") for p in found)
    assert any(p.startswith("indicators/0/parsed/standard") for p in found)
    assert any(p.startswith("indicators/0/span") for p in found)
