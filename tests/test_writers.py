"""Batch writers: CSV per kind, Excel workbook, SQLite database, DataFrames; atomic output."""
from __future__ import annotations

import csv
import json
import os
import sqlite3
from pathlib import Path

import pytest

from extractor.model import Span
from extractor.records import (Deadline, DocumentInfo, ExtractResult, Finding, Indicator, Project,
                               Responsibility, Section, TableInfo, Target, Task, UnitRef, Value,
                               to_jsonable)
from extractor.schema_check import validate
from extractor.writers import tabular
from extractor.writers.tabular import result_frames, write_batch_tables

KINDS = ("sections", "tasks", "indicators", "projects", "targets", "deadlines", "responsibilities",
         "findings", "tables")
FILES = [f"{n}.csv" for n in ("documents",) + KINDS] + ["planx.xlsx", "planx.sqlite"]


def _sp(line: int, start: int = 0) -> Span:
    return Span(line, start, start + 10)


def _doc(doc_id: str, years: tuple[str, ...]) -> ExtractResult:
    """A small but complete result: every kind, Chinese text, lists, nested values."""
    info = DocumentInfo(doc_id, f"corpora/{doc_id}.txt", "txt", "0" * 64, title="历下区生态文明建设示范区规划",
                        issuer="济南市历下区人民政府", issue_date="2021-07-08", region="济南市历下区",
                        plan_period={"start": 2021, "end": 2030}, base_year=2020,
                        phases=[{"name": "近期", "start": "2021", "end": "2025"}],
                        declared_counts={"indicators": 29, "binding": 17})
    secs = [Section("sec-1", 1, "一、", "总体要求", None, ["总体要求"], _sp(6)),
            Section("sec-2", 2, "（一）", "指导思想", "sec-1", ["总体要求", "指导思想"], _sp(8))]
    tasks = [Task("task-1", "指导思想", "扎实推进“四减四增”", "扎实推进“四减四增”。正文", _sp(9))]
    inds = [Indicator(f"ind-{i}", "表3-1  建设指标体系", f"指标{i}", domain="生态制度", seq=str(i), unit="%",
                      standard="≥27", baseline={"year": 2020, "value": "26.8"}, status="可达指标",
                      targets={y: "≥27" for y in years}, attribute="约束性", flags=["*"] if i % 2 else [],
                      parsed={"standard": to_jsonable(Value("≥27", ">=", 27.0)),
                              "baseline": to_jsonable(Value("26.8", None, 26.8)),
                              "targets": {y: to_jsonable(Value("≥27", ">=", 27.0)) for y in years}},
                      section="指标体系", span=_sp(180 + i))
            for i in range(1, 4)]
    projs = [Project("proj-1", "重点工程一览表", "羊头峪西沟二期综合整治工程", seq="1", content="通过实施污水处理",
                     period={"raw": "2021.10至2022.16", "start": "2021-10", "end": "2022-16"},
                     investment={"raw": "4200", "value": 4200, "unit": "万元"},
                     responsible_units=["历下区水务局", "历下区城管局"], indicators=["水环境质量"], span=_sp(885))]
    tgts = [Target("tgt-1", "网格化管理服务覆盖率达到100%", "网格化管理服务覆盖率", ">=", 100, "%", 2025,
                   span=_sp(661))]
    ddls = [Deadline("ddl-1", "5月底前", "2021-05-31", "by", action="通过省级预审", span=_sp(40)),
            Deadline("ddl-2", "2021～2025年", "2025", "range", start="2021", span=_sp(155))]
    resp = [Responsibility("resp-1", ["市生态环境局", "市应急管理局"], "责任", "（责任单位：市生态环境局、市应急管理局）",
                           normalized_units=[UnitRef("市生态环境局", "济宁市生态环境局", "市", True)],
                           task="扎实推进“四减四增”", span=_sp(26))]
    finds = [Finding("find-1", "declared_count", "warning", "=声明29项，表中28项\x0c",
                     refs=[{"id": "ind-1", "span": _sp(180).to_dict()}])]
    tbls = [TableInfo("tbl-1", "表3-1  建设指标体系", "indicators", footnotes=["注：*为特色指标"],
                      unparsed=[{"text": "合计", "span": _sp(220).to_dict()}], span=_sp(178))]
    return ExtractResult(info, secs, tasks, inds, projs, tgts, ddls, resp, finds, tbls)


