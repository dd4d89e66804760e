"""Fast paths of the text stage give exactly what their plain definitions give (their speed is
measured in bench/run.py, not here)."""
from __future__ import annotations

import functools
import random
import tomllib
import unicodedata

import pytest

from conftest import CORPORA
from extractor.language import dates, normalise, numbers
from extractor.model import Block, MappedText
from extractor.records import UnitRef
from extractor.patterns import compiled, load, source_of
from extractor.readers import read
from extractor.text import deadlines, responsibilities, units
from extractor.text.sentences import nfkc_mapped, passages


def _body_rx_reading(name: str):
    m = units.lexicon().body_rx.match(name)
    return (m.start("body"), m.end("body"), m.end(), m["pre"], m["body"], m["branch"]) if m else None


def _look_up_reading(name: str):
    m = units.match_body(name)
    return (m.body_start, m.body_end, m.end, m.pre, m.body, m.branch) if m else None


def _names(rng: random.Random, n: int) -> list[str]:
    """Unit names and near-names: region prefixes, lexicon bodies (often two, or cut short),
    Han and other characters around them, branch endings, line breaks."""
    data = load("units")
    bodies = sorted(units.lexicon().variants)
    prefixes = [p for p, _ in data["prefix"]["levels"]] + ["历下区", "济南市", "各", "县（市、区）", ""]
    branches = list(data["suffix"]["branch"]) + list(data["suffix"]["generic"])
    fill = list("市区县局委办的和及与分中心站所天桥北") + ["A", "1", "（", "）", " ", "\n", "·"]
    out = []
    for _ in range(n):
        parts = [rng.choice(prefixes)]
        for _ in range(rng.randint(1, 2)):
            body = rng.choice(bodies)
            parts.append(body if rng.random() < 0.7 else body[: rng.randint(1, len(body))])
        if rng.random() < 0.5:
            parts.append("".join(rng.choice(fill) for _ in range(rng.randint(0, 10))))
        if rng.random() < 0.5:
            parts.append(rng.choice(branches))
        if rng.random() < 0.2:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(fill))
        out.append("".join(parts))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_body_look_up_reads_names_like_the_lexicon_pattern(seed):
    for name in _names(random.Random(seed), 3000):
        assert _look_up_reading(name) == _body_rx_reading(name), name


def test_body_look_up_on_the_bracketed_words_of_the_corpora():
    """Every bracketed stretch and 、-separated item of the sample documents, read both ways."""
    names = set()
    for path in sorted(CORPORA.glob("*.txt")):
        for block in read(path).blocks:
            for part in units.compiled(r"[（(〔]([^（）()〔〕]{1,60})[）)〕]").findall(block.text):
                names.update(x for x in units.compiled(r"[、，,；;：:]").split(part) if x)
    assert len(names) > 200
    for name in names:
        assert _look_up_reading(name) == _body_rx_reading(name), name


