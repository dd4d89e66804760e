"""The Tika text reader: encodings, table cells and continuations, bookmarks, provenance."""
from __future__ import annotations

import codecs
from array import array

import pytest

from extractor.errors import PlanxError
from extractor.model import MappedText, offset_run
from extractor.readers import read
from extractor.readers.txt import parse_text
from conftest import CORPORA

TIKA = (
    "表1 指标\n"
    "\t领域\n\t指标名称\n\t现状值\n（2020年）\n\t目标值\n"
    "\n"
    "\t生态制度\n\t林草覆盖率\n丘陵地区\n\t32.56\n\t≥40\n"
    "\n"
    "\t\n\t河湖长制\n\t全面实施\n\t\n"
    "\n"
    "\t生态安全\n\t历下区\n\n水务局\n\t1\n\t2\n"
    "\n"
    "注：*为约束性指标。\n"
    "[bookmark: _Toc123]一、总体要求\n"
)


def test_tika_table_rows_cells_and_continuations():
    blocks = parse_text(TIKA)
    kinds = [b.kind for b in blocks]
    assert kinds == ["paragraph", "table", "paragraph", "paragraph"]
    rows = [[c.text for c in r] for r in blocks[1].table.rows]
    assert rows == [
        ["领域", "指标名称", "现状值\n（2020年）", "目标值"],
        ["生态制度", "林草覆盖率\n丘陵地区", "32.56", "≥40"],
        ["", "河湖长制", "全面实施", ""],  # empty TAB cells are kept as empty cells
        ["生态安全", "历下区\n水务局", "1", "2"],  # continuation after an empty line stays in the cell
    ]


def test_cell_offsets_point_at_source():
    blocks = parse_text(TIKA)
    for cell in blocks[1].table.cells():
        for ch, off in zip(cell.text, cell.offsets):
            if ch != "\n":
                assert TIKA[off] == ch


def test_bookmarks_removed_and_toc_is_heading_evidence():
    blocks = parse_text(TIKA)
    last = blocks[-1]
    assert last.text == "一、总体要求"
    assert last.heading_hint
    assert TIKA[last.offsets[0]:last.offsets[-1] + 1] == "一、总体要求"


def test_page_split_word_rejoined():
    text = ("为深入贯彻《意见》精神，落实国家、省、市生态文明建设工作部署，持\n\n续推进国家生态文明建设示范区创建工作。\n\n"
            "济南市历下区人民政府关于印发《济南市历下区国家生态文明建设示范区创建工作实施方案》的通知\n\n历下政字〔2021〕21号\n")
    blocks = parse_text(text)
    assert blocks[0].text.endswith("持续推进国家生态文明建设示范区创建工作。")
    assert [b.text for b in blocks[1:]] == [
        "济南市历下区人民政府关于印发《济南市历下区国家生态文明建设示范区创建工作实施方案》的通知",
        "历下政字〔2021〕21号"]
    assert "".join(text[o] for o in blocks[0].offsets) == blocks[0].text  # the join maps both halves
    assert list(blocks[0].offsets[-20:-18]) == [text.index("持"), text.index("续")]


def test_offsets_are_compact_and_point_at_source():
    """A line read in one stretch maps through a range (also when a bookmark before it is taken
    out), anything else through an array: no list holds an int object per character."""
    text = TIKA + "力争 2021 年 5 月底前通过省级预审。\n"
    blocks = parse_text(text)
    maps = [b.offsets for b in blocks] + [c.offsets for c in blocks[1].table.cells()]
    assert {type(m) for m in maps} == {range, array}
    assert [type(b.offsets) for b in blocks[2:]] == [range, range, array]  # a leading bookmark, spaces taken out
    for b in blocks[2:]:
        assert "".join(text[o] for o in b.offsets) == b.text


def test_mapped_text_appends_to_a_copy_of_a_range():
    shared = offset_run(10, 3)
    m = MappedText("abc", shared)
    m.append("\n", None)
    m.append("de", 20)
    m.extend(MappedText("f", offset_run(30, 1)))
    assert (m.text, list(m.offsets), shared) == ("abc\ndef", [10, 11, 12, 12, 20, 21, 30], range(10, 13))
    assert type(m.slice(1, 3).offsets) is array and type(MappedText("xy", shared).slice(0, 1).offsets) is range


def test_han_digit_spaces_normalised_but_addressable():
    text = "力争 2021 年 5 月底前通过省级预审。\n"
    b = parse_text(text)[0]
    assert b.text == "力争2021年5月底前通过省级预审。"
    i = b.text.index("2021")
    assert text[b.offsets[i]:b.offsets[i + 7] + 1] == "2021 年 5 月底"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_encodings_read_identically(tmp_path, encoding):
    src = CORPORA / "004_061c6bf53607da0b.txt"
    text = src.read_text(encoding="utf-8")
    data = text.encode(encoding)
    p = tmp_path / f"copy_{encoding}.txt"
    p.write_bytes(data)
    ref, doc = read(src), read(p)
    assert [b.text for b in doc.blocks] == [b.text for b in ref.blocks]


@pytest.mark.parametrize("payload,cause", [
    (b"", "empty file"),
    (b"   \n\n  ", "empty"),
    (bytes(range(256)) * 50, "binary"),
    (b"\x89PNG\r\n\x1a\n" + bytes(4000), "binary"),
])
def test_bad_text_inputs(tmp_path, payload, cause):
    p = tmp_path / "bad.txt"
    p.write_bytes(payload)
    with pytest.raises(PlanxError) as e:
        read(p)
    assert cause in str(e.value) and str(p) in str(e.value)


def test_undecodable_text(tmp_path):
    p = tmp_path / "mixed.txt"
    p.write_bytes("正常文本".encode("utf-8") + b"\xff\xfe\xfd\x80\x81" * 200 + codecs.BOM_UTF8[:2] * 300)
    with pytest.raises(PlanxError):
        read(p)


def test_unsupported_and_missing(tmp_path):
    p = tmp_path / "plan.rtf"
    p.write_text("x")
    with pytest.raises(PlanxError, match="unsupported file type"):
        read(p)
    with pytest.raises(PlanxError, match="no such file"):
        read(tmp_path / "missing.txt")


def test_the_model_is_built_without_the_cycle_collector_which_resumes_after(monkeypatch):
    """parse_text runs with the collector paused (its blocks and cells: many objects, no cycles);
    the collector is on again after it, also when parsing fails, and the model is the same."""
    import gc

    from extractor.readers import txt

    seen, real = [], txt.parse_text

    def spy(text):
        seen.append(gc.isenabled())
        if len(seen) == 2:
            raise RuntimeError("parser failed")
        return real(text)

    seed = sorted(CORPORA.glob("*.txt"))[0]
    monkeypatch.setattr(txt, "parse_text", spy)
    doc = read(seed)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(RuntimeError):
        read(seed)
    assert seen == [False, False] and gc.isenabled()
    monkeypatch.undo()
    assert [b.text for b in read(seed).blocks] == [b.text for b in doc.blocks]
