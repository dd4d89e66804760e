"""Fast paths of the text stage give exactly what their plain definitions give (their speed is
measured in bench/run.py, not here)."""
from __future__ import annotations

import random

import pytest

from conftest import CORPORA
from extractor.patterns import load
from extractor.readers import read
from extractor.text import units


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
