"""Value parsing of table cells (SPEC's V)."""
import pytest

from extractor.values import is_placeholder, parse_value, split_flags


@pytest.mark.parametrize("raw,op,value,unit,qual", [
    ("≥27", ">=", 27, None, None),
    ("≤35", "<=", 35, None, None),
    ("△EQI＞-1", ">", -1, None, None),
    ("＞-1", ">", -1, None, None),
    ("99.22*", None, 99.22, None, None),
    ("100%", None, 100, "%", None),
    ("20%以上", ">=", 20, "%", None),
    ("35以下", "<=", 35, None, None),
    ("不低于90%", ">=", 90, "%", None),
    ("不超过0.5", "<=", 0.5, None, None),
    ("１２.５", None, 12.5, None, None),
    ("2000万吨以上", ">=", 2000, "万吨", None),
    ("完成上级规定的考核任务（53）", None, 53, None, "完成上级规定的考核任务"),
    ("完成上级规定的考核任务（0.6543）", None, 0.6543, None, "完成上级规定的考核任务"),
    ("保持稳定或持续改善", None, None, None, "保持稳定或持续改善"),
    ("持续下降", None, None, None, "持续下降"),
    ("中西部地级及以上城市市辖区、东部地区：≥60", ">=", 60, None, "中西部地级及以上城市市辖区、东部地区"),
    ("不少于三个", ">=", 3, "个", None),
])
def test_parse_value(raw, op, value, unit, qual):
    v = parse_value(raw)
    assert (v.raw, v.op, v.value, v.unit, v.qualitative) == (raw, op, value, unit, qual)


@pytest.mark.parametrize("raw", ["/", "-", "—", "未开展", "－"])
def test_placeholders_have_no_value(raw):
    v = parse_value(raw)
    assert v.raw == raw and v.value is None and v.op is None and v.qualitative is None
    assert is_placeholder(raw)


def test_range_keeps_both_bounds():
    v = parse_value("3—5")
    assert (v.op, v.value, v.value_max) == ("range", 3, 5)
    assert parse_value("80~100").value_max == 100


def test_chinese_words_are_not_numbers():
    assert parse_value("统一").value is None
    assert parse_value("进一步提高").value is None


def test_empty_and_none():
    assert parse_value(None).raw is None and parse_value(None).value is None
    assert parse_value("  ").value is None


def test_split_flags():
    assert split_flags("99.22*") == ("99.22", ["*"])
    assert split_flags("生态环境状况指数*") == ("生态环境状况指数", ["*"])
    assert split_flags("重点区域△") == ("重点区域", ["△"])
    assert split_flags("*") == ("*", [])
    assert split_flags("正常") == ("正常", [])


def test_approximate_amounts_have_no_unit_word():
    v = parse_value("12左右")
    assert (v.value, v.unit, v.qualitative) == (12, None, None)
    v = parse_value("约65%")
    assert (v.value, v.unit, v.qualitative) == (65, "%", None)
    assert parse_value("3万吨上下").unit == "万吨"
