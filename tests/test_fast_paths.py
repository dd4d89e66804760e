"""Speed-ups that replace a plain definition give exactly what the plain definition gives
(their speed is measured in bench/run.py, not here)."""
from __future__ import annotations

import collections
import dataclasses
import random
import re
import unicodedata

import pytest

from conftest import CORPORA
from extractor import hygiene
from extractor.model import Span
from extractor.pipeline import extract
from extractor.readers.encoding import _is_binary_text
from extractor.records import to_json

_BAD_PLAIN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef"
                        + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0, 0x110000, 0x10000)) + "]")
_EDGES = [0, 8, 9, 10, 11, 31, 32, 0x7E, 0x7F, 0x9F, 0xA0, 0x2027, 0x202A, 0x202E, 0x202F, 0x2065, 0x2066,
          0x2069, 0x206A, 0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFDCF, 0xFDD0, 0xFDEF, 0xFDF0, 0xFFFD, 0xFFFE, 0xFFFF,
          0x10000, 0x10FFFD] + [p + k for p in range(0x10000, 0x110000, 0x10000) for k in (0xFFFD, 0xFFFE, 0xFFFF)]


def test_clean_text_finds_every_bad_code_point():
    rng = random.Random(17)
    points = _EDGES + rng.sample(range(0x110000), 20_000)
    for cp in points:
        text = "规划" + chr(cp) + "目标"
        expected = _BAD_PLAIN.sub(lambda m: hygiene._replacement(m.group()), text)
        counts: collections.Counter = collections.Counter()
        assert hygiene.clean_text(text, counts) == expected, hex(cp)
        assert bool(counts) == (expected != text), hex(cp)


def _binary_plain(text: str) -> bool:
    if not text:
        return False
    sample = text[:200_000]
    bad = sum(n for ch, n in collections.Counter(sample).items()
              if unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") and ch not in "\t\n\r\f\v")
    return bad > max(8, len(sample) * 0.01)


def test_binary_text_check_counts_like_a_full_count():
    rng = random.Random(7)
    pool = "ab中文。 \u3000\n\t\r\x0b\x0c\x00\x01\x1c\x85\u2028\ue000\U000f0000\ud800\u0378"
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 80)))
        assert _is_binary_text(text) == _binary_plain(text), repr(text)


def _jsonable_plain(obj):
    if isinstance(obj, Span):
        return obj.to_dict()
    if dataclasses.is_dataclass(obj):  # a field left out at its "omit" value (PlanPeriod.inferred False)
        return {f.name: _jsonable_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if "omit" not in f.metadata or getattr(obj, f.name) != f.metadata["omit"]}
    if isinstance(obj, (list, tuple)):
        return [_jsonable_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _jsonable_plain(v) for k, v in obj.items()}
    return obj


@pytest.mark.parametrize("seed", sorted(CORPORA.glob("*.txt"))[:2], ids=lambda p: p.stem[:3])
def test_to_jsonable_equals_the_plain_recursion(seed):
    res = extract(seed)
    for kind in ("document", "sections", "tasks", "indicators", "projects", "targets", "deadlines",
                 "responsibilities", "findings", "tables"):
        fast, plain = to_json(getattr(res, kind)), _jsonable_plain(getattr(res, kind))
        assert fast == plain and repr(fast) == repr(plain)  # same values, same key order


def test_plain_ascii_numbers_read_like_the_general_path():
    from extractor.language.numbers import parse_number

    rng = random.Random(3)
    samples = ["0", "7", "007", "2025", "1.5", "0.05", "12.", ".5", "1.2.3", "1,100", "1e3", "٣"]
    samples += [f"{rng.randint(0, 10**9)}" + (f".{rng.randint(0, 999):03d}" if rng.random() < .5 else "")
                for _ in range(300)]
    for s in samples:
        assert parse_number(s) == parse_number(f" {s} "), s  # the padded form takes the general path


def test_declarations_are_read_once_per_document_and_handed_out_as_copies():
    from extractor.text.declared import find_declarations
    from extractor.readers import read

    doc = read(sorted(CORPORA.glob("*.txt"))[0])
    first = find_declarations(doc)
    assert first
    first.clear()
    second = find_declarations(doc)
    assert second and second == find_declarations(doc) and second is not find_declarations(doc)


