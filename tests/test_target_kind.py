"""Goal, status or fact: every target gets a kind; over whole documents the goals are precise.

tests/gold_whole/ holds whole-document target annotations (GOLD_SCHEMA format plus ``kind``) of
two sample plans: every quantified goal of the prose, and the rates, levels and sizes the
background chapters state as the present (status) or as a description of the place (fact).
"""
from __future__ import annotations

import json
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from extractor import extract
from extractor.diff import diff
from tests.conftest import CORPORA, extracted

GOLD_WHOLE = Path(__file__).parent / "gold_whole"
DOCS = sorted(p.name.split(".")[0] for p in GOLD_WHOLE.glob("*.targets.json"))


def _norm(s) -> str:
    return "".join(unicodedata.normalize("NFKC", s or "").split())


def _pairs(gold: list[dict], pred: list[dict]) -> dict[int, int]:
    """Prediction index → gold index: equal value, nearby line, best raw/subject similarity."""
    cands = []
    for j, p in enumerate(pred):
        for i, g in enumerate(gold):
            values = [g["value"], *((g.get("alt") or {}).get("value") or [])]
            if not any(v is not None and p["value"] is not None and abs(v - p["value"]) < 1e-6 for v in values):
                continue
            if abs(g["line"] - p["span"]["line"]) > 1:
                continue
            s = max(SequenceMatcher(None, _norm(g["raw"]), _norm(p["raw"])).ratio(),
                    SequenceMatcher(None, _norm(g["subject"]), _norm(p["subject"])).ratio())
            cands.append((s, -abs(g["line"] - p["span"]["line"]), i, j))
    out: dict[int, int] = {}
    used: set[int] = set()
    for s, _, i, j in sorted(cands, reverse=True):
        if j not in out and i not in used and s >= 0.3:
            out[j] = i
            used.add(i)
    return out


def _scores(doc: str) -> dict:
    gold = json.loads((GOLD_WHOLE / f"{doc}.targets.json").read_text(encoding="utf-8"))["records"]
    pred = extracted(doc)["targets"]
    pairs = _pairs(gold, pred)
    goals = [j for j, p in enumerate(pred) if p["kind"] == "goal"]
    right = [j for j in goals if j in pairs and gold[pairs[j]]["kind"] == "goal"]
    gold_goals = [i for i, g in enumerate(gold) if g["kind"] == "goal" and not g.get("optional")]
    found = {pairs[j] for j in goals if j in pairs}
    kinds_ok = sum(pred[j]["kind"] == gold[i]["kind"] for j, i in pairs.items())
    return {"goal_precision": len(right) / len(goals), "goal_recall": len(found & set(gold_goals)) / len(gold_goals),
            "kind_accuracy": kinds_ok / len(pairs), "predicted": len(pred), "goals": len(goals)}


@pytest.mark.parametrize("doc", DOCS)
def test_goal_precision_over_the_whole_document(doc: str):
    s = _scores(doc)
    assert s["goal_precision"] >= 0.95, s
    assert s["kind_accuracy"] == 1.0, s  # every matched target has the annotated kind
    assert s["goal_recall"] >= 0.85, s


def test_the_whole_document_gold_covers_every_kind():
    kinds = {g["kind"] for d in DOCS
             for g in json.loads((GOLD_WHOLE / f"{d}.targets.json").read_text(encoding="utf-8"))["records"]}
    assert len(DOCS) >= 2 and kinds == {"goal", "status", "fact"}


PLAN = """某县生态文明建设规划（2024—2030年）

一、自然地理
全县总面积为86.5平方公里，平均海拔在30米以上。
二、生态环境状况
（一）人居环境明显改善
全县城镇生活污水处理率达到98%，农村生活垃圾无害化处理率达到100%。
（二）生态系统总体稳定
全县森林覆盖率为36.8%，湿地保护率达到52%。
三、总体要求
（一）主要目标
到2027年，全县细颗粒物（PM2.5）浓度控制在35微克/立方米以下，空气质量优良天数比例达到80%以上。
四、重点任务
（一）提升城乡人居环境
目前城区绿化覆盖率为41.2%，力争2026年底前提高到43%。新建污水管网25公里，改造雨污合流管网10公里。
"""


def test_kinds_from_section_role_cue_words_and_horizon(tmp_path: Path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    got = [(t.value, t.kind) for t in extract(path).targets]
    assert got == [(86.5, "fact"), (30, "fact"), (98, "status"), (100, "status"), (36.8, "status"),
                   (52, "status"), (35, "goal"), (80, "goal"), (41.2, "status"), (43, "goal"),
                   (25, "goal"), (10, "goal")]


NOTICE = """关于推广第二批生态修复典型经验的通知

各市生态环境局：

省政府确定在12个试点县开展生态修复探索，各试点县积极探索、大胆创新。现将有关事项通知如下：

一、推广内容

（一）矿山生态修复。到2026年，全省历史遗留矿山生态修复面积达到3000公顷。
"""


def test_a_notice_preamble_sets_the_scene(tmp_path: Path):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    assert [(t.value, t.kind) for t in extract(path).targets] == [(12, "status"), (3000, "goal")]


def test_the_diff_compares_goals_only():
    base = extracted("000_71534264ba41b2d2")
    changed = json.loads(json.dumps(base))
    for t in changed["targets"]:
        if t["kind"] != "goal":
            t["value"] = (t["value"] or 0) + 1  # a different background figure
    report = diff(base, changed)
    assert not [c for c in report.changes if c.kind == "target"]
    goal = next(t for t in changed["targets"] if t["kind"] == "goal")
    goal["value"] += 1
    report = diff(base, changed)
    assert [c.kind for c in report.changes] == ["target"]


def test_every_target_of_the_samples_has_a_kind(corpus_docs):
    for doc in corpus_docs:
        assert all(t["kind"] in ("goal", "status", "fact") for t in extracted(doc)["targets"])
    assert extract(CORPORA / "000_71534264ba41b2d2.txt").targets[0].kind == "fact"


def test_a_closing_chapter_is_not_where_the_forward_part_starts(tmp_path: Path):
    text = ("某县美丽乡村建设方案\n\n一、加快农村人居环境整治\n\n新建农村公厕30座，改造户厕1200户。\n\n"
            "二、推动乡村产业绿色发展\n\n培育生态农场5家。\n\n三、保障措施\n\n加强组织领导。\n")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    assert [(t.value, t.kind) for t in extract(path).targets] == [(30, "goal"), (1200, "goal"), (5, "goal")]
