"""Issue 16 step 5: each command is one library call. ``planx audit`` reads and extracts each
document once (with its check selection); ``planx extract`` takes the cross-document findings
from the batch result; folders are expanded by ``inputs.collect_inputs`` alone."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import CORPORA

import extractor.audit as audit_package
import extractor.audit.documents as audit_documents_module
import extractor.batch as batch
from extractor.audit.documents import audit_documents
from extractor.inputs import collect_inputs
from extractor.limits import Limits
from extractor.records import ExtractResult

PLAN, SCHEME = CORPORA / "000_71534264ba41b2d2.txt", CORPORA / "004_061c6bf53607da0b.txt"


def _counting(monkeypatch, module, name: str) -> list:
    calls: list = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_audit_reads_extracts_and_checks_each_document_once(monkeypatch):
    reads = _counting(monkeypatch, audit_documents_module, "read")
    extractions = _counting(monkeypatch, audit_documents_module, "extract_document")
    checks = _counting(monkeypatch, audit_package, "run")  # the pipeline's audit stage
    report = audit_documents([PLAN, SCHEME, PLAN])  # a file given twice is audited once
    assert [p.name for p in reads] == [PLAN.name, SCHEME.name]
    assert len(extractions) == 2 and len(checks) == 2
    assert [r.doc_id for r in report.results] == [PLAN.stem, SCHEME.stem]
    assert "date.invalid" in {f.check for f in report.results[0].findings}  # 2022.16
    assert "cross.indicator_count" in {f.check for f in report.cross} and report.errors


def test_the_check_selection_reaches_the_one_extraction():
    everything = audit_documents([PLAN]).results[0].findings
    assert {f.check.split(".")[0] for f in everything} >= {"date"}
    without = audit_documents([PLAN], skip=["date"]).results[0].findings
    assert without and not any(f.check.startswith("date.") for f in without)
    assert [f.id for f in without] == [f"find-{i}" for i in range(1, len(without) + 1)]
    only = audit_documents([PLAN], only=["date.invalid"]).results[0].findings
    assert only and {f.check for f in only} == {"date.invalid"}


def test_audit_of_a_folder_uses_the_batch_input_rules(tmp_path):
    """Documents and planx JSON results; a JSON beside its own source left out; hidden files,
    tables and unsupported files not inputs; subfolders walked as planx extract walks them."""
    (tmp_path / "sub").mkdir()
    shutil.copy(SCHEME, tmp_path / "sub" / SCHEME.name)
    (tmp_path / "sub" / f"{SCHEME.stem}.json").write_text("{not json", encoding="utf-8")  # its extraction
    (tmp_path / ".hidden.json").write_text("{}", encoding="utf-8")
    (tmp_path / "documents.csv").write_text("doc_id\n", encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    inputs = collect_inputs([tmp_path], results=True)
    assert [p.relative_to(tmp_path).as_posix() for p in inputs.files] == ["broken.json", f"sub/{SCHEME.name}"]
    heard: list[str] = []
    report = audit_documents([tmp_path, tmp_path / "missing.txt"], on_failure=heard.append)
    assert [r.doc_id for r in report.results] == [SCHEME.stem]
    assert report.failures == heard and len(heard) == 2
    assert "missing.txt: no such file or folder" in heard[0] and "broken.json" in heard[1]
    data = report.to_dict()
    assert json.loads(json.dumps(data))["documents"][0]["path"] == str((tmp_path / "sub" / SCHEME.name).resolve())


def test_extract_takes_the_cross_document_findings_from_the_batch(tmp_path, monkeypatch):
    """No JSON is read back for the audit summary: the batch result carries the run's documents
    (with their findings) and the findings across them."""
    reads = _counting(monkeypatch, batch, "_read_json")
    s = batch.run_batch([SCHEME, PLAN], tmp_path / "out", jobs=1, limits=Limits(0, 0))
    assert [r.doc_id for r in s.audited] == [SCHEME.stem, PLAN.stem]  # input order
    assert all(isinstance(r, ExtractResult) for r in s.audited)
    assert "date.invalid" in {f.check for f in s.audited[1].findings}
    assert "cross.indicator_count" in {f.check for f in s.cross}
    assert len(reads) <= 2  # at most the tables' read of each JSON, none for the audit
    again = batch.run_batch([SCHEME, PLAN], tmp_path / "out", jobs=1, limits=Limits(0, 0))
    assert again.unchanged == 2 and again.audited == [] and again.cross == []  # nothing extracted


def test_a_run_of_many_documents_is_not_audited_across_documents(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "AUDITED_TOGETHER_MAX", 1)  # (20: cross checks compare every pair)
    s = batch.run_batch([SCHEME, PLAN], tmp_path / "out", jobs=1, limits=Limits(0, 0))
    assert s.documents == 2 and s.audited == [] and s.cross == []