def _corpus_lines() -> list[str]:
    return [line.strip() for p in sorted(CORPORA.glob("*.txt"))
            for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_unit_words_found_by_lookup_like_the_overlapped_alternation():
    import regex

    from extractor.patterns import load
    from extractor.text import units

    data = load("units")
    words = set(units.lexicon().variants) | set(data["suffix"]["collective_nouns"]) | set(data["suffix"]["generic"])
    words |= set(data["suffix"]["branch"]) | {p for p, _ in data["prefix"]["levels"]}
    alternation = regex.compile("|".join(sorted(map(regex.escape, words), key=len, reverse=True)), regex.V1)
    rng = random.Random(5)
    text = "".join(_corpus_lines())
    samples = [text[a:a + rng.randint(0, 120)] for a in (rng.randrange(len(text)) for _ in range(3000))]
    samples += ["", "市", "市生态环境局历下分局", "各区县人民政府、市直有关部门", "省发展改革委（省能源局）"]
    for s in samples:
        assert list(units._unit_word_spans(s)) == [m.span() for m in alternation.finditer(s, overlapped=True)], s


def test_one_regex_for_all_heading_forms_finds_the_first_form_that_matches():
    from extractor.structure import sections

    for rendered in (False, True):
        forms = sections._label_forms(rendered)
        for line in _corpus_lines() + ["1 总则", "5.1 目标", "第二阶段：", "附件1", "①", "（十二）", "甲、", "5.1. 目标 "]:
            first = next(((name, rank, m.group("label"), m.end()) for name, rank, rx in forms.forms
                          for m in [rx.match(line)] if m), None)
            got = forms.match(line)
            assert (got and (got[0], got[1], got[2].group("label"), got[2].end())) == first, line


def test_declarations_need_the_cue():
    from extractor.patterns import compiled, load

    conf = load("checks")["declared"]
    cue = compiled(conf["cue"])
    rxs = [compiled(p["rx"].replace("{num}", conf["number"])) for p in conf["pattern"]]
    lines = _corpus_lines() + ["约束性指标共十二项", "通过18项重点工程", "重点工程总投资约12.5亿元", "（共5条）"]
    hits = 0
    for line in lines:
        for rx in rxs:
            for m in rx.finditer(line):
                hits += 1
                assert cue.search(m.group()), (rx.pattern, m.group())
    assert hits > 10


@pytest.mark.parametrize("seed", range(3))
def test_declarations_of_count_words_need_the_cue(seed):
    """Strings of numbers, count words, sums and the patterns' words: every declaration found
    holds the cue, so a paragraph without it has none."""
    from extractor.patterns import compiled, load

    conf = load("checks")["declared"]
    cue = compiled(conf["cue"])
    rxs = [compiled(p["rx"].replace("{num}", conf["number"])) for p in conf["pattern"]]
    leads = ["", "约束性指标", "已达标指标", "共", "通过", "规划", "（共", "其中", "共设置", "(一)生态方面", "一、",
             "重点工程总投资约", "重点项目计划投资", "有", "为", "，", "7"]
    numbers = ["12", "5", "０", "3.5", "十二", "两", "百", "一", "", "12 "]
    counts = ["项", "个", "条", "元", "万元", "亿元", "万", "年", ""]
    tails = ["", "重点工程", "重点项目", "指标", "约束性指标", "考核指标", "）", "任务", "举措", "为预期性指标", "，"]
    rng = random.Random(seed)
    hits = 0
    for _ in range(4000):
        text = "".join(rng.choice(leads) + rng.choice(numbers) + rng.choice(counts) + rng.choice(tails)
                       for _ in range(rng.randint(1, 3)))
        for rx in rxs:
            for m in rx.finditer(text):
                hits += 1
                assert cue.search(m.group()), (rx.pattern, m.group())
    assert hits > 500


@pytest.mark.parametrize("seed", range(5))
def test_ranges_cover_like_a_scan(seed):
    from extractor.text.targets import _Ranges

    rng = random.Random(seed)
    ranges = [(a, a + rng.randint(0, 30)) for a in (rng.randrange(500) for _ in range(rng.randint(0, 40)))]
    covered = _Ranges(ranges)
    for at in range(-2, 560):
        assert covered.covers(at) == any(a <= at < b for a, b in ranges), at


def _runs_plain(text: str) -> list[tuple[int, int]]:
    """units._iter_runs as first written (as a list): every listed word around each unit word scanned."""
    import regex

    from extractor.patterns import load
    from extractor.text import units

    data = load("units")
    words = set(units.lexicon().variants) | set(data["suffix"]["collective_nouns"]) | set(data["suffix"]["generic"])
    words |= set(data["suffix"]["branch"]) | {p for p, _ in data["prefix"]["levels"]}
    alternation = regex.compile("|".join(sorted(map(regex.escape, words), key=len, reverse=True)), regex.V1)
    pos_words = units._pos_words()
    regions = {p for p, _ in data["prefix"]["levels"] if len(p) == 1}
    out: list[list[int]] = []
    for m in alternation.finditer(text, overlapped=True):
        a, b = m.span()
        if any(text[i:i + n] in pos_words for i in range(max(0, a - 3), b) for n in (2, 3, 4) if i + n > b):
            continue
        if b - a == 1 and a and text[a - 1:b] in pos_words and text[a - 1] not in regions:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def test_unit_runs_like_the_plain_scan():
    from extractor.text import units

    rng = random.Random(9)
    text = "".join(_corpus_lines())
    samples = [text[a:a + rng.randint(0, 80)] for a in (rng.randrange(len(text)) for _ in range(2000))]
    samples += ["市生态环境局历下分局牵头", "处于市区", "布局优化", "各区县人民政府、市直有关部门负责"]
    for s in samples:
        assert list(units._iter_runs(s)) == _runs_plain(s), s


def _clean_plain(m):
    """normalize.clean as first written: both removals always run, then strip."""
    from extractor.normalize import remove_matches
    from extractor.patterns import load

    p = load("text")
    return remove_matches(remove_matches(m, p["bookmark"]), p["han_digit_space"]).strip()


def test_clean_skips_only_text_that_holds_no_match():
    from extractor.model import MappedText
    from extractor.normalize import clean

    rng = random.Random(11)
    pool = ["规划", "2025", "年", " ", "\u3000", "\t", "\n", "[bookmark: _Toc8788]", "[bookmark: x]", "[bookmark:",
            "]", "５", "，", "a"]
    samples = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 9))) for _ in range(4000)]
    samples += _corpus_lines()[:400]
    for s in samples:
        m = MappedText(s, list(range(7, 7 + len(s))))
        fast, plain = clean(m), _clean_plain(m)
        assert (fast.text, list(fast.offsets)) == (plain.text, list(plain.offsets)), repr(s)