def test_only_marks_and_jamo_reorder_or_compose():
    """What nfkc_each relies on, over every code point: a character of a non-zero combining
    class is a mark; the second part of every canonical composition pair is a mark or a jamo;
    no character normalises to nothing."""
    composing = normalise._composing()
    for cp in range(0x110000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        assert unicodedata.normalize("NFKD", ch), hex(cp)
        if unicodedata.combining(ch):
            assert composing.match(ch), hex(cp)
        dec = unicodedata.decomposition(ch).split()
        if len(dec) == 2 and not dec[0].startswith("<"):
            assert composing.match(chr(int(dec[1], 16))), hex(cp)


def test_the_plain_blocks_hold_no_mark_and_no_hangul():
    composing = normalise._composing()
    plain = [chr(cp) for cp in range(0x10000) if not normalise._BEYOND_PLAIN.match(chr(cp))]
    assert len(plain) > 30_000 and "中" in plain and "，" not in plain  # "，" is NFKD-folded first
    assert not [hex(ord(ch)) for ch in plain if composing.match(ch)]


def _per_char(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    pairs = [(n, o) for ch, o in zip(text, offsets) for n in unicodedata.normalize("NFKC", ch)]
    return "".join(n for n, _ in pairs), [o for _, o in pairs]


@pytest.mark.parametrize("seed", range(3))
def test_whole_text_nfkc_equals_nfkc_per_character(seed):
    """Chinese text with full-width forms, compatibility ideographs, circled numbers, marks and
    jamo here and there: nfkc_mapped is NFKC character by character, offsets included."""
    rng = random.Random(seed)
    corpus = "".join(b.text for p in sorted(CORPORA.glob("*.txt"))[:2] for b in read(p).blocks)
    extra = "ＰＭ２．５（）㎡①⑴…ﬁ가각é\u0301\u0316\u3099ｶﾞ\uf900\u2126"
    for k in range(400):
        start = rng.randrange(len(corpus) - 300)
        chars = list(corpus[start:start + rng.randint(1, 300)])
        for _ in range(rng.randint(0, 3) if k % 2 else 0):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(extra + chr(rng.randrange(0x80, 0x30000))))
        text = "".join(ch for ch in chars if not 0xD800 <= ord(ch) <= 0xDFFF)
        offsets = list(range(7, 7 + len(text)))
        m = nfkc_mapped(MappedText(text, offsets))
        assert (m.text, list(m.offsets)) == _per_char(text, offsets), text


def _all_dates(text: str, ctx, monkeypatch) -> list:
    with monkeypatch.context() as m:
        m.setitem(dates._p(), "cue", "")  # the plain path: every passage searched,
        m.setattr(dates, "_outer", functools.partial(dates._outer, "", False))  # at every position, each match to Python
        return dates.find_dates(text, ctx)


def _ctx():
    return dates.YearContext(issue_year=2021, plan_start=2021, plan_end=2025)


def test_date_forms_hold_the_cue():
    cue = compiled(load("dates")["cue"])
    raw = {name: tomllib.loads(source_of(name).read_text(encoding="utf-8")) for name in ("dates", "periods")}
    examples = [e for key in ("point", "year_range") for e in raw["dates"][key]["examples"]]
    examples += raw["periods"]["five_year"]["examples"]
    assert examples and all(cue.search(e) for e in examples)


@pytest.mark.parametrize("seed", range(3))
def test_text_without_the_cue_holds_no_date(seed, monkeypatch):
    """Text of every character the date and period patterns name, but none the cue matches: the
    full search finds no date either."""
    cue = compiled(load("dates")["cue"])
    named = set(source_of("dates").read_text(encoding="utf-8"))
    named |= set(source_of("periods").read_text(encoding="utf-8"))
    alphabet = sorted(ch for ch in named | set("零〇一二两三四五六七八九百千万，。、 ０１２") if not cue.match(ch))
    assert "到" in alphabet and "底" in alphabet and "2" in alphabet and "十" in alphabet  # digits alone make no date
    rng = random.Random(seed)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert _all_dates(text, _ctx(), monkeypatch) == [], text


@pytest.mark.parametrize("seed", range(3))
def test_dates_of_digits_and_date_words_with_and_without_the_guard(seed, monkeypatch):
    """Strings of digits, decimal points, date words, range marks and prefixes: a date found
    without passing over the digits inside a number is found with it."""
    pieces = [*"0123456789", "0", "1", "2", "20", "2025", ".", "年", "月", "日", "底", "末", "前", "后", "起",
              "至", "到", "~", "-", "—", "截至", "自", "于", "今年", "本", "十四五", "期间", "“", "”", "（", "，", "万"]
    rng = random.Random(seed)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 16)))
        fast, plain = _ctx(), _ctx()
        assert dates.find_dates(text, fast) == _all_dates(text, plain, monkeypatch), text
        assert fast == plain


def test_the_date_scan_passes_over_empty_points_itself():
    """On the sample documents the plain scan brings hundreds of matches whose point is empty (a
    digit that opens no date, a prefix before one), each discarded in Python; the scan as used
    brings none of them, and every other match is the plain scan's."""
    groups = dates._numbers("pp", "yr", "p1")
    plain = dates._outer(pass_empty=False)
    empty = kept = 0
    for path in sorted(CORPORA.glob("*.txt")):
        for psg in passages(read(path)):
            text = psg.text.text
            fast = [(m.span(), m.group(*groups)) for m in dates._outer().finditer(text)]
            assert all(any(g) for _, g in fast), text
            every = [(m.span(), m.group(*groups)) for m in plain.finditer(text)]
            empty += sum(not any(g) for _, g in every)
            kept += len(fast)
            assert fast == [(s, g) for s, g in every if any(g)], text
    assert empty > 300 and kept > 200


