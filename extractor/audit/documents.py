"""The audit of files as one library call (``planx audit`` prints what it returns): plan
documents are read and extracted once each, with the audit's check selection; saved planx JSON
results are read back; the documents are then checked together."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..errors import PlanxError
from ..inputs import RESULT, collect_inputs
from ..pipeline import extract_document
from ..readers import read
from ..records import ExtractResult, Finding, to_json
from . import run, run_cross
from .load import load_result
from .report import evidence_of, grouped


@dataclass
class AuditRun:
    """The findings of each document read (input order), across them, and the inputs that failed."""

    results: list[ExtractResult] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)  # the file each result comes from
    cross: list[Finding] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one line per input that could not be read
    evidence: dict = field(default_factory=dict)  # inputs' paths and hashes, planx and pattern versions

    @property
    def errors(self) -> bool:
        """Some finding has severity error."""
        return any(f.severity == "error" for r in self.results for f in r.findings) or any(
            f.severity == "error" for f in self.cross)

    def to_dict(self) -> dict:
        """The report as JSON data (``planx audit --json``, the ``-o`` reports)."""
        return {"evidence": self.evidence,
                "documents": [{"doc_id": r.doc_id, "title": r.document.title, "path": str(p.resolve()),
                               "format": r.document.format, "findings": to_json(r.findings),
                               "groups": to_json(grouped(r.findings))} for r, p in zip(self.results, self.paths)],
                "cross": to_json(self.cross), "cross_groups": to_json(grouped(self.cross)),
                "failures": self.failures}


def audit_documents(paths: Iterable[str | Path], skip: Iterable[str] = (), only: Iterable[str] = (),
                    on_failure: Optional[Callable[[str], None]] = None) -> AuditRun:
    """Audit plan documents, planx JSON results and folders of them (:func:`~extractor.inputs.collect_inputs`):
    each alone, and together when there are several.  ``skip``/``only`` select checks by id or
    family; ``on_failure(message)`` hears each input that cannot be read, as it happens."""
    skip, only = tuple(skip), tuple(only)
    inputs = collect_inputs(paths, results=True)
    out = AuditRun()
    docs = []
    for message in inputs.missing:
        _failed(out, message, on_failure)
    for path in inputs.files:
        try:
            if path.suffix.lower() == RESULT:  # saved earlier: no document text, declared counts from the JSON
                result, doc = load_result(path), None
                result.findings = run(result, None, skip, only)
            else:
                doc = read(path)
                result = extract_document(doc, skip=skip, only=only)
        except PlanxError as e:
            _failed(out, str(e), on_failure)
            continue
        out.results.append(result)
        out.paths.append(path)
        docs.append(doc)
    out.cross = run_cross(out.results, docs, skip, only) if len(out.results) > 1 else []
    out.evidence = evidence_of(out.results, out.paths)
    return out


def _failed(out: AuditRun, message: str, on_failure: Optional[Callable[[str], None]]) -> None:
    out.failures.append(message)
    if on_failure:
        on_failure(message)