def test_removed_matches_keep_the_offsets_of_the_rest_like_a_character_filter():
    """remove_matches keeps a run of offsets as a slice when one stretch is left: its offsets are
    those of the characters outside every match, in order, whatever the offsets' kind."""
    from extractor.model import MappedText, offsets_of
    from extractor.normalize import remove_matches

    rng = random.Random(12)
    pool = ["规划", "2025", "年", " ", "[bookmark: _Toc8788]", "[bookmark: x]", "[bookmark:", "]", "，", "a"]
    for _ in range(3000):
        s = "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))
        hit = [i for m in re.finditer(r"\[bookmark:[^\]]*\]", s) for i in range(m.start(), m.end())]
        for offsets in (range(5, 5 + len(s)), offsets_of(range(5, 5 + len(s))), [5 + 2 * i for i in range(len(s))]):
            out = remove_matches(MappedText(s, offsets), r"\[bookmark:[^\]]*\]")
            plain = [o for i, o in enumerate(offsets) if i not in hit]
            assert (out.text, list(out.offsets)) == ("".join(ch for i, ch in enumerate(s) if i not in hit), plain), s


def test_clean_follows_a_customised_bookmark_pattern(tmp_path, monkeypatch):
    from extractor import patterns
    from extractor.model import MappedText
    from extractor.normalize import clean

    text = (patterns.source_of("text")).read_text(encoding="utf-8")
    custom = text.replace("bookmark = '\\[bookmark:[^\\]]*\\]'", "bookmark = '\\[bookmark:[^\\]]*\\]|#+'")
    assert custom != text
    (tmp_path / "text.toml").write_text(custom, encoding="utf-8")
    monkeypatch.setenv("PLANX_PATTERNS", str(tmp_path))
    patterns.load.cache_clear()
    try:
        out = clean(MappedText("规划##目标", list(range(6))))
        assert (out.text, list(out.offsets)) == ("规划目标", [0, 1, 4, 5])
    finally:
        monkeypatch.delenv("PLANX_PATTERNS")
        patterns.load.cache_clear()


