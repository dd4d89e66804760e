"""One batch over every supported format: a folder holding the same plan as .txt, .docx, .doc,
.wps, .html, .pdf and .ofd is extracted in one run, each file under its own id, every batch
table written, and each rendition gives the text export's records."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest

from conftest import CORPORA, FIXTURES, ROOT
from extractor.readers import soffice

STEM = "004_061c6bf53607da0b"
SOURCES = {
    "txt": CORPORA / f"{STEM}.txt",
    "docx": FIXTURES / "renditions" / f"{STEM}.docx",
    "doc": FIXTURES / "formats" / f"{STEM}.doc",
    "wps": FIXTURES / "formats" / f"{STEM}.wps",
    "html": FIXTURES / "formats" / f"{STEM}.html",
    "pdf": FIXTURES / "renditions" / f"{STEM}.pdf",
    "ofd": FIXTURES / "formats" / f"{STEM}.ofd",
}
KINDS = ("sections", "deadlines", "responsibilities", "tasks")


@pytest.mark.skipif(soffice.find_soffice() is None, reason="LibreOffice is not installed (.doc/.wps)")
def test_a_folder_of_every_format_is_one_batch(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for ext, path in SOURCES.items():
        shutil.copy(path, src / f"plan_{ext}.{ext}")
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), "extract", str(src), "-o", str(out), "-q"],
                       capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    results = {ext: json.loads((out / f"plan_{ext}.json").read_text(encoding="utf-8")) for ext in SOURCES}
    formats = {ext: res["document"]["format"] for ext, res in results.items()}
    assert formats["txt"] == "txt" and formats["pdf"] == "pdf" and formats["html"] == "html"
    with open(out / "documents.csv", encoding="utf-8-sig", newline="") as f:
        assert sorted(row["doc_id"] for row in csv.DictReader(f)) == sorted(f"plan_{e}" for e in SOURCES)
    for table in ("sections.csv", "deadlines.csv", "responsibilities.csv", "planx.xlsx", "planx.sqlite"):
        assert (out / table).stat().st_size > 0, table

    def key(rec: dict, kind: str):
        if kind == "sections":
            return rec["number"], "".join(rec["title"].split())
        if kind == "deadlines":
            return rec["date"], rec.get("kind")
        if kind == "responsibilities":
            return tuple(rec["units"]), rec["role"]
        return "".join(rec["title"].split())

    want = {kind: [key(x, kind) for x in results["txt"][kind]] for kind in KINDS}
    assert want["sections"] and want["deadlines"] and want["responsibilities"]
    for ext, res in results.items():
        for kind in KINDS:
            assert [key(x, kind) for x in res[kind]] == want[kind], (ext, kind)
