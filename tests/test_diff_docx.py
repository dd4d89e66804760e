"""planx diff on a .docx pair: a Word plan built with python-docx, and a copy with the text of
some cells and paragraphs edited; the diff reports exactly the planted changes."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

pytest.importorskip("extractor.readers.docx", reason="the .docx reader is not in this tree")

from extractor.diff import diff  # noqa: E402

INDICATORS = [["序号", "指标名称", "单位", "现状值", "2025年目标值", "2030年目标值", "指标属性"],
              ["1", "生态文明建设工作占党政实绩考核的比例", "%", "26.8", "≥27", "≥27", "约束性"],
              ["2", "生态环境状况指数", "%", "57.86", "≥57.86", "≥57.86", "约束性"],
              ["3", "城镇污水处理率", "%", "100", "100", "100", "约束性"],
              ["4", "政府绿色采购比例", "%", "85.6", "≥90", "≥90", "参考性"]]
PARAGRAPHS = [
    (2, "（一）加强大气污染防治"),
    (None, "深化工业源污染治理。加快推进燃气锅炉低氮改造，2025年底前完成全部改造任务。（责任单位：区生态环境局、区住建局）"),
    (None, "强化移动源污染防治。严厉查处机动车超标排放行为，持续开展路检路查。（责任单位：区公安分局）"),
    (2, "（二）加强水污染防治"),
    (None, "巩固黑臭水体治理成果。开展溯源截污治理，推进排水设施改造，持续开展排水管线普查。（责任单位：区水务局）"),
]


def _build(path: Path, edits: list[Callable] = ()) -> Path:
    from docx import Document

    d = Document()
    d.add_heading("某区生态文明建设示范区规划（2021～2030年）", 0)
    d.add_heading("一、规划指标", 1)
    d.add_paragraph("表1  某区生态文明建设示范区建设指标体系")
    table = d.add_table(rows=len(INDICATORS), cols=len(INDICATORS[0]))
    for i, row in enumerate(INDICATORS):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    d.add_heading("二、主要任务", 1)
    for level, text in PARAGRAPHS:
        d.add_heading(text, level) if level else d.add_paragraph(text)
    for edit in edits:
        edit(d)
    d.save(path)
    return path


def _cell(row: int, col: int, text: str) -> Callable:
    return lambda d: setattr(d.tables[0].cell(row, col), "text", text)


def _drop_row(row: int) -> Callable:
    def apply(d):
        tr = d.tables[0].rows[row]._tr
        tr.getparent().remove(tr)
    return apply


def _para(old: str, new: str) -> Callable:
    def apply(d):
        p = next(p for p in d.paragraphs if old in p.text)
        p.text = p.text.replace(old, new)
    return apply


EDITS = [
    (_cell(1, 4, "≥25"), ("indicator", "modified", "targets.2025", "loosened")),
    (_cell(4, 6, "约束性"), ("indicator", "modified", "attribute", "tightened")),
    (_cell(2, 1, "生态质量指数（EQI）"), ("indicator", "renamed", "name", None)),
    (_drop_row(3), ("indicator", "removed", None, None)),
    (_para("推进排水设施改造", "加快排水设施提标改造"), ("task", "modified", "text", None)),
    (_para("区生态环境局、区住建局", "区生态环境局"), ("responsibility", "modified", "units", "dropped")),
    (_para("2025年底前", "2026年6月底前"), ("deadline", "modified", "date", "later")),
]


def test_docx_pair_reports_exactly_the_planted_edits(tmp_path):
    old = _build(tmp_path / "old.docx")
    new = _build(tmp_path / "new.docx", [e for e, _ in EDITS])
    assert diff(old, old).changes == []
    got = sorted(((c.kind, c.change, c.field, c.direction) for c in diff(old, new).changes), key=str)
    assert got == sorted((x for _, x in EDITS), key=str)