def test_a_bad_character_in_a_cell_or_label_is_cleaned_with_clean_block_texts():
    from extractor.model import Block, Cell, Document, Table

    cell = Cell("值\x07", [0, 1], 0, 0, 1)
    blocks = [Block("paragraph", "总则", [0, 1], 0, 2, 1, label="一\u202e"),
              Block("table", "值", [0], 0, 2, 2, table=Table([[cell]]))]
    doc = Document("d", "d.txt", "txt", "0", "总则\n值", blocks)
    assert doc.blocks[0].label == "一\ufffd" and cell.text == "值\ufffd" and doc.blocks[0].text == "总则"


def test_flat_cell_text_like_the_line_join():
    from extractor.tables.header import flat

    rng = random.Random(13)
    pool = ["指标", " ", "\u3000", "\n", "\t", "2025", "（万元）", "\r"]
    for _ in range(3000):
        s = "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))
        assert flat(s) == "".join(line.strip() for line in s.split("\n")), repr(s)


def test_astral_test_like_a_scan():
    rng = random.Random(19)
    pool = ["a", "规", "\n", "\ud800", "\U0001f600", "\U000ffffe", "\uffff", "\U00010000"]
    for _ in range(3000):
        s = "".join(rng.choice(pool) for _ in range(rng.randint(0, 6)))
        assert hygiene._has_astral(s) == any(ord(c) > 0xFFFF for c in s), repr(s)


def test_span_dict_is_its_fields_in_order_with_a_new_bbox():
    from extractor.records import _span

    spans = [Span(3, 10, 20), Span(1, 0, 5, 2, None, 1, 2, 3, "规划", [1.0, 2.0, 3.0, 4.0]),
             _span({"bbox": [0.5, 1, 2, 3], "quote": "目标", "line": 7, "start": 1, "end": 2})]
    for s in spans:
        d = s.to_dict()
        assert list(d.items()) == [(f.name, getattr(s, f.name)) for f in dataclasses.fields(Span)]
        if s.bbox is not None:
            assert d["bbox"] is not s.bbox
            d["bbox"].append(9.0)
            assert len(s.bbox) == 4


def test_a_record_with_other_attributes_converts_field_by_field():
    from extractor.records import GridCell, PlanPeriod

    cell = GridCell("≥27", span=Span(2, 5, 8, quote="≥27"))
    cell.note = "not a field"  # an attribute besides the fields: left out, the fields in their order
    assert repr(to_json(cell)) == repr(_jsonable_plain(cell))
    for period in (PlanPeriod(2021, 2025), PlanPeriod(2021, 2025, True)):
        period.extra = 1
        assert repr(to_json(period)) == repr(_jsonable_plain(period))
    assert list(to_json(PlanPeriod(2021, 2025))) == ["start", "end"]


def test_quote_collapses_a_head_like_the_whole_text():
    from extractor.model import QUOTE_CHARS, _quote
    from extractor.patterns import compiled, load

    bookmark = compiled(load("text")["bookmark"])
    rng = random.Random(5)
    pool = ["规划", "目标", " ", "  ", "\t", "\n", "\u3000", "[bookmark: _Toc1]", "[bookmark:", "]", "2025", "a" * 40,
            " " * 70]
    samples = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40))) for _ in range(4000)]
    for s in samples + _corpus_lines()[:300]:
        assert _quote(s, bookmark) == (" ".join(bookmark.sub("", s).split())[:QUOTE_CHARS] or None), repr(s)


def _compat_plain(kind, text):
    from extractor.patterns import compiled
    from extractor.tables.header import _key, header_year, is_label_kind, lex, matches

    t = _key(text)
    if not t:
        return 0
    num, seq, attr = matches("number_cell", t), matches("seq_cell", t), matches("attribute_cell", t)
    table = {"seq": 2 if seq else -2, "attribute": 3 if attr else -2,
             "status": 2 if matches("status_cell", t) else -1,
             "unit": -2 if num else (1 if matches("unit_cell", t) else -1)}
    if kind in table:
        return table[kind]
    if is_label_kind(kind):
        return -2 if (num or seq) else (-1 if attr else 1)
    if kind in ("standard", "baseline", "target", "cumulative", "investment"):
        unit_like = len(t) <= 6 and compiled(lex()["unit_text"]).search(t) is not None
        return 1 if num else (-2 if attr else (-1 if unit_like else 0))
    if kind == "period":
        return 2 if header_year(t) else -1
    return 0