def test_dates_of_the_corpora_with_and_without_the_cue(monkeypatch):
    """Every passage of the sample documents in reading order, each way with its own year context."""
    for path in sorted(CORPORA.glob("*.txt")):
        fast, plain = _ctx(), _ctx()
        for psg in passages(read(path)):
            assert dates.find_dates(psg.text.text, fast) == _all_dates(psg.text.text, plain, monkeypatch)
            assert fast == plain


def test_note_forms_hold_the_cue():
    raw = tomllib.loads(source_of("responsibilities").read_text(encoding="utf-8"))
    for form, cue in (("note", "note_cue"), ("bare_label", "label_cue")):
        assert raw[form]["examples"] and all(compiled(raw[cue]).search(e) for e in raw[form]["examples"])


@pytest.mark.parametrize("seed", range(3))
def test_text_without_a_note_cue_holds_no_such_note(seed, monkeypatch):
    """Blocks of every character the responsibility patterns name but none the cue matches: the
    note search finds nothing in them, alone or run on into the next block."""
    cfg = load("responsibilities")
    named = set(source_of("responsibilities").read_text(encoding="utf-8")) | set("市区县局委办政府，。；、\n ")
    rng = random.Random(seed)
    for cue in ("note_cue", "label_cue"):  # the other form's cue characters stay in
        alphabet = sorted(ch for ch in named if not compiled(cfg[cue]).match(ch))
        for _ in range(2000):
            texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(2)]
            blocks = [Block("paragraph", t, list(range(len(t))), 0, len(t), 1) for t in texts]
            with monkeypatch.context() as m:  # the plain search of both forms
                m.setitem(cfg, "note_cue", "")
                m.setitem(cfg, "label_cue", "")
                plain = responsibilities._notes(blocks, 0, cfg)
            found = responsibilities._notes(blocks, 0, cfg)
            assert found == plain, texts
            assert not any(f.bare for f in found) if cue == "label_cue" else not any(not f.bare for f in found)


def _all_quantities(text: str, monkeypatch) -> list:
    with monkeypatch.context() as m:
        m.setattr(numbers, "_cue", lambda: compiled(""))  # the plain path: every text searched
        return numbers.find_quantities(text)


@pytest.mark.parametrize("seed", range(3))
def test_text_without_the_quantity_cue_holds_no_quantity(seed, monkeypatch):
    """Text of Chinese numerals, units, magnitudes, range and more marks, with no digit, no
    Chinese-numeral unit, no magnitude or percent word and no two Chinese digits in a row: the
    full search finds no quantity either."""
    p = load("numbers")
    cue = numbers._cue()
    pieces = [*p["units"], *p["cn_digit_chars"], *p["cn_places"], *p["cn_large_places"], p["cn_point"],
              *p["more_marks"], "~", "-", "至", "到", "第", "#", ".", ",", "，", " ", "个", "分之", "百分", "百"]
    rng = random.Random(seed)
    tried = 0
    while tried < 3000:
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        if cue.search(text):
            continue
        tried += 1
        assert _all_quantities(text, monkeypatch) == [], text


def test_quantities_of_the_corpora_with_and_without_the_cue(monkeypatch):
    for path in sorted(CORPORA.glob("*.txt")):
        for psg in passages(read(path)):
            assert numbers.find_quantities(psg.text.text) == _all_quantities(psg.text.text, monkeypatch)


def _source_text_plain(doc, m, i, j):
    return deadlines.source_chars(doc, m.offsets[i:j])


def test_source_text_of_one_stretch_like_char_by_char():
    """Every sentence range of the corpora's passages (one stretch or not), and random ranges of
    offsets with repeats, gaps and line breaks."""
    rng = random.Random(5)
    for path in sorted(CORPORA.glob("*.txt"))[:3]:
        doc = read(path)
        for psg in passages(doc):
            for i, j in psg.sentences:
                assert deadlines.source_text(doc, psg.text, i, j) == _source_text_plain(doc, psg.text, i, j)
        for _ in range(500):
            start = rng.randrange(len(doc.text) - 50)
            offsets = [start]
            for _ in range(rng.randint(0, 30)):
                offsets.append(offsets[-1] + rng.choice([1, 1, 1, 0, 2]))
            m = MappedText("x" * len(offsets), offsets)
            i, j = sorted((rng.randint(0, len(offsets)), rng.randint(0, len(offsets))))
            assert deadlines.source_text(doc, m, i, j) == _source_text_plain(doc, m, i, j)


