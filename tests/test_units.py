"""Unit names: lexicon normalisation, list splitting, distribution, prose subjects."""
from __future__ import annotations

import sys

import pytest

from conftest import CORPORA, ROOT
from extractor.text import units as U


@pytest.mark.parametrize("written, canonical, level", [
    ("市发改委", "市发展和改革委员会", "市"),
    ("市发展改革委", "市发展和改革委员会", "市"),
    ("市卫健委", "市卫生健康委员会", "市"),
    ("市住房建设局", "市住房和城乡建设局", "市"),
    ("区住建局", "区住房和城乡建设局", "区县"),
    ("市住房城乡建设局", "市住房和城乡建设局", "市"),
    ("市工信局", "市工业和信息化局", "市"),
    ("市科技局", "市科学技术局", "市"),
    ("市城管局", "市城市管理局", "市"),
    ("市市场监管局", "市市场监督管理局", "市"),
    ("历下区\n水务局", "历下区水务局", "区县"),
    ("市生态环境局天桥分局", "市生态环境局天桥分局", "区县"),
    ("各县市区政府", "各县市区人民政府", "区县"),
    ("天河区人民政府", "天河区人民政府", "区县"),
    ("省生态环境厅", "省生态环境厅", "省"),
    ("山东省住建厅", "山东省住房和城乡建设厅", "省"),
    ("国家发改委", "国家发展和改革委员会", "国家"),
    ("国网济南供电公司", "国网济南供电公司", "企业"),
    ("甸柳新村街道办", "甸柳新村街道办事处", "街道"),
    ("市委宣传部", "市委宣传部", "市"),
])
def test_known_units_normalise(written, canonical, level):
    ref = U.normalize(written)
    assert (ref.canonical, ref.level, ref.known) == (canonical, level, True)
    assert ref.name == U.clean(written)


@pytest.mark.parametrize("written, level", [
    ("市南四湖管理办公室", "市"),
    ("市畜牧兽医事业发展中心", "市"),
    ("规划技术编制组", "other"),
    ("各责任单位", "other"),
])
def test_unknown_units_kept_as_written(written, level):
    ref = U.normalize(written)
    assert (ref.canonical, ref.level, ref.known) == (written, level, False)


def test_split_list_separators_and_conjunctions():
    assert U.split_list("市工业和信息化局、市自然资源和规划局，市文化和旅游局") == [
        "市工业和信息化局", "市自然资源和规划局", "市文化和旅游局"]
    assert U.split_list("各街道和各责任部门") == ["各街道", "各责任部门"]
    assert U.split_list("历下区\n水务局、市财政局等部门") == ["历下区水务局", "市财政局"]


def test_expand_distributes_shared_body_over_bare_regions():
    refs = U.expand(U.split_list("黄埔区、天河区人民政府，市工业和信息化局"))
    assert [r.name for r in refs] == ["黄埔区", "天河区人民政府", "市工业和信息化局"]
    assert [r.canonical for r in refs] == ["黄埔区人民政府", "天河区人民政府", "市工业和信息化局"]
    chain = U.expand(["越秀区", "海珠区", "荔湾区政府"])
    assert [r.canonical for r in chain] == ["越秀区人民政府", "海珠区人民政府", "荔湾区人民政府"]


def test_bare_region_not_expanded_across_levels():
    refs = U.expand(["黄埔区", "市生态环境局"])
    assert refs[0].canonical == "黄埔区" and not refs[0].known


def test_lexicon_size():
    assert U.lexicon_size() >= 200


@pytest.mark.parametrize("sentence, names", [
    ("各责任单位要认真对照各自创建任务", ["各责任单位"]),
    ("领导小组全面负责创建工作的组织领导", ["领导小组"]),
    ("规划技术编制组于5月8日前完成《规划》", ["规划技术编制组"]),
    ("各街道和各责任部门结合创建任务", ["各街道", "各责任部门"]),
    ("区住建局、城管局等部门加强施工工地管理", ["区住建局", "城管局"]),
    ("生态环境部门会同有关部门依法组织开展", ["生态环境部门"]),
])
def test_leading_units_finds_subject(sentence, names):
    hit = U.leading_units(sentence, ("v", "d", "p"), ("a", "ad", "v", "vn", "d", "p", "c", "u"))
    assert hit is not None and hit[0] == names


