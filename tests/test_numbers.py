"""Number and quantity normalisation, including the known failure cases of Chinese normalisers."""
from __future__ import annotations

import pytest

from extractor.language.normalise import nfkc
from extractor.language.numbers import find_quantities, parse_number, parse_vague


def quantities(text: str) -> list[tuple]:
    return [(q.value, q.value_max, q.unit, q.more) for q in find_quantities(nfkc(text))]


def test_no_number_in_words_made_of_numeral_characters():
    assert quantities("统一零售价") == []
    assert parse_number("统一") is None
    assert quantities("进一步推进一体化") == []


def test_vague_pair_is_a_range_not_twenty_three():
    assert parse_number("两三") is None
    assert parse_vague("两三") == (2, 3)
    assert quantities("两三个") == [(2, 3, "个", False)]


def test_abbreviated_wan():
    assert parse_number("13万2") == 132000
    [q] = find_quantities("13万2")
    assert q.normalized() == {"value": 132000, "unit": None}


def test_baifenzhi():
    assert parse_number("百分之一点五七") == 1.57
    assert quantities("百分之一点五七") == [(1.57, None, "%", False)]


def test_full_width_digits():
    assert parse_number("１") == 1
    assert quantities("至少完成１次土壤污染隐患排查") == [(1, None, "次", False)]


@pytest.mark.parametrize("text,expected", [
    ("1,100万元", (1100, None, "万元", False)),
    ("80～100米", (80, 100, "米", False)),
    ("7万余户", (7, None, "万户", True)),
    ("约25000余平方米", (25000, None, "平方米", True)),
    ("分别突破百亿元", (100, None, "亿元", False)),
    ("提高5个百分点", (5, None, "个百分点", False)),
    ("每周开展至少一轮次现场检查", (1, None, "轮次", False)),
    ("力争每年攻克1-2项关键技术难题", (1, 2, "项", False)),
])
def test_quantity_forms(text, expected):
    assert quantities(text) == [expected]


def test_magnitude_is_kept_in_unit_and_applied_in_normalized():
    [q] = find_quantities(nfkc("年捕集CO₂能力50万吨以上"))
    assert (q.value, q.unit) == (50, "万吨")
    assert q.normalized() == {"value": 500000, "unit": "吨"}


def test_percent_and_percentage_points_differ():
    assert quantities("下降4％") == [(4, None, "%", False)]
    assert quantities("提高3个百分点") == [(3, None, "个百分点", False)]


@pytest.mark.parametrize("text", ["PM2.5年均浓度", "第3批", "5#～7#泊位", "分三个阶段", "二〇二一年"])
def test_not_quantities(text):
    assert quantities(text) == []
