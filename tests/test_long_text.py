"""Long and pathological texts (tests/fixtures/long_text.py): the records stay right and the
output stays proportional to the input.  Their speed is measured in bench/run.py, not here."""
from __future__ import annotations

import json
import random
import sys
import unicodedata

import pytest

from conftest import CORPORA, FIXTURES
from extractor.model import MappedText
from extractor.pipeline import extract
from extractor.readers import read
from extractor.structure import build
from extractor.text.sentences import nfkc_mapped

sys.path.insert(0, str(FIXTURES))
import long_text  # noqa: E402


def _extract(tmp_path, name: str, text: str):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return extract(path), path.read_text(encoding="utf-8")


def test_repeated_limit_gives_bounded_actions(tmp_path):
    """"到2025年，" × 13,000: no limit may claim the text of the limits before it as its action."""
    text = long_text.repeated_limit(130_000)
    res, _ = _extract(tmp_path, "limit", text)
    assert sum(len(d.action) for d in res.deadlines) <= len(text)
    assert len(json.dumps(res.to_dict(), ensure_ascii=False)) < 4 * len(text)


def test_repeated_actions_each_limit_governs_its_own_action(tmp_path):
    res, _ = _extract(tmp_path, "actions", long_text.repeated_actions(3000))
    assert [d.action for d in res.deadlines] == [f"完成第{i + 1}处整治" for i in range(3000)]
    assert {d.date for d in res.deadlines} == {"2025"}


def test_many_headings_keep_their_tasks(tmp_path):
    res, text = _extract(tmp_path, "headings", long_text.many_headings(1000))
    assert len(res.sections) == 1000
    assert len(res.responsibilities) == len(res.deadlines) == len(res.targets) == 1000
    for k, (resp, ddl, tgt) in enumerate(zip(res.responsibilities, res.deadlines, res.targets), 1):
        assert resp.task == f"推进第{k}项工作" and resp.units == ["区生态环境局", "区水务局"]
        # contract v2: one place for every kind — the heading without a lead is the task
        assert ddl.task == tgt.task == f"推进第{k}项工作" and ddl.date == "2025"
        assert ddl.task_id == tgt.task_id == resp.task_id == res.sections[k - 1].id
        assert ddl.action.startswith(f"完成第{k}项整治工程")
        assert text[ddl.span.start:ddl.span.end] == ddl.raw == "到2025年"


def test_many_paragraphs_share_one_section(tmp_path):
    res, _ = _extract(tmp_path, "paragraphs", long_text.many_paragraphs(500))
    assert len(res.deadlines) == 500
    assert {(d.date, d.task) for d in res.deadlines} == {("2024-12-31", "保障措施")}  # the heading is the task


def test_one_paragraph_records_point_at_their_source(tmp_path):
    text = long_text.one_paragraph(300_000)
    res, source = _extract(tmp_path, "paragraph", text)
    assert res.targets and res.deadlines
    for r in [*res.targets, *res.deadlines, *res.responsibilities]:
        assert source[r.span.start:r.span.end] == r.raw
    for d in res.deadlines:  # an action never runs past its sentence
        assert len(d.action) < 1000
    assert len(json.dumps(res.to_dict(), ensure_ascii=False)) < 4 * len(source)


def test_full_width_text_maps_back_to_the_source(tmp_path):
    res, source = _extract(tmp_path, "fullwidth", long_text.full_width(20_000))
    assert res.targets
    for t in res.targets:
        assert source[t.span.start:t.span.end] == t.raw
    assert {(t.value, t.unit) for t in res.targets} >= {(35.0, "微克／立方米")}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nfkc_mapped_is_per_character_nfkc(seed):
    rnd = random.Random(seed)
    alphabet = "ＰＭ２．５（）㎡①⑴…ﬁ가각abc 中文，。\u3000" + "".join(chr(rnd.randrange(0x80, 0x3000)) for _ in range(50))
    text = "".join(rnd.choice(alphabet) for _ in range(500))
    m = nfkc_mapped(MappedText(text, list(range(100, 100 + len(text)))))
    expect = [(n, 100 + i) for i, ch in enumerate(text) for n in unicodedata.normalize("NFKC", ch)]
    assert m.text == "".join(n for n, _ in expect) and list(m.offsets) == [o for _, o in expect]


def _context_by_walking_back(struct, i):
    """The task of block i as first specified: walk back to a task or a heading."""
    sec = struct.block_section[i]
    for j in range(i, -1, -1):
        if struct.block_task[j] is not None:
            return struct.block_task[j]
        if j in struct.heading_blocks or struct.block_section[j] is not sec:
            return None
    return None


@pytest.mark.parametrize("path", sorted(CORPORA.glob("*.txt")), ids=lambda p: p.name[:3])
def test_block_context_in_one_pass_equals_walking_back(path):
    doc = read(path)
    struct = build(doc)
    for b in doc.blocks:
        assert struct.context(b.index).task is _context_by_walking_back(struct, b.index)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_indicator_names_matched_as_a_whole_like_pairwise(seed):
    """audit target.prose_vs_table: one automaton over the names picks what name-by-name did."""
    from extractor.audit.prose import _Names
    from extractor.patterns import load
    from extractor.records import Indicator

    rnd = random.Random(seed)
    shortest = load("checks")["values"]["name_min_chars"]
    words = ["水质", "达标", "比例", "空气", "优良", "天数", "森林", "覆盖率", "PM2.5", "浓度"]
    names = ["".join(rnd.choice(words) for _ in range(rnd.randint(1, 3))) for _ in range(40)]
    inds = [Indicator(id=f"ind-{k}", table=1, name=n) for k, n in enumerate(names)]
    table = _Names(inds)
    for _ in range(300):
        subject = "".join(rnd.choice(words) for _ in range(rnd.randint(1, 4)))
        hits = [i for i in inds if len(i.name) >= shortest and len(subject) >= shortest
                and (i.name in subject or subject in i.name)]
        expect = max(hits, key=lambda i: len(i.name), default=None)
        assert table.best(subject) is expect