@pytest.fixture()
def batch() -> list[dict]:
    docs = [_doc("doc-a", ("2025", "2030")).to_dict(), _doc("doc-b", ("2025",)).to_dict()]
    docs[1]["findings"] = []  # a kind with records in one document only
    return docs


def test_fixture_follows_schema(batch):
    for doc in batch:
        validate(doc)


def test_writes_every_file_and_nothing_else(batch, tmp_path):
    paths = write_batch_tables(batch, tmp_path)
    assert sorted(p.name for p in paths) == sorted(FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)  # no temp files left
    mask = os.umask(0)
    os.umask(mask)
    assert {p.stat().st_mode & 0o777 for p in paths} == {0o666 & ~mask}  # not mkstemp's 0600


def test_csv_counts_columns_and_chinese(batch, tmp_path):
    import pandas as pd

    write_batch_tables(batch, tmp_path)
    assert (tmp_path / "indicators.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for kind in KINDS:
        df = pd.read_csv(tmp_path / f"{kind}.csv", encoding="utf-8-sig", dtype=str)
        assert len(df) == sum(len(d[kind]) for d in batch), kind
        assert df.columns[0] == "doc_id"
    ind = pd.read_csv(tmp_path / "indicators.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(ind.columns[:3]) == ["doc_id", "id", "table"]
    assert {"span.line", "baseline.year", "targets.2025", "targets.2030", "parsed.targets.2030.value",
            "parsed.standard.op"} <= set(ind.columns)
    row = ind.iloc[0]
    assert (row["name"], row["targets.2025"], row["baseline.value"]) == ("指标1", "≥27", "26.8")
    assert (row["span.line"], row["parsed.standard.value"], row["flags"]) == ("181", "27.0", "*")
    assert ind.iloc[-1]["targets.2030"] == ""  # doc-b has no 2030 column
    proj = pd.read_csv(tmp_path / "projects.csv", encoding="utf-8-sig", dtype=str).iloc[0]
    assert proj["responsible_units"] == "历下区水务局、历下区城管局"
    assert (proj["investment.value"], proj["period.end"]) == ("4200", "2022-16")
    doc = pd.read_csv(tmp_path / "documents.csv", encoding="utf-8-sig", dtype=str).iloc[0]
    assert json.loads(doc["phases"]) == [{"name": "近期", "start": "2021", "end": "2025"}]
    assert (doc["declared_counts.indicators"], doc["plan_period.end"]) == ("29", "2030")


def test_sqlite_tables_queryable(batch, tmp_path):
    write_batch_tables(batch, tmp_path)
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert names == {"documents", *KINDS}
        for kind in KINDS:
            for doc in batch:
                n = con.execute(f"SELECT count(*) FROM {kind} WHERE doc_id=?", (doc["document"]["doc_id"],))
                assert n.fetchone()[0] == len(doc[kind]), kind
        indexes = {r[0] for r in con.execute("SELECT tbl_name FROM sqlite_master WHERE type='index'")}
        assert set(KINDS) <= indexes
        units = con.execute("SELECT responsible_units, \"investment.value\" FROM projects").fetchone()
        assert json.loads(units[0]) == ["历下区水务局", "历下区城管局"] and units[1] == 4200
        line = con.execute('SELECT "span.line", "span.page" FROM indicators WHERE id=?', ("ind-2",)).fetchone()
        assert line == (182, None)
        unnest = con.execute("SELECT count(*) FROM responsibilities, json_each(responsibilities.units)")
        assert unnest.fetchone()[0] == 4
    finally:
        con.close()


def test_excel_sheets_header_and_text_cells(batch, tmp_path):
    from openpyxl import load_workbook

    write_batch_tables(batch, tmp_path)
    wb = load_workbook(tmp_path / "planx.xlsx")
    assert wb.sheetnames == ["documents", *KINDS]
    for kind in KINDS:
        ws = wb[kind]
        assert ws.max_row == 1 + sum(len(d[kind]) for d in batch), kind
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold and ws["A1"].value == "doc_id"
    msg = wb["findings"].cell(2, 5)
    assert wb["findings"].cell(1, 5).value == "message"
    assert msg.data_type == "s" and msg.value == "=声明29项，表中28项"  # not a formula; \x0c dropped
    assert wb["projects"].column_dimensions["B"].width >= 6


def test_empty_kind_keeps_its_columns(batch, tmp_path):
    import pandas as pd

    for doc in batch:
        doc["targets"] = []
    write_batch_tables(batch, tmp_path)
    df = pd.read_csv(tmp_path / "targets.csv", encoding="utf-8-sig")
    assert len(df) == 0
    assert list(df.columns[:8]) == ["doc_id", "id", "raw", "subject", "op", "value", "unit", "year"]
    assert "span.line" in df.columns


def test_unknown_fields_are_kept_next_to_their_relatives(batch, tmp_path):
    batch[0]["indicators"][0]["parsed"]["standard"]["note"] = "区间"
    batch[0]["responsibilities"][0]["extra_units"] = ["市园林局"]
    cols = list(result_frames(batch)["indicators"].columns)
    assert cols.index("parsed.standard.note") == cols.index("parsed.standard.qualitative") + 1
    write_batch_tables(batch, tmp_path)
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        got = con.execute("SELECT extra_units FROM responsibilities WHERE doc_id='doc-a'").fetchone()[0]
    finally:
        con.close()
    assert json.loads(got) == ["市园林局"]


def test_record_field_missing_from_schema_still_has_a_column(batch, monkeypatch):
    import copy

    from extractor.schema_check import load_schema
    from extractor.writers import columns

    schema = copy.deepcopy(load_schema())
    del schema["$defs"]["Responsibility"]["properties"]["lead_units"]
    monkeypatch.setattr(columns, "load_schema", lambda: schema)
    for doc in batch:
        doc["responsibilities"] = []
    cols = {c.name: c for c in columns.build_tables(batch)["responsibilities"].columns}
    assert cols["lead_units"] == columns.Column("lead_units", "list", "TEXT")


def test_result_frames_and_to_dataframes(batch):
    res = _doc("doc-a", ("2025",))
    frames = res.to_dataframes()
    assert set(frames) == {"document", *KINDS}
    ind = frames["indicators"]
    assert list(ind["doc_id"].unique()) == ["doc-a"] and len(ind) == 3
    assert str(ind["span.line"].dtype) == "Int64" and ind["flags"].iloc[0] == ["*"]
    assert frames["document"].loc[0, "title"] == "历下区生态文明建设示范区规划"
    mixed = result_frames([res, batch[1]])
    assert list(mixed["sections"]["doc_id"]) == ["doc-a", "doc-a", "doc-b", "doc-b"]


def test_duplicate_doc_id_rejected(batch, tmp_path):
    with pytest.raises(ValueError, match="duplicate doc_id"):
        write_batch_tables([batch[0], batch[0]], tmp_path)


def test_crash_midway_leaves_no_partial_file(batch, tmp_path, monkeypatch):
    from extractor.writers.sqlite import SqliteWriter

    write_batch_tables(batch[:1], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = SqliteWriter.write

    def boom(self, kind, rows):
        if rows and rows[0][0] == "doc-b":  # the second document, rows of the first written
            raise OSError("disk full")
        real(self, kind, rows)

    monkeypatch.setattr(SqliteWriter, "write", boom)
    with pytest.raises(OSError, match="disk full"):
        write_batch_tables(batch, tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # old complete outputs untouched, no temp or half-written files


def test_crash_on_fresh_folder_leaves_nothing(batch, tmp_path, monkeypatch):
    real = tabular._Staging.commit

    def write_then_fail(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(tabular._Staging, "commit", write_then_fail)
    with pytest.raises(KeyboardInterrupt):
        write_batch_tables(batch, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    monkeypatch.setattr(tabular._Staging, "commit", real)
    assert len(write_batch_tables(batch, tmp_path / "out")) == len(FILES)


def test_corpora_tables_match_json_counts(tmp_path):
    from extractor import extract

    corpora = sorted((Path(__file__).parent.parent / "corpora").glob("*.txt"))
    results = [extract(p).to_dict() for p in corpora]
    write_batch_tables(results, tmp_path)
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        for res in results:
            doc_id = res["document"]["doc_id"]
            for kind in KINDS:
                n = con.execute(f"SELECT count(*) FROM {kind} WHERE doc_id=?", (doc_id,)).fetchone()[0]
                assert n == len(res[kind]), (doc_id, kind)
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(corpora)
    finally:
        con.close()


class _Generated:
    """A batch made on the fly, one document at a time, re-iterable (like the JSON reader)."""

    def __init__(self, n: int):
        self.n, self.template = n, _doc("doc", ("2025", "2030")).to_dict()
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        for i in range(self.n):
            doc = json.loads(json.dumps(self.template))
            doc["document"]["doc_id"] = f"doc-{i:04d}"
            if i == self.n - 1:
                doc["indicators"][0]["targets"]["2035"] = "≥30"  # a year only the last document has
            yield doc


def test_tables_are_streamed_in_flat_memory(tmp_path, monkeypatch):
    import tracemalloc

    monkeypatch.setattr("extractor.writers.excel._SAMPLE", 5)  # the rows held per sheet, a constant
    write_batch_tables(_Generated(2), tmp_path / "warm")  # imports and caches outside the measure
    peaks = {}
    for n in (20, 200):
        batch = _Generated(n)
        tracemalloc.start()
        write_batch_tables(batch, tmp_path / str(n))
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert batch.passes == 2
    assert peaks[200] < 1.3 * peaks[20], peaks  # 10x the documents, about the same peak
    con = sqlite3.connect(tmp_path / "200" / "planx.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM indicators").fetchone()[0] == 600
        got = con.execute('SELECT doc_id, "targets.2035" FROM indicators WHERE "targets.2035" IS NOT NULL')
        got = got.fetchall()
    finally:
        con.close()
    assert got == [("doc-0199", "≥30")]


def test_excel_sheet_longer_than_the_width_sample(tmp_path):
    from openpyxl import load_workbook

    from extractor.writers.excel import _SAMPLE

    n = _SAMPLE // 3 + 5  # three indicators each: more rows than the widths are sampled from
    write_batch_tables(_Generated(n), tmp_path)
    ws = load_workbook(tmp_path / "planx.xlsx")["indicators"]
    assert ws.max_row == 1 + 3 * n > _SAMPLE
    assert ws.auto_filter.ref.endswith(str(1 + 3 * n)) and ws.freeze_panes == "A2"
    assert [ws.cell(r, 1).value for r in (2, ws.max_row)] == ["doc-0000", f"doc-{n - 1:04d}"]
    header = [c.value for c in ws[1]]
    assert ws.cell(ws.max_row - 2, header.index("targets.2035") + 1).value == "≥30"  # its first indicator


def test_streamed_files_hold_the_in_memory_tables(tmp_path):
    """CSV text and SQLite rows of the seed corpora equal the tables built in memory."""
    import io

    from extractor import extract
    from extractor.writers.columns import build_tables
    from extractor.writers.csv_out import cell_text
    from extractor.writers.sqlite import _sql_value

    results = [extract(p).to_dict() for p in sorted((Path(__file__).parent.parent / "corpora").glob("*.txt"))]
    write_batch_tables(results, tmp_path)
    tables = build_tables(results)
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        for kind, table in tables.items():
            text = io.StringIO(newline="")
            out = csv.writer(text)
            out.writerow([c.name for c in table.columns])
            out.writerows([cell_text(v, c) for v, c in zip(row, table.columns)] for row in table.rows)
            name = tabular.NAMES[kind]
            assert (tmp_path / f"{name}.csv").read_bytes().decode("utf-8-sig") == text.getvalue(), kind
            rows = con.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
            assert rows == [tuple(_sql_value(v) for v in row) for row in table.rows], kind
    finally:
        con.close()