def test_cell_fit_reads_only_what_the_kind_asks_like_reading_all():
    from extractor.tables.header import compat, lex

    kinds = [c["kind"] for c in lex()["columns"]] + ["unknown", "period", "cumulative"]
    cells = [c for line in _corpus_lines()[:600] for c in line.split("\t")]
    cells += ["", "1", "（一）", "约束性", "预期性", "≥27", "%", "万元", "2025年", "完成", "—", "亿元"]
    for text in cells:
        for kind in kinds:
            assert compat(kind, text) == _compat_plain(kind, text), (kind, text)


def test_dates_read_once_per_text_like_reading_each_time():
    from extractor.audit import dates

    rng = random.Random(3)
    texts = [f"{y}-{m}-{d}" for y in (2020, 2024, 2100) for m in (0, 1, 2, 12, 13) for d in (0, 1, 28, 29, 30, 31)]
    texts += ["2025", "2025-6", " 2025-06 ", "", None, 2025, "二〇二五年", "2025-06-31x"]
    for s in texts + [rng.choice(texts) for _ in range(200)]:
        m = dates._ISO.fullmatch(str(s or "").strip())
        plain = (dates.PartialDate((s,)) if isinstance(s, int) else
                 None if not m or dates._invalid.__wrapped__(str(s or "").strip())
                 else dates.PartialDate(tuple(int(g) for g in m.groups() if g)))
        assert dates.parse(s) == plain and dates.parse(s) == plain, repr(s)
        if not isinstance(s, int):
            assert dates.invalid(s) == dates._invalid.__wrapped__(str(s or "").strip()), repr(s)



def test_project_periods_read_year_and_month_groups():
    from extractor.tables.projects import parse_period

    cases = {"2022.6-2023.12": ("2022-6", "2023-12"), "2021—2025年": ("2021", "2025"), "2023年起": (None, "2023"), "2023年3月起": ("2023-3", None),
             "2024.16": (None, "2024-16"), "2021年3月至2022年": ("2021-3", "2022"), "长期": (None, None)}
    for raw, want in cases.items():
        got = parse_period(raw)
        assert (got.raw, got.start, got.end) == (raw, *want), raw


def test_values_parsed_once_per_text_come_as_new_values_like_a_fresh_parse():
    from extractor import values

    samples = ["≥27", "△EQI＞-1", "3—5", "完成上级规定的考核任务（53）", "99.22*", "/", "—", "", None, "20%以上",
               "不低于95%", "约1.2亿元", "三个", "≤0.5mg/L", "35以下", "约束性"]
    for raw in samples + samples:
        got = values.parse_value(raw)
        assert got == values._parse(raw) and got is not values.parse_value(raw), repr(raw)
        got.value = "changed"  # a caller's change stays its own
        assert values.parse_value(raw) == values._parse(raw), repr(raw)


def test_change_values_told_once_per_text_and_pattern():
    from extractor.audit import values as audit_values
    from extractor.language.normalise import nfkc
    from extractor.patterns import compiled, load
    from extractor.records import Value

    rx = compiled(load("checks")["values"]["change"])
    vals = [Value("△EQI＞-1"), Value("下降10%"), Value("≥27"), Value(None, qualitative="较2020年下降"), Value(None), None,
            Value("减少5", qualitative="下降"), Value("")]
    for v in vals + vals:
        text = nfkc(" ".join(x for x in (v.raw, v.qualitative) if x)) if v else ""
        assert audit_values.is_change(v) == (bool(text) and bool(rx.search(text))), v
    assert audit_values._written_as_change("≥27", None, "≥") and not audit_values._written_as_change("≥27", None, "下降")


def test_the_unit_checks_read_the_units_once_per_context():
    from extractor.audit import units
    from extractor.audit.context import AuditContext
    from extractor.records import DocumentInfo, ExtractResult, Responsibility, UnitRef

    calls = []
    resp = [Responsibility(f"resp-{i}", [name], "责任", "", normalized_units=[UnitRef(name, name, None, known)])
            for i, (name, known) in enumerate([("市住房城乡建设局", True), ("市住房建设局", False)], 1)]
    ctx = AuditContext(ExtractResult(document=DocumentInfo("d", "d.txt", "txt", "0"), responsibilities=resp))
    read = units._occurrences
    units._occurrences = lambda c: calls.append(c) or read(c)
    try:
        found = list(units.variants(ctx)) + list(units.unknown(ctx))
    finally:
        units._occurrences = read
    assert len(calls) == 1 and len(found) == 2 and found == list(units.variants(ctx)) + list(units.unknown(ctx))


