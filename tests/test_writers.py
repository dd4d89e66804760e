"""Batch writers: CSV per kind, Excel workbook, SQLite database, DataFrames; atomic output."""
from __future__ import annotations

import csv
import json
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor import to_dataframes
from extractor.model import Span
from extractor.records import (
    Baseline,
    Deadline,
    DocumentInfo,
    ExtractResult,
    Finding,
    GridCell,
    Indicator,
    Money,
    ParsedValues,
    Period,
    Phase,
    PlanPeriod,
    Project,
    Ref,
    Responsibility,
    Section,
    TableInfo,
    Target,
    Task,
    UnitRef,
    Unparsed,
    Value,
)
from extractor.schema_check import validate
from extractor.writers.tabular import result_frames, write_batch_tables

KINDS = ("sections", "tasks", "indicators", "projects", "targets", "deadlines", "responsibilities",
         "findings", "tables")
LONG = ("indicator_targets", "declared_counts", "table_cells")
TABLES = ("documents", *KINDS, *LONG)
FILES = [f"{n}.csv" for n in TABLES] + ["planx.xlsx", "planx.sqlite"]


def _sp(line: int, start: int = 0) -> Span:
    return Span(line, start, start + 10)


def _doc(doc_id: str, years: tuple[str, ...]) -> ExtractResult:
    """A small but complete result: every kind, Chinese text, lists, nested values."""
    info = DocumentInfo(doc_id, f"corpora/{doc_id}.txt", "txt", "0" * 64, title="历下区生态文明建设示范区规划",
                        issuer="济南市历下区人民政府", issue_date="2021-07-08", region="济南市历下区",
                        plan_period=PlanPeriod(2021, 2030), base_year=2020,
                        phases=[Phase("近期", "2021", "2025")],
                        declared_counts={"indicators": 29, "binding": 17})
    secs = [Section("sec-1", 1, "一、", "总体要求", None, ["总体要求"], _sp(6)),
            Section("sec-2", 2, "（一）", "指导思想", "sec-1", ["总体要求", "指导思想"], _sp(8))]
    tasks = [Task("task-1", "指导思想", "扎实推进“四减四增”", "扎实推进“四减四增”。正文", _sp(9))]
    inds = [Indicator(f"ind-{i}", "表3-1  建设指标体系", f"指标{i}", domain="生态制度", seq=str(i), unit="%",
                      standard="≥27", baseline=Baseline(2020, "26.8"), status="可达指标",
                      targets={y: "≥27" for y in years}, attribute="约束性", flags=["*"] if i % 2 else [],
                      parsed=ParsedValues(Value("≥27", ">=", 27.0), Value("26.8", None, 26.8),
                                          {y: Value("≥27", ">=", 27.0) for y in years}),
                      section="指标体系", span=_sp(180 + i))
            for i in range(1, 4)]
    projs = [Project("proj-1", "重点工程一览表", "羊头峪西沟二期综合整治工程", seq="1", content="通过实施污水处理",
                     period=Period("2021.10至2022.16", "2021-10", "2022-16"), investment=Money("4200", 4200, "万元"),
                     responsible_units=["历下区水务局", "历下区城管局"], indicators=["水环境质量"], span=_sp(885))]
    tgts = [Target("tgt-1", "网格化管理服务覆盖率达到100%", "网格化管理服务覆盖率", ">=", 100, "%", 2025,
                   span=_sp(661), section_id="sec-2", section="指导思想"),
            Target("tgt-2", "-下降5%", "+排放量", "=", -5, "-", 2025, span=_sp(662))]
    ddls = [Deadline("ddl-1", "5月底前", "2021-05-31", "by", action="通过省级预审", span=_sp(40)),
            Deadline("ddl-2", "2021～2025年", "2025", "range", start="2021", span=_sp(155))]
    resp = [Responsibility("resp-1", ["各县（市、区）政府", "市林业局"], "责任", "（责任单位：各县（市、区）政府、市林业局）",
                           normalized_units=[UnitRef("市生态环境局", "济宁市生态环境局", "市", True)],
                           task="扎实推进“四减四增”", span=_sp(26))]
    finds = [Finding("find-1", "declared_count", "warning", "=声明29项，表中28项\x0c",
                     refs=[Ref(id="ind-1", span=_sp(180))])]
    cell = GridCell("指标", 1, 1, False, _sp(179))
    tbls = [TableInfo("tbl-1", "表3-1  建设指标体系", "indicators", footnotes=["注：*为特色指标"],
                      unparsed=[Unparsed("合计", "a total row", _sp(220))], span=_sp(178),
                      header=[[cell, replace(cell, text="2025年")]],
                      rows=[[replace(cell, text="指标1"), replace(cell, text="=1+1", inherited=True)]])]
    for rec in inds:
        rec.table_id = "tbl-1"
    return ExtractResult(info, secs, tasks, inds, projs, tgts, ddls, resp, finds, tbls)


