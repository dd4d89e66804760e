"""Issue 17 §3: the batch tables are fed while the workers extract — each document as it arrives,
in whatever order — and assembled at the end in doc_id order; the files are the same as writing
the documents one after another in that order.  And the workers never wait on the parent."""
from __future__ import annotations

import random
import sqlite3
import zipfile
from pathlib import Path

from conftest import CORPORA

from extractor import extract
from extractor.batch import run_batch
from extractor.engines.supervisor import Supervisor
from extractor.jobs import Job
from extractor.limits import Limits
from extractor.writers.tabular import BatchTables, table_files, write_batch_tables


def _files(folder: Path) -> dict[str, object]:
    """Every table file's content: CSV bytes, the workbook's parts, the database's SQL dump."""
    out: dict[str, object] = {}
    for name in table_files():
        path = folder / name
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(path) as z:
                out[name] = {n: z.read(n) for n in z.namelist()}
        elif name.endswith(".sqlite"):
            con = sqlite3.connect(path)
            out[name] = list(con.iterdump())
            con.close()
        else:
            out[name] = path.read_bytes()
    return out


def _results() -> list[dict]:
    docs = [extract(p).to_dict() for p in sorted(CORPORA.glob("*.txt"))]
    copies = []
    for n in range(3):  # 15 documents with the seeds' odd values
        for d in docs:
            c = dict(d, document=dict(d["document"], doc_id=f"{d['document']['doc_id']}-{n}"))
            copies.append(c)
    copies[4]["sections"] = copies[4]["sections"] + copies[4]["sections"][:1]  # a duplicate key: noted, left out
    copies[7]["sections"][0] = dict(copies[7]["sections"][0], title="=HYPERLINK(\"x\")\ud800")
    return copies


def test_any_arrival_order_gives_the_files_of_writing_in_order(tmp_path):
    docs = _results()
    in_order = write_batch_tables(docs, tmp_path / "in_order")
    keys = [f"k{n:03d}" for n in range(len(docs))]
    arrivals = list(zip(keys, docs))
    random.Random(7).shuffle(arrivals)
    tables = BatchTables(tmp_path / "streamed")
    try:
        for key, doc in arrivals:
            tables.add(key, doc)
        tables.add("left-out", docs[0])  # fed, but not in the final order (e.g. its source is gone)
        streamed = tables.finish(keys)
    finally:
        tables.discard()
    assert streamed.failures == in_order.failures == []
    notes = [n.replace(str(tmp_path / "streamed"), "OUT") for n in streamed.notes]
    assert notes == [n.replace(str(tmp_path / "in_order"), "OUT") for n in in_order.notes]
    assert any("duplicate key" in n for n in notes)
    assert streamed.documents == len(docs)
    assert _files(tmp_path / "streamed") == _files(tmp_path / "in_order")
    assert sorted(p.name for p in (tmp_path / "streamed").iterdir()) == sorted(table_files())  # no spool left
    con = sqlite3.connect(tmp_path / "streamed" / "planx.sqlite")
    try:
        assert con.execute("SELECT doc_id FROM documents ORDER BY rowid").fetchall() == [(d["document"]["doc_id"],) for d in docs]
        assert con.execute("SELECT value FROM planx_meta WHERE key='documents'").fetchone() == (str(len(docs)),)
    finally:
        con.close()


def test_a_batch_feeds_its_tables_while_extracting_and_they_describe_the_folder(tmp_path):
    """A second run extracts one new document: the tables hold all three, in doc_id order, the
    same as writing them from the three JSON files."""
    import shutil

    src = tmp_path / "in"
    src.mkdir()
    seeds = sorted(CORPORA.glob("*.txt"))
    for p in (seeds[4], seeds[3]):
        shutil.copy(p, src / p.name)
    out = tmp_path / "out"
    first = run_batch([src], out, jobs=2)
    assert first.documents == 2 and first.tables_fed_elapsed > 0
    shutil.copy(seeds[2], src / seeds[2].name)
    second = run_batch([src], out, jobs=2)
    assert (second.documents, second.unchanged, second.table_documents) == (1, 2, 3)
    from extractor.jsonio import loads

    reference = tmp_path / "reference"
    write_batch_tables([loads((out / f"{p.stem}.json").read_bytes()) for p in sorted(seeds[2:5])], reference)
    assert _files(out) == _files(reference)
    assert not [p for p in out.iterdir() if p.name.startswith(".planx-") and p.name.endswith(".tmp")]


