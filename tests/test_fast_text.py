"""Fast paths of the text stage give exactly what their plain definitions give (their speed is
measured in bench/run.py, not here)."""
from __future__ import annotations

import random
import unicodedata

import pytest

from conftest import CORPORA
from extractor.language import normalise
from extractor.model import MappedText
from extractor.patterns import load
from extractor.readers import read
from extractor.text import units
from extractor.text.sentences import nfkc_mapped


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
        assert (m.text, m.offsets) == _per_char(text, offsets), text