def _library_patterns() -> list[str]:
    """Every regular expression the pattern files declare."""
    from extractor import patterns
    from extractor.pattern_schema import SCHEMAS

    for name in SCHEMAS:
        patterns.load(name)
    return sorted(patterns._PLACES)


def _made_texts(pattern: str, rng: random.Random, count: int) -> list[str]:
    """Texts made of a pattern's own characters (its \\uXXXX ones, the ends and the middle of its
    ranges) and their neighbours: where the pattern matches, half matches and fails."""
    chars = {c for c in pattern if c not in "\\[]()?:*+{}^$|"}
    chars |= {chr(int(h, 16)) for h in re.findall(r"\\u([0-9a-fA-F]{4})", pattern)}
    for lo, hi in re.findall(r"(?<!\\)(\\u[0-9a-fA-F]{4}|[^\\\[\]])-(\\u[0-9a-fA-F]{4}|[^\\\[\]])", pattern):
        lo, hi = (chr(int(x[2:], 16)) if x.startswith("\\u") else x for x in (lo, hi))
        chars |= {lo, hi, chr((ord(lo) + ord(hi)) // 2)}
    pool = sorted(chars) + ["\n", " ", "\u3000", "\x1c", "a", "1", "。"]
    return ["".join(rng.choice(pool) for _ in range(rng.randrange(40))) for _ in range(count)]


def test_plain_patterns_go_to_re_and_find_what_regex_finds():
    """A pattern of the plain syntax is compiled by ``re``; on the corpora and on texts made of its
    own characters and their neighbours it finds the same matches as ``regex`` (V1) does, by
    ``finditer``, and by ``search`` and ``match`` between any two places of a text."""
    import regex

    from extractor.patterns import _RE_SAFE, compiled

    plain = [p for p in _library_patterns() if _RE_SAFE.fullmatch(p)]
    assert len(plain) >= 80  # the sentence marks, the colons, the bookmarks, the duty words…
    assert sum("|" in p for p in plain) >= 30 and sum(p.startswith("^") or p.endswith("$") for p in plain) >= 20
    assert all(isinstance(compiled(p), re.Pattern) for p in plain)
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPORA.glob("*.txt"))]
    rng = random.Random(5)
    for p in plain:
        fast, slow = compiled(p), regex.compile(p, regex.V1)
        made = _made_texts(p, rng, 300)
        for text in texts + made:
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)], (p, text[:80])
        for text in made:
            i = rng.randrange(len(text) + 1)
            j = rng.randrange(i, len(text) + 1)
            for how in ("search", "match"):
                got, want = getattr(fast, how)(text, i, j), getattr(slow, how)(text, i, j)
                assert (got and got.span()) == (want and want.span()), (p, how, text, i, j)


def test_the_plain_syntax_is_told_apart():
    """Alternatives, anchors, ranges and \\uXXXX characters are plain; classes, dots, capturing
    groups, look-arounds and ``regex``'s own set syntax are not."""
    from extractor.patterns import _RE_SAFE

    plain = ["a|b", "^a$", "(?:到|至)?[0-9０-９]{1,4}年", r"[ \u3000]", r"[\-a]", r"\[bookmark:[^\]]*\]", "^$"]
    other = [r"\s+", r"\d", "a.b", "(?<=a)b", "(?!a)b", "(?P<n>a)", "(a)", "[[:alpha:]]", "[a&&b]", "[a--b]",
             r"\p{Han}", "(?i)a", r"\bA"]
    assert [p for p in plain if not _RE_SAFE.fullmatch(p)] == []
    assert [p for p in other if _RE_SAFE.fullmatch(p)] == []


@pytest.mark.parametrize("pattern", [r"\s+", r"\d", "a.b", "(?<=a)b", "(?P<n>a)", "[[:alpha:]]",
                                     "[a&&b]", r"\p{Han}", "(a)"])
def test_other_syntax_stays_with_regex(pattern):
    import regex

    from extractor.patterns import compiled

    assert isinstance(compiled(pattern), regex.Pattern)