def test_a_worker_gets_its_next_document_before_the_caller_sees_the_outcome():
    """The supervisor hands the finished worker its next job first: while the caller handles an
    outcome (writes its JSON, feeds the tables), no worker sits idle."""
    jobs = [Job(CORPORA / "004_061c6bf53607da0b.txt", f"d{n}", n) for n in range(3)]
    with Supervisor(1, Limits(30, 0)) as supervisor:
        outcomes = supervisor.run(jobs)
        first = next(outcomes)
        busy = outcomes.gi_frame.f_locals["busy"]
        assert first.error is None and [w.job.doc_id for w in busy] == ["d1"]  # already running
        rest = list(outcomes)
    assert [o.doc_id for o in rest] == ["d1", "d2"] and all(o.error is None for o in rest)


FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_the_tables_a_worker_makes_from_records_are_those_made_from_the_json(tmp_path):
    """A worker makes its document's share of the tables from the records it holds (no JSON read
    back): every file equals the one made from the document's JSON — seeds, a PDF with cell boxes,
    a .docx, HTML (grids, spans, parsed values, every record kind)."""
    from extractor.jsonio import dumps, loads
    from extractor.writers.tabular import document_tables

    sources = sorted(CORPORA.glob("*.txt")) + [FIXTURES / "renditions" / "002_6d72280123f25383.pdf",
                                               FIXTURES / "renditions" / "000_71534264ba41b2d2.docx",
                                               FIXTURES / "formats" / "003_382c057b0d0a3343.html"]
    from_records, from_json = BatchTables(tmp_path / "records"), BatchTables(tmp_path / "json")
    try:
        keys = []
        for n, path in enumerate(sources):
            result = extract(path, f"d{n}")
            keys.append(f"d{n}")
            from_records.add(keys[-1], document_tables(result))
            from_json.add(keys[-1], loads(dumps(result.to_dict())))
        assert from_records.finish(keys).written and from_json.finish(keys).written
    finally:
        from_records.discard()
        from_json.discard()
    assert _files(tmp_path / "records") == _files(tmp_path / "json")


def test_a_value_the_database_changes_is_noted_when_a_worker_made_the_rows(tmp_path):
    """The notes of a document's database part (an integer beyond 64 bits) reach the batch's report."""
    from extractor.records import ExtractResult
    from extractor.writers.tabular import document_tables

    doc = _results()[0]
    doc["document"] = dict(doc["document"], declared_counts={"indicators": 2**70})
    tables = BatchTables(tmp_path)
    try:
        tables.add("k", document_tables(ExtractResult.from_json(doc)))
        report = tables.finish(["k"])
    finally:
        tables.discard()
    assert any("declared_counts.value too large for a 64-bit integer" in n for n in report.notes), report.notes
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    assert con.execute("SELECT value FROM declared_counts").fetchone()[0] == float(2**70)
    con.close()


def test_tables_made_by_the_workers_or_by_the_batch_give_the_same_files(tmp_path, monkeypatch):
    """With a core to spare the batch makes the table rows from the JSON; without one its workers
    make them from their records: the same files either way."""
    import shutil

    import extractor.batch as batch

    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(CORPORA.glob("*.txt"))[:3] + [FIXTURES / "renditions" / "001_cc391c16966c3b2d.docx"]:
        shutil.copy(p, src / p.name)
    from extractor.records import ExtractResult
    from extractor.writers.tabular import DocumentTables

    fed, add = [], batch._TableFeed.add
    monkeypatch.setattr(batch._TableFeed, "add", lambda self, doc_id, res: fed.append(type(res)) or add(self, doc_id, res))
    made = []
    for cores in (64, 1):
        monkeypatch.setattr(batch, "cores", lambda cores=cores: cores)
        out = tmp_path / f"out{cores}"
        summary = run_batch([src], out, jobs=2)
        assert (summary.documents, summary.failures) == (4, [])
        made.append(_files(out))
    assert fed == [ExtractResult] * 4 + [DocumentTables] * 4  # the batch's records of the JSON, or the workers' share
    assert made[0] == made[1]