@pytest.mark.parametrize("sentence", [
    "严格落实山东省人民政府关于建立机制的意见",
    "加大各级财政生态环境保护资金投入力度",
    "由于历下区位于济南核心城区",
])
def test_leading_units_rejects_imperatives(sentence):
    hit = U.leading_units(sentence, ("v", "d", "p"), ("a", "ad", "v", "vn", "d", "p", "c", "u"))
    assert hit is None or not all(U.is_agent(n) for n in hit[0])


@pytest.mark.parametrize("written, canonical, level", [
    ("公安部", "公安部", "国家"),
    ("中国气象局", "中国气象局", "国家"),
    ("国家林草局", "国家林业和草原局", "国家"),
    ("国家铁路局", "国家铁路局", "国家"),
    ("省司法厅", "省司法厅", "省"),
    ("县（市、区）政府", "县（市、区）人民政府", "区县"),
])
def test_national_and_provincial_bodies(written, canonical, level):
    ref = U.normalize(written)
    assert (ref.canonical, ref.level, ref.known) == (canonical, level, True)


def test_list_split_keeps_brackets_whole():
    assert U.split_list("市财政局、各县（市、区）政府") == ["市财政局", "各县（市、区）政府"]


def test_generic_ending_needs_a_name_before_it():
    assert not U.looks_like_unit("场所")
    assert U.looks_like_unit("区委") and U.looks_like_unit("环境科学研究所")


@pytest.mark.parametrize("sentence, names", [
    ("有关部门要建立预警和处置突发事件的快速反应机制", ["有关部门"]),
    ("区委、区政府要加强组织领导", ["区委", "区政府"]),
    ("市生态环境局历下分局要对各项环境保护措施落实情况进行检查", ["市生态环境局历下分局"]),
    ("自然资源主管部门应根据上述要求", ["自然资源主管部门"]),
    ("行业协会、商会应发挥桥梁纽带作用", ["行业协会", "商会"]),
    ("各单位务必于4月23日前，提供全部基础资料", ["各单位"]),
])
def test_leading_units_from_the_lexicon(sentence, names):
    hit = U.leading_units(sentence, ("v", "d", "p"), ("a", "ad", "v", "vn", "d", "p", "c", "u"))
    assert hit is not None and hit[0] == names


@pytest.mark.parametrize("sentence", [
    "迎接生态环境部组织的现场核查工作",  # a verb before a known body
    "按照生态环境部和省生态环境厅总体要求",
    "将生态文明示范区创建工作纳入全区综合目标考核",
    "战略性新兴产业整体处于价值链中低端环节",  # 处于 is a verb, not the unit ending 处
    "城市智慧环保信息平台应用场景不断健全完善",  # 平台 is a noun, not a name ending in 台
    "紧紧抓住省委、省政府实施战略机遇",
])
def test_leading_units_lexicon_rejects(sentence):
    hit = U.leading_units(sentence, ("v", "d", "p"), ("a", "ad", "v", "vn", "d", "p", "c", "u"))
    assert hit is None or not all(U.is_agent(n) for n in hit[0])


def test_small_prose_document_needs_no_segmenter():
    """The lexicon reads every subject of a prose-statement plan: jieba is not even imported."""
    import subprocess

    code = ("import sys; from extractor.pipeline import extract; "
            f"r = extract({str(CORPORA / '004_061c6bf53607da0b.txt')!r}); "
            "assert len(r.responsibilities) == 11, len(r.responsibilities); "
            "assert 'jieba' not in sys.modules, 'jieba imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_unknown_names_use_a_private_jieba():
    """A name the lexicon cannot read goes to jieba, whose own dictionary is left untouched."""
    import jieba

    hit = U.leading_units("生态环境保护督察办公室要加强督查", ("v", "d", "p"), ("a", "ad", "v", "vn", "d", "p", "c", "u"))
    assert U._jieba.cache_info().currsize == 1 and hit is None
    jieba.dt.initialize()
    assert "领导小组办公室" not in jieba.dt.FREQ and "编制组" not in jieba.dt.FREQ


def test_pos_words_are_generated_from_jieba(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    import pos_words

    pos_words.main(tmp_path / "pos_words.tsv")
    assert (tmp_path / "pos_words.tsv").read_text(encoding="utf-8") == \
        (ROOT / "patterns" / "pos_words.tsv").read_text(encoding="utf-8")
