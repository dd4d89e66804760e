"""Shared test helpers: corpus paths, gold records, cached extraction results."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
GOLD = ROOT.parent / "shared" / "gold"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def gold(doc: str, kind: str) -> list[dict]:
    """The gold records of one document and kind ([] when there is no gold file)."""
    p = GOLD / f"{doc}.{kind}.json"
    if not p.exists():
        return []
    recs = json.loads(p.read_text(encoding="utf-8"))["records"]
    return recs if isinstance(recs, list) else [recs]


def gold_docs(kind: str) -> list[str]:
    return sorted(p.name.split(".")[0] for p in GOLD.glob(f"*.{kind}.json"))


@functools.lru_cache(maxsize=None)
def extracted(doc: str) -> dict:
    """The JSON dict planx extracts from corpora/<doc>.txt (cached per test session)."""
    from extractor import extract

    return extract(CORPORA / f"{doc}.txt").to_dict()


@pytest.fixture(scope="session")
def corpus_docs() -> list[str]:
    return sorted(p.stem for p in CORPORA.glob("*.txt"))


def block_model(doc) -> list:
    """A document's blocks in order: (label, outline level, text with white space collapsed) of a
    paragraph, a table's grid as (text, rowspan, colspan, merge mark) per position."""
    out = []
    for b in doc.blocks:
        if b.kind == "table":
            out.append([[(c.text, c.rowspan, c.colspan, c.merged) for c in row] for row in b.table.rows])
        else:
            out.append((b.label, b.outline_level, " ".join(b.text.split())))
    return out