def _subjects(texts, monkeypatch) -> tuple[list, list]:
    """leading_units of each text, with and without its quick test of the opening word."""
    cfg = load("responsibilities")
    end, bad = tuple(cfg["subject_end_pos"]), tuple(cfg["subject_bad_pos"])
    fast = [units.leading_units(t, end, bad) for t in texts]
    with monkeypatch.context() as m:
        m.setattr(units, "_opens_with_stop_word", lambda window, stop: False)
        plain = [units.leading_units(t, end, bad) for t in texts]
    return fast, plain


def test_subjects_of_the_corpora_with_and_without_the_opening_test(monkeypatch):
    """Every sentence start of the sample documents' passages."""
    texts = [psg.text.text[i:] for path in sorted(CORPORA.glob("*.txt")) for psg in passages(read(path))
             for i, _ in psg.sentences]
    fast, plain = _subjects(texts, monkeypatch)
    assert fast == plain and any(fast)


@pytest.mark.parametrize("seed", range(3))
def test_subjects_of_listed_words_with_and_without_the_opening_test(seed, monkeypatch):
    """Strings of verbs, adverbs, prepositions and unit words (one-character endings, region
    words, bodies, names that open with a verb: "管理委员会")."""
    words, _ = units._unit_words()
    pos = units._pos_words()
    pieces = sorted(words)[:200] + sorted(w for w, tag in pos.items() if tag[:1] in "vdp")[:300]
    pieces += ["、", "和", "要", "负责", "，", "。"]
    rng = random.Random(seed)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(1500)]
    fast, plain = _subjects(texts, monkeypatch)
    assert fast == plain


def _notes_both(blocks, monkeypatch) -> tuple[list, list]:
    """The notes of each block, with and without the quick test of an unlabelled note's role verb."""
    cfg = load("responsibilities")
    fast = [responsibilities._notes(blocks, k, cfg) for k in range(len(blocks))]
    with monkeypatch.context() as m:
        verb_segments = responsibilities._verb_segments
        m.setattr(responsibilities, "_verb_segments", lambda body, cfg, need_role=False: verb_segments(body, cfg))
        plain = [responsibilities._notes(blocks, k, cfg) for k in range(len(blocks))]
    return fast, plain


def test_notes_of_the_corpora_with_and_without_the_role_test(monkeypatch):
    found = 0
    for path in sorted(CORPORA.glob("*.txt")):
        blocks = [b for b in read(path).blocks if b.kind != "table"]
        fast, plain = _notes_both(blocks, monkeypatch)
        assert fast == plain
        found += sum(map(len, fast))
    assert found


@pytest.mark.parametrize("seed", range(3))
def test_notes_of_units_and_role_verbs_with_and_without_the_role_test(seed, monkeypatch):
    """Brackets of unit names, role verbs (also split by a space), commas, within a sentence or
    closing it."""
    pieces = sorted(units.lexicon().variants)[:100] + ["市", "区", "各", "政府", "牵头", "牵 头", "负责", "配合",
                                                      "参与", "、", "，", "；", "和", "以下简称", "2025年"]
    rng = random.Random(seed)
    texts = []
    for _ in range(1500):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
        texts.append("推进工作" + "（" + body + "）" + rng.choice(["。", "", "，加快建设", "；"]))
    blocks = [Block("paragraph", t, range(len(t)), 0, len(t), 1, index=k) for k, t in enumerate(texts)]
    fast, plain = _notes_both(blocks, monkeypatch)
    assert fast == plain and any(fast)


def test_unit_readings_kept_with_the_lexicon_read_like_a_fresh_reading(monkeypatch):
    """normalize gives what reading the name afresh gives, as a new UnitRef each time (a record's
    unit may be changed on its own), also when the kept readings are let go on the way."""
    names = set(_names(random.Random(7), 1500))
    for path in sorted(CORPORA.glob("*.txt"))[:3]:
        for block in read(path).blocks:
            for part in compiled(r"[（(〔]([^（）()〔〕]{1,60})[）)〕]").findall(block.text):
                names.update(x for x in compiled(r"[、，,；;：:]").split(part) if x)
    monkeypatch.setattr(units, "_READINGS_MAX", 500)
    for name in sorted(names) * 2:
        got = units.normalize(name)
        assert got == UnitRef(*units._reading(name)) and got is not units.normalize(name), name
    assert len(units.lexicon().readings) <= 500
