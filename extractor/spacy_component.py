"""planx as a spaCy pipeline component (``pip install planx[spacy]``).

Registered through spaCy's ``spacy_factories`` entry point, so with planx installed::

    import spacy
    nlp = spacy.blank("zh")            # no model download: spaCy's character segmenter
    nlp.add_pipe("planx")
    doc = nlp(text)
    [(s.text, s.label_) for s in doc.spans["planx"]]   # 责任单位 UNIT, 到2025年 DEADLINE, …
    doc._.planx                                         # the records, as planx's JSON dict

The component runs planx's pipeline on the ``Doc``'s text (read like a .txt document) — the
components ``patterns/pipeline.toml`` lists, or those of its ``components`` setting
(``nlp.add_pipe("planx", config={"components": ["structure", "metadata", "prose", "deadlines"]})``) — and
puts its spans in ``doc.spans["planx"]``: ``TARGET`` (a quantified target), ``DEADLINE`` (a
time limit), ``DATE`` (the date it names, as its ``kb_id_``), ``RESPONSIBILITY`` (a
responsibility statement), ``UNIT`` (each responsible unit named in it, its canonical name as
``kb_id_``) and ``INDICATOR`` (an indicator's name cell in a table).
"""
from __future__ import annotations

import hashlib
from typing import Any, Iterator, Optional

from spacy.language import Language
from spacy.tokens import Doc

from .model import Document
from .pipeline import Pipeline, extract_document
from .readers.txt import parse_text

SPAN_KEY = "planx"

if not Doc.has_extension("planx"):
    Doc.set_extension("planx", default=None)


class PlanxComponent:
    """Adds planx's records to a Doc as spans (``doc.spans["planx"]``) and a dict (``doc._.planx``)."""

    def __init__(self, nlp: Language, name: str = "planx", span_key: str = SPAN_KEY,
                 components: Optional[list[str]] = None):
        self.name, self.span_key = name, span_key
        self.pipeline = Pipeline.of(list(components)) if components is not None else None

    def __call__(self, doc: Doc) -> Doc:
        result = extract_text(doc.text, pipeline=self.pipeline)
        spans = []
        for start, end, label, kb in _record_spans(result, doc.text):
            span = doc.char_span(start, end, label=label, kb_id=kb or "", alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.span_key] = spans
        doc._.planx = result
        return doc


@Language.factory("planx", default_config={"span_key": SPAN_KEY, "components": None})
def make_planx(nlp: Language, name: str, span_key: str, components: Optional[list[str]]) -> PlanxComponent:
    """The ``planx`` factory (entry point ``spacy_factories``); ``components``: planx's components
    to run, in order (None: those of ``patterns/pipeline.toml``)."""
    return PlanxComponent(nlp, name, span_key, components)


def extract_text(text: str, doc_id: str = "text", pipeline: Optional[Pipeline] = None) -> dict:
    """planx's records for a text, read as a .txt document (offsets are offsets into ``text``),
    through ``pipeline`` (default: the configured one)."""
    clean = text.replace("\r", " ")  # one character for one: offsets stay those of ``text``
    sha = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    doc = Document(doc_id, "(text)", "txt", sha, clean, parse_text(clean))
    return extract_document(doc, pipeline=pipeline).to_dict()


def _record_spans(result: dict, text: str) -> Iterator[tuple[int, int, str, Any]]:
    """(start, end, label, kb_id) of every span planx found."""
    for t in result.get("targets", []):
        yield t["span"]["start"], t["span"]["end"], "TARGET", None
    for d in result.get("deadlines", []):
        yield d["span"]["start"], d["span"]["end"], "DEADLINE", None
        if d.get("date"):
            yield d["span"]["start"], d["span"]["end"], "DATE", d["date"]
    for r in result.get("responsibilities", []):
        s, e = r["span"]["start"], r["span"]["end"]
        yield s, e, "RESPONSIBILITY", None
        canon = {u["name"]: u["canonical"] for u in r.get("normalized_units") or []}
        at = s
        for unit in r.get("units") or []:
            i = text.find(unit, at, e)
            if i >= 0:
                yield i, i + len(unit), "UNIT", canon.get(unit, unit)
                at = i + len(unit)
    for ind in result.get("indicators", []):
        if ind.get("span"):
            yield ind["span"]["start"], ind["span"]["end"], "INDICATOR", ind.get("canonical_id")
