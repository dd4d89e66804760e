"""planx diff on planted edits: a Tika text export of a corpus plan is edited in known ways
(targets, comparators, attributes, indicators dropped/renamed, projects added/renamed,
investments, periods, deadlines, responsible units, reworded paragraphs, a section renumbered
and moved), both versions are extracted, and the diff must report exactly those changes —
none missing, none extra — with the right kind, field and direction.  Also two related real
documents, and the diff's speed on the two largest corpora."""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pytest

from extractor import extract
from extractor.diff import diff
from extractor.diff.engine import compare
from extractor.diff.model import CHANGES, DIRECTIONS
from extractor.diff.registry import BUILTIN as KINDS
from extractor.diff.render_html import render_html

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
Expected = tuple[str, str, Optional[str], Optional[str], str]  # kind, change, field, direction, key word


@dataclass
class Edit:
    name: str
    apply: Callable[[str], str]
    expect: list[Expected]


def _once(text: str, s: str, start: int = 0) -> int:
    at = text.find(s, start)
    if at < 0:
        raise AssertionError(f"edit anchor not found: {s!r}")
    return at


def sub(old: str, new: str) -> Callable[[str], str]:
    """Replace the only occurrence of ``old``."""
    def apply(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        return text.replace(old, new)
    return apply


def sub_after(anchor: str, old: str, new: str, nth: int = 1) -> Callable[[str], str]:
    """Replace the ``nth`` occurrence of ``old`` after the only occurrence of ``anchor``."""
    def apply(text: str) -> str:
        assert text.count(anchor) == 1, f"{anchor!r} occurs {text.count(anchor)} times"
        at = text.index(anchor)
        for _ in range(nth):
            at = _once(text, old, at + 1)
        return text[:at] + new + text[at + len(old):]
    return apply


def _row_start(text: str, anchor: str) -> int:
    """Start of the table row (Tika: rows are separated by an empty line) holding ``anchor``."""
    assert text.count(anchor) == 1, f"{anchor!r} occurs {text.count(anchor)} times"
    return text.rindex("\n\n", 0, text.index(anchor)) + 2


def drop_row(anchor: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        s = _row_start(text, anchor)
        return text[:s] + text[text.index("\n\n", s) + 2:]
    return apply


def insert_row_before(anchor: str, row: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        s = _row_start(text, anchor)
        return text[:s] + row + "\n" + text[s:]
    return apply


def move_lines(first: str, count: int, after: str) -> Callable[[str], str]:
    """Move ``count`` lines starting with the line that begins with ``first`` to after the line
    that begins with ``after``."""
    def apply(text: str) -> str:
        lines = text.split("\n")
        i = next(k for k, ln in enumerate(lines) if ln.startswith(first))
        block = lines[i:i + count]
        del lines[i:i + count]
        j = next(k for k, ln in enumerate(lines) if ln.startswith(after))
        lines[j + 1:j + 1] = block
        return "\n".join(lines)
    return apply


def chain(*steps: Callable[[str], str]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        for step in steps:
            text = step(text)
        return text
    return apply


ROW = "\t{seq}\n\t生态生活\n\t人居环境改善\n\t{name}\n\t{content}\n\t2023.1至\n2025.12\n\t{money}\n\t历下区\n住房和城乡建设局\n\t城镇污水处理率\n"

# Edits of corpora/000 (a 生态文明建设示范区规划: indicator table, project table, tasks).
EDITS_000 = [
    Edit("target loosened", sub_after("\t生态文明建设工作占党政实绩考核的比例\n", "\t≥27\n", "\t≥25\n"),
         [("indicator", "modified", "targets.2025", "loosened", "党政实绩考核")]),
    Edit("baseline revised", sub_after("\t生态文明建设工作占党政实绩考核的比例\n", "\t26.8\n", "\t28.1\n"),
         [("indicator", "modified", "baseline", "revised", "党政实绩考核")]),
    Edit("target tightened", sub_after("\t政府绿色采购比例\n", "\t≥90\n", "\t≥95\n", nth=2),
         [("indicator", "modified", "targets.2030", "tightened", "绿色采购")]),
    Edit("comparator made strict", sub_after("\t公众对生态文明建设的参与度\n", "\t≥90\n", "\t＞90\n"),
         [("indicator", "modified", "targets.2025", "tightened", "参与度")]),
    Edit("standard loosened", sub_after("\t一般工业固体废物综合利用率\n", "\t≥80\n", "\t≥75\n"),
         [("indicator", "modified", "standard", "loosened", "一般工业固体废物")]),
    Edit("target quantified", sub_after("\t单位地区生产总值能耗\n", "\t完成上级规定的目标任务；保持稳定或持续改善\n",
                                        "\t下降10%\n", nth=2),
         [("indicator", "modified", "targets.2025", "quantified", "能耗")]),
    Edit("attribute tightened", sub_after("\t依法开展规划环境影响评价\n", "\t参考性\n", "\t约束性\n"),
         [("indicator", "modified", "attribute", "tightened", "规划环境影响评价")]),
    Edit("indicator renamed", sub("\t生态环境状况指数*\n", "\t生态质量指数（EQI）*\n"),
         [("indicator", "renamed", "name", None, "生态质量指数")]),
    Edit("indicator dropped", drop_row("\t外来物种入侵\n"),
         [("indicator", "removed", None, None, "外来物种入侵")]),
    Edit("investment raised", sub_after("\t羊头峪西沟二期综合整治工程\n", "\t4200\n", "\t5000\n"),
         [("project", "modified", "investment", "raised", "羊头峪西沟")]),
    Edit("investment cut", sub_after("\t泉城文化生态保护试验区\n", "\t40\n", "\t30\n"),
         [("project", "modified", "investment", "cut", "泉城文化生态")]),
    Edit("project period later", sub_after("\t历下区浆水泉风景区项目\n", "\n2023.12\n", "\n2024.12\n"),
         [("project", "modified", "period", "later", "浆水泉风景区")]),
    Edit("project unit replaced", sub_after("\t义和庄济南市历下石油化工厂污染地块修复治理\n", "\t历下控股集团有限公司\n", "\t历下区生态环境局\n"),
         [("project", "modified", "responsible_units", "dropped", "石油化工厂"),
          ("project", "modified", "responsible_units", "added", "石油化工厂")]),
    Edit("project renamed", sub("\t济南市星河北铁矿矿山采空区综合治理工程\n", "\t星河北铁矿采空区生态修复治理工程\n"),
         [("project", "renamed", "name", None, "星河北铁矿")]),
    Edit("project added", insert_row_before(
        "\t全区河道设施检测及工程修复\n",
        ROW.format(seq=18, name="历下区海绵城市建设示范工程", content="对老城区道路及公园实施海绵化改造", money=8000)),
         [("project", "added", None, None, "海绵城市")]),
    Edit("project content reworded", sub("\t对浆水泉路（旅游路-经十路）污水管线翻建\n",
                                         "\t对浆水泉路（旅游路-经十路）污水管线进行翻建并同步实施雨污分流\n"),
         [("project", "modified", "content", None, "浆水泉路污水管线")]),
    Edit("deadline later", sub("到2025年，片区生产总值突破800亿元", "到2027年，片区生产总值突破800亿元"),
         [("deadline", "modified", "date", "later", "中央商务区"),
          ("target", "modified", "year", "later", "中央商务区")]),
    Edit("deadline earlier", sub("到2025年，全区高新技术企业数量达到600家", "到2024年，全区高新技术企业数量达到600家"),
         [("deadline", "modified", "date", "earlier", "企业技术创新能力"),
          ("target", "modified", "year", "earlier", "企业技术创新能力")]),
    Edit("text target loosened", sub("全区绿化覆盖率达到48%以上", "全区绿化覆盖率达到45%以上"),
         [("target", "modified", "value", "loosened", "绿化覆盖率")]),
    Edit("text target tightened", sub("每月抽检数量不低于80台", "每月抽检数量不低于100台"),
         [("target", "modified", "value", "tightened", "抽检数量")]),
    Edit("text comparator loosened", sub("面积超过400万平方米", "面积达到400万平方米"),
         [("target", "modified", "value", "loosened", "400万平方米")]),
    Edit("text target raised", sub("总部型企业数量达到300家", "总部型企业数量达到350家"),
         [("target", "modified", "value", "tightened", "总部型企业")]),
    Edit("responsible unit replaced", sub("区城管局加大洒水保洁次数", "区水务局加大洒水保洁次数"),
         [("responsibility", "modified", "units", "dropped", "区城管局"),
          ("responsibility", "modified", "units", "added", "区水务局")]),
    Edit("responsible unit dropped", sub("区住建局、城管局等部门加强施工工地管理", "区住建局等部门加强施工工地管理"),
         [("responsibility", "modified", "units", "dropped", "区住建局")]),
    Edit("paragraph reworded", sub("持续实施煤炭消费总量控制", "继续严格实施煤炭消费总量控制"),
         [("task", "modified", "text", None, "严格控制燃煤污染")]),
    Edit("paragraph reworded (2)", sub("加强城市再生水循环利用基础设施建设", "加快城市再生水管网及配套设施建设"),
         [("task", "modified", "text", None, "再生水循环利用")]),
    Edit("section renamed", sub("（2）强化环境准入机制。", "（1）健全环境准入机制。"),
         [("section", "renamed", "title", None, "环境准入")]),
    Edit("section renumbered and moved", chain(
        sub("（3）建立健全多级联动的突发环境事件应急管理体系。", "（2）建立健全多级联动的突发环境事件应急管理体系。"),
        sub("（4）深入贯彻落实环保督察制度。", "（3）深入贯彻落实环保督察制度。"),
        sub("（5）完善环境监测监控体系。", "（4）完善环境监测监控体系。"),
        sub("（1）实施国土空间开发和用途管制制度。", "（5）实施国土空间开发和用途管制制度。"),
        move_lines("（5）实施国土空间开发和用途管制制度。", 2, "[bookmark: _Toc285]")),
         [("section", "moved", "position", None, "国土空间开发")]),
]

# Edits of corpora/003 (a 美丽城市建设规划: closing responsibility notes, 专栏 project boxes).
EDITS_003 = [
    Edit("responsible unit added", sub_after("扎实推动减污降碳协同增效。", "（责任单位：市生态环境局）",
                                              "（责任单位：市生态环境局、市发展改革委）"),
         [("responsibility", "modified", "units", "added", "减污降碳")]),
    Edit("responsible unit dropped", sub("市科技局、市商务局、市大数据局）", "市科技局、市大数据局）"),
         [("responsibility", "modified", "units", "dropped", "绿色新兴产业")]),
    Edit("responsible unit replaced", sub("（责任单位：市发展改革委、市交通运输局、市能源局）",
                                          "（责任单位：市发展改革委、市公安局、市能源局）"),
         [("responsibility", "modified", "units", "dropped", "绿色低碳交通"),
          ("responsibility", "modified", "units", "added", "绿色低碳交通")]),
    Edit("deadline later", sub("到2027年，达到国家、省下达任务目标", "到2028年，达到国家、省下达任务目标"),
         [("deadline", "modified", "date", "later", "大气污染联防联控")]),
    Edit("box project reworded", sub("探索打造“零碳”园区。", "探索打造“零碳”“近零碳”园区。"),
         [("project", "modified", "content", None, "零碳产业园区")]),
    Edit("paragraph reworded", sub("全面推进绿色改造升级。", "分行业推进绿色化改造升级。"),
         [("task", "modified", "text", None, "传统产业绿色转型")]),
]


# Edits of corpora/002 (a “十四五”生态环境保护规划): polarity, cosmetic spellings, a moved deadline.
EDITS_002 = [
    Edit("lower-is-better target loosened; unit spelling, width and footnote marker cosmetic",
         sub("\t1.城市细颗粒物（PM2.5）浓度（ug/m3）*\n\t52\n\t42\n", "\t1.城市细颗粒物（PM2.5）浓度（μg/m³）\n\t５２\n\t45\n"),
         [("indicator", "modified", "targets.2025", "loosened", "细颗粒物")]),
    Edit("higher-is-better baseline revised, target loosened",
         sub("\t57.8\n\t65.8\n", "\t60.1\n\t63\n"),
         [("indicator", "modified", "baseline", "revised", "优良天数"),
          ("indicator", "modified", "targets.2025", "loosened", "优良天数")]),
    Edit("deadline moved with its dependent targets", chain(
        sub("统一采购新能源车，到2023年，", "统一采购新能源车，到2024年，"),
        sub("到2023年，市内货运等行业新增车辆", "到2024年，市内货运等行业新增车辆")),
         [("deadline", "modified", "date", "later", "交通用能清洁化"),
          ("deadline", "modified", "date", "later", "交通用能清洁化"),
          ("target", "modified", "year", "later", "清洁化比例"),
          ("target", "modified", "year", "later", "新能源车辆占比")]),
]


def _corpus(prefix: str) -> Path:
    return next(CORPORA.glob(f"{prefix}_*.txt"))


def _match(expected: list[Expected], changes: list) -> tuple[list[Expected], list]:
    """(expected changes not reported, reported changes not expected)."""
    left = list(changes)
    missing = []
    for kind, change, field, direction, word in expected:
        hit = next((c for c in left if (c.kind, c.change, c.field, c.direction) == (kind, change, field, direction)
                    and word in f"{c.key}{c.old}{c.new}"), None)
        if hit is None:
            missing.append((kind, change, field, direction, word))
        else:
            left.remove(hit)
    return missing, left


def _planted(prefix: str, edits: list[Edit], tmp_path: Path):
    """The diff of a corpus document and its copy with ``edits`` applied."""
    text = _corpus(prefix).read_text(encoding="utf-8")
    edited = text
    for e in edits:
        edited = e.apply(edited)
    (tmp_path / "old.txt").write_text(text, encoding="utf-8")
    (tmp_path / "new.txt").write_text(edited, encoding="utf-8")
    return diff(tmp_path / "old.txt", tmp_path / "new.txt")


@pytest.mark.parametrize("prefix,edits", [("000", EDITS_000), ("002", EDITS_002), ("003", EDITS_003)])
def test_planted_edits_precision_and_recall(prefix, edits, tmp_path):
    result = _planted(prefix, edits, tmp_path)
    expected = [x for e in edits for x in e.expect]
    missing, extra = _match(expected, result.changes)
    assert not missing and not extra, (
        f"missing: {missing}\nextra: {[(c.kind, c.change, c.field, c.direction, c.key, c.old, c.new) for c in extra]}")


def test_consequences_sit_under_their_cause_and_cosmetics_are_not_changes(tmp_path):
    """The target years that moved with their deadline follow from that deadline's change (each
    from the deadline that opens its sentence); the PM2.5 row's new unit spelling, full-width
    digits and dropped footnote marker are listed as cosmetic, not as changes."""
    result = _planted("002", EDITS_002, tmp_path)
    deadlines = [c for c in result.changes if c.kind == "deadline"]
    years = [c for c in result.changes if c.kind == "target" and c.field == "year"]
    assert len(deadlines) == 2 and len(years) == 2
    assert [c.cause for c in years] == deadlines  # one each, in order
    assert all(c.to_dict()["caused_by"] == c.cause.id for c in years)
    assert result.summary()["consequences"] == 2
    cosmetic = {(c["field"], str(c["old"]), str(c["new"])) for c in result.cosmetic if "细颗粒物" in c["key"]}
    assert cosmetic == {("unit", "ug/m3", "μg/m³"), ("baseline", "52", "５２"), ("flags", "['*']", "[]")}
    page = render_html(result)
    listed = page[page.index('id="cosmetic"'):]
    assert "μg/m³" in listed and "５２" in listed and "3 cosmetic differences not counted" in page
    pm = next(c for c in result.changes if c.field == "targets.2025" and "细颗粒物" in c.key)
    assert pm.direction == "loosened"  # 42 → 45 μg/m³ is worse: PM2.5 is lower-is-better
    good = next(c for c in result.changes if c.field == "baseline")
    assert good.direction == "revised" and good.detail["trend"] == "better"  # 优良天数 57.8 → 60.1


def test_enough_planted_edits_of_every_kind():
    edits = EDITS_000 + EDITS_002 + EDITS_003
    assert len(edits) >= 30
    kinds = Counter(x[0] for e in edits for x in e.expect)
    assert set(kinds) == set(KINDS)
    directions = {x[3] for e in edits for x in e.expect}
    assert directions >= {"tightened", "loosened", "quantified", "earlier", "later", "raised", "cut", "added", "dropped",
                          "revised"}
    assert {x[1] for e in edits for x in e.expect} == set(CHANGES)


@pytest.fixture(scope="module")
def extracted() -> dict[str, dict]:
    return {p: extract(_corpus(p)).to_dict() for p in ("000", "001", "002", "004")}


@pytest.mark.parametrize("old,new", [("000", "004"), ("001", "002")])
def test_related_real_documents(extracted, old, new):
    """Plan vs its gazette notice (same district); two plans of the same district: a sensible report."""
    result = compare(extracted[old], extracted[new])
    summary = result.summary()
    assert summary["total"] == len(result.changes) > 0
    for c in result.changes:
        assert c.kind in KINDS and c.change in CHANGES and (c.direction is None or c.direction in DIRECTIONS)
        assert (c.old_span is None) == (c.change == "added") and (c.new_span is None) == (c.change == "removed")
    ids = [c.id for c in result.changes]
    assert ids == [f"chg-{k}" for k in range(1, len(ids) + 1)]
    # one-to-one: no record is matched twice
    for kind, rows in result.rows.items():
        olds = [id(r.old) for r in rows if r.old is not None]
        news = [id(r.new) for r in rows if r.new is not None]
        assert len(olds) == len(set(olds)) and len(news) == len(set(news))
    assert "<!DOCTYPE html>" in render_html(result)


def test_diff_is_fast_on_the_largest_plans(extracted, tmp_path):
    """Two 100-page plans (000, 001): well under 2 s of diff work after extraction."""
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(extracted["000"], ensure_ascii=False), encoding="utf-8")
    new.write_text(json.dumps(extracted["001"], ensure_ascii=False), encoding="utf-8")
    t0 = time.perf_counter()
    result = diff(old, new)
    render_html(result)
    assert time.perf_counter() - t0 < 2.0


def test_different_plans_are_flagged_and_versions_are_not(extracted, tmp_path):
    """A plan vs its implementation scheme, two plans of one district (other title and period):
    a warning with its reasons; a planted version pair: none."""
    rel = compare(extracted["000"], extracted["004"]).relation
    assert not rel["related"] and any("plan type" in r for r in rel["reasons"]) and rel["record_overlap"] < 0.3
    rel = compare(extracted["001"], extracted["002"]).relation
    assert not rel["related"] and any("titles" in r for r in rel["reasons"]) and any("periods" in r for r in rel["reasons"])
    assert _planted("003", EDITS_003, tmp_path).relation == {
        "related": True, "reasons": [], "title_similarity": 1.0, "record_overlap": pytest.approx(1.0, abs=0.02)}
