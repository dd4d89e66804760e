"""The command line: a batch with a broken file still writes the others, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import CORPORA, ROOT


def _run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_batch_with_broken_files_goes_on(tmp_path):
    good = tmp_path / "in" / "good.txt"
    good.parent.mkdir()
    good.write_bytes((CORPORA / "004_061c6bf53607da0b.txt").read_bytes())
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "garbage.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "in" / "notes.pdf").write_bytes(b"%PDF-1.4 truncated")
    out = tmp_path / "out"
    r = _run("extract", tmp_path / "in", "-o", out)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 3
    assert all(any(n in e for n in ("empty.txt", "garbage.docx", "notes.pdf")) for e in errors)
    doc = json.loads((out / "good.json").read_text(encoding="utf-8"))
    assert doc["document"]["doc_id"] == "good" and doc["sections"]


def test_doc_ids_made_unique_within_a_batch(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    src = (CORPORA / "004_061c6bf53607da0b.txt").read_bytes()
    (a / "plan.txt").write_bytes(src)
    (b / "plan.txt").write_bytes(src)
    r = _run("extract", a / "plan.txt", b / "plan.txt", "-o", tmp_path / "out", "-q")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("[!.]*.json")) == ["plan-2.json", "plan.json"]


def test_missing_input_is_reported(tmp_path):
    r = _run("extract", tmp_path / "nope.txt", "-o", tmp_path / "out")
    assert r.returncode == 2 and "nope.txt" in r.stderr and "Traceback" not in r.stderr


def test_help_is_fast_to_import():
    r = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "cli.py"), "--help"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "extract" in r.stdout
    heavy = [m for m in ("jieba", "spacy", "pandas", "pdfplumber", "docx", "openpyxl") if f" {m}\n" in r.stderr
             or f"| {m}" in r.stderr]
    assert heavy == []


def test_extract_prints_the_audit_summary_with_cross_document_findings(tmp_path):
    r = _run("extract", CORPORA / "000_71534264ba41b2d2.txt", CORPORA / "004_061c6bf53607da0b.txt",
             "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert "audit: 000_71534264ba41b2d2:" in r.stderr and "date.invalid" in r.stderr  # 2022.16
    assert "audit: across documents:" in r.stderr and "cross.indicator_count" in r.stderr  # 29 vs 30