def test_regex_keywords_have_a_regex_pattern():
    """``compiled_regex`` gives ``regex``'s pattern also for plain syntax (``overlapped=True``)."""
    import regex

    from extractor.patterns import compiled, compiled_regex

    assert isinstance(compiled("市|县"), re.Pattern) and isinstance(compiled_regex("市|县"), regex.Pattern)
    assert [m.group() for m in compiled_regex("济南市|南市").finditer("济南市", overlapped=True)] == ["济南市", "南市"]


def test_a_bad_plain_looking_pattern_is_reported_by_regex():
    import regex

    from extractor.patterns import compiled

    with pytest.raises(regex.error):
        compiled("(?:*a)")


_NOTICE_SLOTS = [["", "某某市人民政府", "某某市人民政府办公厅 省发展和改革委员会"], ["", " ", "\u3000", "\n"], ["", "关于"],
                 ["印发", "转发", "发布", "印", "发"], ["", " ", "\u3000\u3000", "\n"], ["《", ""],
                 ["生态环境保护规划", "规划"], ["》", ""], ["", "等三个文件"], ["", " "], ["的通知", "通知"]]
_PHASE_SLOTS = [["", "规划", "。"], ["近期", "中期", "远期", "近中期", "中远期", "期", "近"], ["", "：", "为", "（"],
                [" ", "", "\u3000"], ["2021", "２０２５", "2035"], ["", "年"], ["～", "-", "至", "到"], ["2025", "2030"], ["年", ""]]
_TOC_SLOTS = [["", "规划", "一、"], ["[bookmark:", "[bookmark: ", "[bookmark:\u3000", "bookmark:"], ["", " ", "\t"],
              ["_Toc123", "_Ref4", "_Toc"], ["", " x", "]]"], ["]", ""], ["", "总则"]]
_SPACE_SLOTS = [["", "规划", "a"], ["", "年", "2021", "２０２５"], ["", " ", "\u3000", "  "], ["", "5", "月", "x"], ["", "目标"]]


@pytest.mark.parametrize("file, pattern, cue, slots", [
    ("metadata", "notice", "notice_cue", _NOTICE_SLOTS),
    ("metadata", "phase_named", "phase_named_cue", _PHASE_SLOTS),
    ("text", "han_digit_space", "han_digit_space_cue", _SPACE_SLOTS),
    ("text", "toc_bookmark", "bookmark", _TOC_SLOTS),
])
def test_a_cue_is_found_wherever_its_pattern_is(file, pattern, cue, slots):
    """A pattern tried only where its cue is: the cue is in every text the pattern matches (the
    corpora's lines, and texts made slot by slot of what the pattern reads and what it does not)."""
    from extractor.patterns import compiled, load

    rx, cue_rx = compiled(load(file)[pattern]), compiled(load(file)[cue])
    rng = random.Random(8)
    texts = _corpus_lines() + ["".join(rng.choice(slot) for slot in slots) for _ in range(3000)]
    hits = 0
    for text in texts:
        if rx.search(text):
            hits += 1
            assert cue_rx.search(text), text
    assert hits > 100


def test_the_quantity_scan_yields_the_numbers_with_a_unit_of_the_plain_scan():
    """The quantity regex passes over a bare numeral inside the scan ((*SKIP)(*FAIL) after it):
    its matches are those of the plain number regex that hold a percent word, a magnitude or a
    unit, spans and groups alike (corpora lines and random texts of numerals, units and words)."""
    import regex

    from extractor.language import numbers
    from extractor.patterns import compiled

    plain, fast = regex.compile(numbers._number_rx(), regex.V1), numbers._quantity_rx()
    assert compiled(numbers._number_rx()).pattern in fast.pattern
    rng = random.Random(21)
    parts = list("零〇一二两三四五六七八九十百千万亿点分之余多个%％年月日元吨公里米1234567890.,~～—-至到 重进步统") + \
        ["百分之", "万亿", "千万", "百分点", "平方公里", "三百分之五"]
    texts = _corpus_lines() + ["".join(rng.choice(parts) for _ in range(rng.randrange(1, 14))) for _ in range(20_000)]
    kept = 0
    for text in texts:
        want = [(m.span(), m.groups()) for m in plain.finditer(text) if m["unit"] or m["mag"] or m["pct"]]
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == want, text
        kept += len(want)
    assert kept > 1000