@pytest.fixture()
def batch() -> list[dict]:
    docs = [_doc("doc-a", ("2025", "2030")).to_dict(), _doc("doc-b", ("2025",)).to_dict()]
    docs[1]["findings"] = []  # a kind with records in one document only
    return docs


def test_fixture_follows_schema(batch):
    for doc in batch:
        validate(doc)


def _report(batch, out):
    report = write_batch_tables(batch, out)
    assert report.failures == [] and report.documents == len(batch)
    return report


def test_writes_every_file_and_nothing_else(batch, tmp_path):
    report = _report(batch, tmp_path)
    assert sorted(p.name for p in report.written) == sorted(FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)  # no temp files left
    mask = os.umask(0)
    os.umask(mask)
    assert {p.stat().st_mode & 0o777 for p in report.written} == {0o666 & ~mask}  # not mkstemp's 0600


def test_columns_are_fixed_snake_case_and_never_sql_keywords():
    from extractor.writers.columns import SQL_KEYWORDS, table_layout

    layout = table_layout()
    assert tuple(layout) == TABLES
    for name, table in layout.items():
        names = [c.name for c in table.columns]
        assert len(names) == len(set(names)), name
        for col in names:
            assert col.isascii() and col == col.lower() and "." not in col and " " not in col, (name, col)
            assert col not in SQL_KEYWORDS, (name, col)
    assert {"table_caption", "group_name", "baseline_year", "parsed_standard_value", "span_line"} <= \
        {c.name for c in layout["indicators"].columns}
    assert not any(c.name.startswith(("targets", "parsed_targets")) for c in layout["indicators"].columns)


def test_csv_counts_columns_lists_and_long_tables(batch, tmp_path):
    import pandas as pd

    _report(batch, tmp_path)
    assert (tmp_path / "indicators.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    for kind in KINDS:
        df = pd.read_csv(tmp_path / f"{kind}.csv", encoding="utf-8-sig", dtype=str)
        assert len(df) == sum(len(d[kind]) for d in batch), kind
        assert list(df.columns[:2]) == ["doc_id", "id"]
    ind = pd.read_csv(tmp_path / "indicators.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    row = ind.iloc[0]
    assert (row["name"], row["baseline_value"], row["table_id"]) == ("指标1", "26.8", "tbl-1")
    assert (row["span_line"], row["parsed_standard_value"], json.loads(row["flags"])) == ("181", "27.0", ["*"])
    tgt = pd.read_csv(tmp_path / "indicator_targets.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(tgt) == 3 * 2 + 3 * 1  # doc-a: 2025 and 2030; doc-b: 2025
    first = tgt.iloc[0]
    assert (first["doc_id"], first["indicator_id"], first["year"], first["raw"], first["op"], first["value"]) == \
        ("doc-a", "ind-1", "2025", "≥27", ">=", "27.0")
    resp = pd.read_csv(tmp_path / "responsibilities.csv", encoding="utf-8-sig", dtype=str).iloc[0]
    assert json.loads(resp["units"]) == ["各县（市、区）政府", "市林业局"]  # split back exactly
    secs = pd.read_csv(tmp_path / "sections.csv", encoding="utf-8-sig", dtype=str)
    assert json.loads(secs.iloc[1]["path"]) == ["总体要求", "指导思想"]
    proj = pd.read_csv(tmp_path / "projects.csv", encoding="utf-8-sig", dtype=str).iloc[0]
    assert (proj["investment_value"], proj["period_end"]) == ("4200", "2022-16")
    doc = pd.read_csv(tmp_path / "documents.csv", encoding="utf-8-sig", dtype=str).iloc[0]
    assert json.loads(doc["phases"]) == [{"name": "近期", "start": "2021", "end": "2025"}]
    assert doc["plan_period_end"] == "2030"
    counts = pd.read_csv(tmp_path / "declared_counts.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert counts.iloc[0].tolist() == ["doc-a", "indicators", "indicators", "", "29"]
    cells = pd.read_csv(tmp_path / "table_cells.csv", encoding="utf-8-sig", dtype=str)
    assert len(cells) == 2 * 4
    assert cells.iloc[3][["part", "row_index", "col_index", "text", "inherited"]].tolist() == \
        ["body", "0", "1", "'=1+1", "true"]


def test_csv_and_excel_neutralise_formulas_but_keep_data(batch, tmp_path):
    from openpyxl import load_workbook

    _report(batch, tmp_path)
    rows = list(csv.reader((tmp_path / "targets.csv").open(encoding="utf-8-sig")))
    head, second = rows[0], rows[2]
    got = dict(zip(head, second))
    assert got["raw"] == "'-下降5%" and got["subject"] == "'+排放量"  # would be formulas
    assert (got["op"], got["value"], got["unit"]) == ("=", "-5", "-")  # data: operator, number, placeholder
    finding = list(csv.reader((tmp_path / "findings.csv").open(encoding="utf-8-sig")))[1]
    assert "'=声明29项，表中28项" in finding  # \x0c dropped, formula neutralised
    ws = load_workbook(tmp_path / "planx.xlsx")["targets"]
    cells = {ws.cell(1, c).value: ws.cell(3, c) for c in range(1, ws.max_column + 1)}
    assert cells["raw"].value == "'-下降5%" and cells["raw"].data_type == "s"
    assert cells["op"].value == "=" and cells["op"].data_type == "s"
    assert cells["value"].value == -5 and cells["value"].data_type == "n"


def test_sqlite_keys_foreign_keys_and_queries(batch, tmp_path):
    _report(batch, tmp_path)
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert names == {*TABLES, "planx_meta", "catalogue"}  # + the indicator catalogue
        for kind in KINDS:
            for doc in batch:
                n = con.execute(f"SELECT count(*) FROM {kind} WHERE doc_id=?", (doc["document"]["doc_id"],))
                assert n.fetchone()[0] == len(doc[kind]), kind
            pk = [r[1] for r in sorted(con.execute(f"PRAGMA table_info({kind})"), key=lambda r: r[5]) if r[5]]
            assert pk == ["doc_id", "id"], kind
        fks = {(r[2], r[3], r[4]) for r in con.execute("PRAGMA foreign_key_list(indicators)")}
        assert {("documents", "doc_id", "doc_id"), ("sections", "section_id", "id"), ("tables", "table_id", "id")} <= fks
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        units = con.execute("SELECT responsible_units, investment_value FROM projects").fetchone()
        assert json.loads(units[0]) == ["历下区水务局", "历下区城管局"] and units[1] == 4200
        assert con.execute("SELECT span_line, span_page FROM indicators WHERE id='ind-2'").fetchone() == (182, None)
        unnest = con.execute("SELECT count(*) FROM responsibilities, json_each(responsibilities.units)")
        assert unnest.fetchone()[0] == 4
        got = con.execute("""SELECT d.doc_id, i.name, t.value FROM indicator_targets t
                             JOIN indicators i ON i.doc_id = t.doc_id AND i.id = t.indicator_id
                             JOIN documents d ON d.doc_id = t.doc_id WHERE t.year = 2030""").fetchall()
        assert got == [("doc-a", f"指标{i}", 27.0) for i in (1, 2, 3)]
        meta = dict(con.execute("SELECT key, value FROM planx_meta"))
        assert meta["documents"] == "2" and meta["schema_version"] == "2"
    finally:
        con.close()


def test_excel_sheets_header_and_typed_cells(batch, tmp_path):
    from openpyxl import load_workbook

    _report(batch, tmp_path)
    wb = load_workbook(tmp_path / "planx.xlsx")
    assert wb.sheetnames == [n for n in TABLES if n != "table_cells"]
    for kind in KINDS:
        ws = wb[kind]
        assert ws.max_row == 1 + sum(len(d[kind]) for d in batch), kind
        assert ws.freeze_panes == "A2" and ws["A1"].font.b and ws["A1"].value == "doc_id"
    assert wb["projects"].column_dimensions["B"].width >= 6
    assert wb["indicators"].auto_filter.ref == f"A1:{wb['indicators'].cell(1, wb['indicators'].max_column).column_letter}7"


def test_empty_kind_keeps_its_columns(batch, tmp_path):
    import pandas as pd

    for doc in batch:
        doc["targets"] = []
    _report(batch, tmp_path)
    df = pd.read_csv(tmp_path / "targets.csv", encoding="utf-8-sig")
    assert len(df) == 0
    assert list(df.columns[:8]) == ["doc_id", "id", "raw", "subject", "op", "value", "unit", "year"]
    assert "span_line" in df.columns


def test_columns_do_not_depend_on_the_batch(batch, tmp_path):
    """A field the schema does not know, or a year only one document has, adds no column."""
    batch[0]["indicators"][0]["parsed"]["standard"]["note"] = "区间"
    batch[0]["indicators"][0]["targets"]["2035"] = "≥30"
    batch[0]["responsibilities"][0]["extra_units"] = ["市园林局"]
    one = {k: list(v.columns) for k, v in result_frames(batch[:1]).items()}
    two = {k: list(v.columns) for k, v in result_frames(batch[1:]).items()}
    assert one == two
    frames = result_frames(batch)
    assert 2035 in set(frames["indicator_targets"]["year"])


def test_every_record_field_has_a_column_or_a_long_table():
    import dataclasses

    from extractor import records
    from extractor.writers import columns

    layout = columns.table_layout()
    for part, (defname, cls, table) in columns.KINDS.items():
        assert part == "document" or (table == records.KINDS[part].table and cls is records.RECORD_CLASSES[part])
        heads = {c.path[0] for c in layout[table].columns if c.path}
        long = {p.split(".")[0] for p in columns._LONG_FIELDS.get(defname, ())}
        for f in dataclasses.fields(cls):
            assert f.name in heads or f.name in long, (table, f.name)
    cols = {c.name: c for c in layout["responsibilities"].columns}
    assert cols["lead_units"] == columns.Column("lead_units", ("lead_units",), "list", "TEXT")
    assert cols["normalized_units"].kind == "json" and "normalized_value_max" in {c.name for c in layout["targets"].columns}


def test_result_frames_and_to_dataframes(batch):
    res = _doc("doc-a", ("2025",))
    frames = to_dataframes(res)
    assert set(frames) == set(TABLES)
    ind = frames["indicators"]
    assert list(ind["doc_id"].unique()) == ["doc-a"] and len(ind) == 3
    assert str(ind["span_line"].dtype) == "Int64" and ind["flags"].iloc[0] == ["*"]
    assert frames["documents"].loc[0, "title"] == "历下区生态文明建设示范区规划"
    mixed = result_frames([res, batch[1]])
    assert list(mixed["sections"]["doc_id"]) == ["doc-a", "doc-a", "doc-b", "doc-b"]


def test_a_huge_integer_and_a_lone_surrogate_cost_no_table(batch, tmp_path):
    """One value that no column type holds is stored as text, with a note; every file is written."""
    batch[0]["targets"][0]["value"] = 10**20
    batch[1]["sections"][0]["title"] = "总体\ud800要求\ufffe"
    report = write_batch_tables(batch, tmp_path)
    assert report.failures == []
    assert any("too large for a 64-bit integer" in n and "targets.value" in n for n in report.notes)
    assert any("beyond Excel's exact integers" in n for n in report.notes)
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        assert con.execute("SELECT value FROM targets WHERE doc_id='doc-a' AND id='tgt-1'").fetchone() == (1e20,)
        assert con.execute("SELECT title FROM sections WHERE doc_id='doc-b' AND id='sec-1'").fetchone() == ("总体要求",)
        assert con.execute("SELECT count(*) FROM targets").fetchone() == (4,)
    finally:
        con.close()
    assert "100000000000000000000" in (tmp_path / "targets.csv").read_text(encoding="utf-8-sig")


def test_one_failing_writer_is_reported_and_the_others_are_written(batch, tmp_path, monkeypatch):
    from extractor.writers.excel import ExcelWriter

    _report(batch[:1], tmp_path)  # a previous set
    monkeypatch.setattr(ExcelWriter, "write", lambda *a: (_ for _ in ()).throw(ValueError("bad cell")))
    report = write_batch_tables(batch, tmp_path)
    assert len(report.failures) == 1 and "planx.xlsx" in report.failures[0] and "bad cell" in report.failures[0]
    assert not (tmp_path / "planx.xlsx").exists()  # no workbook of the previous batch beside the new tables
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (2,)
    finally:
        con.close()
    assert len((tmp_path / "documents.csv").read_text(encoding="utf-8-sig").splitlines()) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".planx-")]


def test_a_locked_file_keeps_the_previous_set_and_is_named(batch, tmp_path, monkeypatch):
    from extractor.writers import publish

    _report(batch[:1], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = publish._move

    def locked(src, dst):
        if Path(src).name == "planx.xlsx":  # Excel holds the workbook open (Windows)
            raise PermissionError(13, "Permission denied")
        return real(src, dst)

    monkeypatch.setattr(publish, "_move", locked)
    report = write_batch_tables(batch, tmp_path)
    assert len(report.failures) == 1 and "planx.xlsx" in report.failures[0]
    assert "previous batch tables are kept" in report.failures[0]
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # the whole previous set, nothing of the new one, no temporary file


@pytest.mark.parametrize("moves_done", [0, 5, len(FILES), len(FILES) + 3, 2 * len(FILES) - 1])
def test_a_switch_killed_halfway_is_rolled_back(batch, tmp_path, monkeypatch, moves_done):
    from extractor.files import remove_stale_temps
    from extractor.writers import publish

    _report(batch[:1], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real, moved = publish._move, []

    def killed(src, dst):
        if len(moved) == moves_done:
            raise KeyboardInterrupt
        moved.append(dst)
        return real(src, dst)

    monkeypatch.setattr(publish, "_move", killed)
    monkeypatch.setattr(publish, "_abort", lambda *a: None)  # killed: no clean-up in this run
    with pytest.raises(KeyboardInterrupt):
        write_batch_tables(batch, tmp_path)
    monkeypatch.undo()
    assert (tmp_path / publish.JOURNAL).exists()
    assert publish.recover(tmp_path)
    remove_stale_temps(tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # the previous set, whole


def test_a_switch_killed_after_the_last_move_is_finished(batch, tmp_path, monkeypatch):
    from extractor.files import remove_stale_temps
    from extractor.writers import publish

    _report(batch[:1], tmp_path)
    fresh = tmp_path.parent / "fresh"
    _report(batch, fresh)
    monkeypatch.setattr(publish.Path, "unlink", lambda self, missing_ok=False: None)  # killed before clean-up
    write_batch_tables(batch, tmp_path)
    monkeypatch.undo()
    assert publish.recover(tmp_path)
    remove_stale_temps(tmp_path)  # the run's own temporaries, as the next run's start does
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(FILES)
    assert (tmp_path / "documents.csv").read_bytes() == (fresh / "documents.csv").read_bytes()


def test_crash_midway_leaves_no_partial_file(batch, tmp_path, monkeypatch):
    _report(batch[:1], tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("extractor.writers.tabular.document_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_batch_tables(batch, tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before  # old complete outputs untouched, no temp or half-written files


def test_corpora_tables_match_json_counts(tmp_path):
    from extractor import extract

    corpora = sorted((Path(__file__).parent.parent / "corpora").glob("*.txt"))
    results = [extract(p).to_dict() for p in corpora]
    _report(results, tmp_path)
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        for res in results:
            doc_id = res["document"]["doc_id"]
            for kind in KINDS:
                n = con.execute(f"SELECT count(*) FROM {kind} WHERE doc_id=?", (doc_id,)).fetchone()[0]
                assert n == len(res[kind]), (doc_id, kind)
            cells = sum(len(r) for t in res["tables"] for r in t["header"] + t["rows"])
            assert con.execute("SELECT count(*) FROM table_cells WHERE doc_id=?", (doc_id,)).fetchone()[0] == cells
            years = sum(len(i["targets"]) for i in res["indicators"])
            assert con.execute("SELECT count(*) FROM indicator_targets WHERE doc_id=?", (doc_id,)).fetchone()[0] == years
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(corpora)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


class _Generated:
    """A batch made on the fly, one document at a time (like the JSON reader)."""

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

    # the workbook's zip thread is handed sheet XML in pieces of a fixed size (256 KiB), the same
    # for any batch: a small piece here, so that it does not hide a growth with the documents
    monkeypatch.setattr("extractor.writers.excel._HANDOVER", 1 << 12)
    write_batch_tables(_Generated(2), tmp_path / "warm")  # imports and caches outside the measure
    peaks = {}
    for n in (20, 200):
        batch = _Generated(n)
        tracemalloc.start()
        write_batch_tables(batch, tmp_path / str(n))
        peaks[n] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert batch.passes == 1
    assert peaks[200] < 1.3 * peaks[20], peaks  # 10x the documents, about the same peak
    con = sqlite3.connect(tmp_path / "200" / "planx.sqlite")
    try:
        assert con.execute("SELECT count(*) FROM indicators").fetchone()[0] == 600
        got = con.execute("SELECT doc_id, raw FROM indicator_targets WHERE year = 2035").fetchall()
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


def test_excel_table_longer_than_a_sheet_continues_on_the_next(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setattr("extractor.writers.excel._MAX_ROWS", 5)
    write_batch_tables(_Generated(3), tmp_path)  # nine indicators: header + 4 rows per sheet
    wb = load_workbook(tmp_path / "planx.xlsx")
    parts = [wb[n] for n in ("indicators", "indicators_2", "indicators_3")]
    assert [ws.max_row for ws in parts] == [5, 5, 2]
    assert all(ws["A1"].value == "doc_id" for ws in parts)
    ids = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for ws in parts for r in range(2, ws.max_row + 1)]
    assert ids == [(f"doc-{d:04d}", i) for d in range(3) for i in ("ind-1", "ind-2", "ind-3")]  # split between rows


def test_excel_cells_without_references_land_in_their_columns(tmp_path):
    """Rows are rendered without row or cell numbers (a blank cell holds its place, trailing
    blanks are left out), so each value is read back in its own row and column."""
    import zipfile

    from openpyxl import load_workbook

    from extractor.writers.cells import Notes
    from extractor.writers.columns import Column
    from extractor.writers.excel import ExcelWriter, render_rows

    columns = [Column(c, (), "scalar", "") for c in "abcde"]
    rows = [[None, "x", None, 5, None], ["<&>", None, " y\n", None, 2.5], [None] * 5, [1, 2, 3, 4, float("nan")],
            ["&" * 10, "生态环境保护", None, 123456789, None]]
    book = ExcelWriter({"t": columns}, tmp_path / "w.xlsx", [[len(rows)]])
    try:
        book.write("t", render_rows(columns, rows, Notes(), "t"), len(rows))
        book.save()
    finally:
        book.close()
    xml = zipfile.ZipFile(tmp_path / "w.xlsx").read("xl/worksheets/sheet1.xml").decode()
    data = xml[xml.index("</row>"):xml.index("</sheetData>")]  # after the header row
    assert ' r="' not in data and "<c/></row>" not in data
    ws = load_workbook(tmp_path / "w.xlsx")["t"]
    got = [[ws.cell(r, c).value for c in range(1, 6)] for r in range(2, 7)]
    assert got == [[None, "x", None, 5, None], ["<&>", None, " y\n", None, 2.5], [None] * 5, [1, 2, 3, 4, None],
                   ["&" * 10, "生态环境保护", None, 123456789, None]]
    assert data.count("<row>") == 5 and data.count("xml:space") == 1  # only the text with white space at an end
    assert ws.auto_filter.ref == "A1:E6"
    # widths read back from the rendered rows: text as written (not escaped), CJK double, numbers as digits
    assert [ws.column_dimensions[c].width for c in "ABCDE"] == [12, 14, 6, 11, 6]


def test_streamed_files_hold_the_in_memory_tables(tmp_path):
    """CSV text and SQLite rows of the seed corpora equal the tables built in memory."""
    import io

    from extractor import extract
    from extractor.writers.cells import sql_value, text_cell
    from extractor.writers.columns import build_tables

    typed = [extract(p) for p in sorted((Path(__file__).parent.parent / "corpora").glob("*.txt"))]
    results = [r.to_dict() for r in typed]
    _report(results, tmp_path)
    tables = build_tables(typed)
    con = sqlite3.connect(tmp_path / "planx.sqlite")
    try:
        for name, table in tables.items():
            text = io.StringIO(newline="")
            out = csv.writer(text)
            out.writerow([c.name for c in table.columns])
            out.writerows([text_cell(v) for v in row] for row in table.rows)
            assert (tmp_path / f"{name}.csv").read_bytes().decode("utf-8-sig") == text.getvalue(), name
            rows = con.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()
            assert rows == [tuple(sql_value(v) for v in row) for row in table.rows], name
    finally:
        con.close()


def test_orjson_document_json_equals_the_stdlib_json_modulo_formatting():
    """The per-document JSON (orjson) holds exactly what stdlib json wrote before, and what it
    cannot encode (an integer beyond 64 bits, a lone surrogate) still gives a file."""
    from extractor import extract
    from extractor.jsonio import dumps, loads

    for p in sorted((Path(__file__).parent.parent / "corpora").glob("*.txt"))[:3]:
        doc = extract(p).to_dict()
        assert loads(dumps(doc)) == json.loads(json.dumps(doc, ensure_ascii=False, indent=1)) == doc
    odd = {"document": {"doc_id": "x"}, "n": 10**20, "t": "a\ud800b"}
    assert loads(dumps(odd)) == {"document": {"doc_id": "x"}, "n": 10**20, "t": "a?b"}


_ANY_CELL = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(),
    st.sampled_from(["=1+1", "-1.5", "+", "@x", "\tx", "a\x00b", "\ud800", "=", "'x", "\r=", "x\n=1"]),
    st.lists(st.text(max_size=3), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))
_KINDS = st.sampled_from([("scalar", "TEXT"), ("scalar", "INTEGER"), ("scalar", "REAL"), ("scalar", ""),
                          ("list", "TEXT"), ("json", "TEXT")])


@given(st.lists(_KINDS, min_size=1, max_size=6).flatmap(
    lambda kinds: st.tuples(st.just(kinds), st.lists(st.lists(_ANY_CELL, min_size=len(kinds), max_size=len(kinds)),
                                                     max_size=5))))
def test_text_rows_convert_every_cell_as_text_cell_does(case):
    """Whatever a column is declared to hold, any value in it comes out as text_cell makes it
    (the compiled row only passes over what text_cell would return unchanged)."""
    from extractor.writers.cells import text_cell, text_rows
    from extractor.writers.columns import Column

    kinds, rows = case
    columns = [Column(f"c{i}", (), kind, sqltype) for i, (kind, sqltype) in enumerate(kinds)]
    expected = [[text_cell(v) for v in row] for row in rows]
    got = text_rows(rows, columns)
    assert repr(got) == repr(expected)  # repr: NaN compares unequal to itself


def test_atomic_write_replaces_the_file_with_the_usual_mode_and_leaves_no_temporary(tmp_path):
    import os

    from extractor.files import TEMP_PREFIX, atomic_write_bytes

    target = tmp_path / "sub" / "doc.json"
    atomic_write_bytes(target, b"first")
    atomic_write_bytes(target, b"second, longer")
    mask = os.umask(0)
    os.umask(mask)
    assert target.read_bytes() == b"second, longer" and target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["doc.json"]
    assert not any(p.name.startswith(TEMP_PREFIX) for p in target.parent.iterdir())


def test_sheets_continue_in_the_order_a_document_at_a_time_fills_them(monkeypatch):
    """The workbook is written a table at a time, yet its continuation sheets are numbered as
    filling the sheets one document at a time would start them."""
    from extractor.writers.excel import sheet_order

    monkeypatch.setattr("extractor.writers.excel._MAX_ROWS", 5)  # four rows a sheet
    assert sheet_order(["a", "b"], [[3, 5], [3, 0], [0, 4]]) == [("a", 1), ("b", 1), ("b", 2), ("a", 2), ("b", 3)]
    assert sheet_order(["a", "b"], [[4, 4]]) == [("a", 1), ("b", 1)]


def test_a_workbook_its_zip_thread_cannot_write_is_reported_and_the_others_are_written(batch, tmp_path, monkeypatch):
    import errno

    from extractor.writers.zipstream import ZipStream

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ZipStream, "open", full)  # the workbook's parts are written in a thread
    report = write_batch_tables(batch, tmp_path)
    assert len(report.failures) == 1 and "planx.xlsx" in report.failures[0] and "No space left" in report.failures[0]
    assert not (tmp_path / "planx.xlsx").exists() and (tmp_path / "planx.sqlite").exists()
    assert len((tmp_path / "documents.csv").read_text(encoding="utf-8-sig").splitlines()) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_record_s_row_reads_each_column_along_its_path():
    """The compiled row maker reads each column as the layout says: the attribute, or along its
    path with None for a missing step (a record without a span), lists of objects as JSON data."""
    from extractor.writers.columns import _row_maker, table_layout
    from extractor.records import KINDS, to_json

    def reading(rec, col):
        for step in col.path:
            rec = getattr(rec, step, None)
        return to_json(rec) if col.kind == "json" else rec

    res = ExtractResult.of(_doc("doc-a", ("2025", "2030")).to_dict())
    res.targets[0].span = None
    checked = 0
    for key, kind in KINDS.items():
        columns = table_layout()[kind.table].columns
        for rec in getattr(res, key):
            want = [res.doc_id if c.path == ("doc_id",) else reading(rec, c) for c in columns]
            assert _row_maker(kind.table)(rec, res.doc_id) == want
            checked += 1
    assert checked >= len(KINDS)
    row = _row_maker("targets")(res.targets[0], res.doc_id)
    spans = [i for i, c in enumerate(table_layout()["targets"].columns) if c.path[:1] == ("span",)]
    assert spans and all(row[i] is None for i in spans)


class _Recorder:
    """A binary file that keeps the size of every write it is given."""

    def __init__(self) -> None:
        self.data, self.sizes = bytearray(), []

    def write(self, b) -> int:
        self.data += b
        self.sizes.append(len(b))
        return len(b)


@given(st.integers(min_value=0, max_value=5), st.integers(min_value=-2, max_value=2))
def test_write_in_slices_writes_every_byte_in_order_never_more_than_a_slice_at_once(slices, extra):
    from extractor.files import WRITE_SLICE, write_in_slices

    data = bytes(i % 251 for i in range(max(0, slices * WRITE_SLICE + extra)))
    fh = _Recorder()
    write_in_slices(fh, data)
    assert bytes(fh.data) == data
    assert all(0 < n <= WRITE_SLICE for n in fh.sizes) or data == b""
    assert len(fh.sizes) == max(1, -(-len(data) // WRITE_SLICE))


def test_atomic_write_of_many_slices_reads_back_whole(tmp_path):
    from extractor.files import WRITE_SLICE, atomic_write_bytes

    data = os.urandom(3 * WRITE_SLICE + 17)
    atomic_write_bytes(tmp_path / "big.json", data)
    assert (tmp_path / "big.json").read_bytes() == data


def test_the_same_batch_makes_the_same_workbook(batch, tmp_path, monkeypatch):
    """Nothing in the workbook depends on when it was written (members are dated 1980-01-01)."""
    import time

    write_batch_tables(batch, tmp_path / "one")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 3 * 86400 + 3661)  # written days, hours and minutes later
    write_batch_tables(batch, tmp_path / "two")
    assert (tmp_path / "one" / "planx.xlsx").read_bytes() == (tmp_path / "two" / "planx.xlsx").read_bytes()


def test_a_workbook_that_fails_as_it_starts_leaves_no_open_file_or_thread(tmp_path, monkeypatch):
    import threading

    from extractor.writers import excel
    from extractor.writers.zipstream import ZipStream

    opened: list[ZipStream] = []
    real_init = ZipStream.__init__

    def tracked(self, path):
        real_init(self, path)
        opened.append(self)

    def broken(self, name):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ZipStream, "__init__", tracked)
    monkeypatch.setattr(ZipStream, "open", broken)
    threads = threading.active_count()
    with pytest.raises(OSError):
        excel.ExcelWriter({"t": []}, tmp_path / "book.xlsx")
    assert len(opened) == 1 and opened[0].file.closed
    assert threading.active_count() == threads  # the zip thread ended
