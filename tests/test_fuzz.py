"""Fuzzing (issue 12): random and mutated inputs for the .txt and .docx readers, the whole pipeline
and the batch writers.  Any exception that is not planx's own error fails; what is read obeys the
document model's invariants.  Example counts keep the whole file to a few tens of seconds in CI
(derandomised, so CI is stable); ``PLANX_FUZZ=20 pytest tests/test_fuzz.py`` runs a fresh random
campaign twenty times as long."""
from __future__ import annotations

import copy
import io
import json
import os
import sys
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import PlanxError, extract
from extractor.hygiene import _BAD
from extractor.model import Document
from extractor.readers import read

from conftest import CORPORA, FIXTURES

sys.path.insert(0, str(FIXTURES))
import make_hostile as H  # noqa: E402

_CAMPAIGN = int(os.environ.get("PLANX_FUZZ", "0"))  # PLANX_FUZZ=20: a random campaign, 20× the examples


def fuzz(examples: int) -> settings:
    """Settings of one fuzz test: ``examples`` derandomised examples in CI (a few seconds each)."""
    return settings(max_examples=examples * max(1, _CAMPAIGN), deadline=None, derandomize=not _CAMPAIGN,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


GOOD = CORPORA / "004_061c6bf53607da0b.txt"


def _read_bytes(data: bytes, suffix: str) -> Document | None:
    """Read ``data`` as a file of type ``suffix``: the Document, or None when planx refuses it."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            return read(path)
        except PlanxError as e:
            assert "\n" not in str(e) and str(e).startswith(str(path))
            return None


def _check_model(doc: Document | None) -> None:
    """The document model's promises: clean text everywhere, offsets inside the text."""
    if doc is None:
        return
    n = len(doc.text)
    assert _BAD.search(doc.text) is None
    for b in doc.blocks:
        assert _BAD.search(b.text) is None and (b.label is None or _BAD.search(b.label) is None)
        assert all(0 <= o < n for o in b.offsets)
        if b.table is not None:
            for c in b.table.cells():
                assert _BAD.search(c.text) is None and all(0 <= o < n for o in c.offsets)
    json.dumps([b.text for b in doc.blocks], ensure_ascii=False).encode("utf-8")


# ── .txt ─────────────────────────────────────────────────────────────────────────────────

_PLAN_CHARS = list("一二三四五六七八九十、（）()第章节条到年月日底前完成达到以上以下≥≤%％责任单位：牵头配合市区县局委"
                   "0123456789.,，。；;\t\n -—～~") + ["\ufffe", "\uffff", "\ud800", "\x1b", "\x00", "\x85", "\u202e",
                                                      "\r", "\x0c", "\u2028", "[bookmark: _Toc1]", "表1 ", "\t序号",
                                                      "99999999999999999999", "0000年2月29日"]
_PLAN_TEXT = st.lists(st.sampled_from(_PLAN_CHARS), max_size=300).map("".join)


@fuzz(150)
@given(st.binary(max_size=3000))
def test_fuzz_txt_reader_on_random_bytes(data: bytes):
    _check_model(_read_bytes(data, ".txt"))


@fuzz(150)
@given(_PLAN_TEXT, st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-16-le", "utf-8-sig"]))
def test_fuzz_txt_reader_on_plan_like_text(text: str, encoding: str):
    if not encoding.startswith("utf"):
        text = text.replace("\ud800", "")  # no lone surrogate in GB18030
    _check_model(_read_bytes(text.encode(encoding, errors="surrogatepass"), ".txt"))


@fuzz(40)
@given(_PLAN_TEXT)
def test_fuzz_the_whole_pipeline_on_plan_like_text(text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.txt"
        path.write_bytes(("一、总体要求\n" + text).encode("utf-8", errors="surrogatepass"))
        try:
            result = extract(path).to_dict()
        except PlanxError:
            return
    for s in _strings(result):
        assert _BAD.search(s) is None, repr(s)
    json.dumps(result, ensure_ascii=False).encode("utf-8")


def _strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in _strings(k) + _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


# ── .docx ────────────────────────────────────────────────────────────────────────────────

_XML_TEXT = st.text(alphabet=st.sampled_from(list("规划目标年2025≥%（）、。 abc<>&\"'") + ["\ufffd", "\uffef"]),
                    max_size=20).map(lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
_NUMBER = st.one_of(st.integers(-5, 70), st.integers(-10**20, 10**20).map(str), st.sampled_from(
    ["", "x", "1e9", "0x10", "-0", "999999999999999999999999999999", "١٢"])).map(str)
_HEX = st.one_of(st.integers(-2, 0x110005).map(lambda n: format(n, "X") if n >= 0 else str(n)),
                 st.sampled_from(["D800", "DFFF", "FFFE", "F041", "110000", "-1", "zz", "", "F0FF" * 40]))
_FMT = st.sampled_from(["decimal", "upperRoman", "lowerRoman", "upperLetter", "lowerLetter", "chineseCounting",
                        "chineseCountingThousand", "ideographTraditional", "decimalEnclosedCircle", "bullet",
                        "none", "nonsense"])


@st.composite
def _run(draw) -> str:
    kind = draw(st.sampled_from(["t", "t", "sym", "tab", "br", "fld"]))
    if kind == "t":
        return f'<w:r><w:t xml:space="preserve">{draw(_XML_TEXT)}</w:t></w:r>'
    if kind == "sym":
        return f'<w:r><w:sym w:font="Symbol" w:char="{draw(_HEX)}"/></w:r>'
    if kind == "fld":
        return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
                + draw(st.sampled_from(['<w:r><w:fldChar w:fldCharType="end"/></w:r>', ""])))
    return f"<w:r><w:{kind}/></w:r>"


@st.composite
def _paragraph(draw) -> str:
    ppr = ""
    if draw(st.booleans()):
        ppr = (f'<w:pPr><w:pStyle w:val="s{draw(st.integers(0, 4))}"/><w:numPr><w:ilvl w:val="{draw(_NUMBER)}"/>'
               f'<w:numId w:val="{draw(_NUMBER)}"/></w:numPr><w:outlineLvl w:val="{draw(_NUMBER)}"/></w:pPr>')
    return f"<w:p>{ppr}{''.join(draw(st.lists(_run(), max_size=4)))}</w:p>"


@st.composite
def _table(draw) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        trpr = f'<w:trPr><w:gridBefore w:val="{draw(_NUMBER)}"/></w:trPr>' if draw(st.booleans()) else ""
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            props = draw(st.lists(st.sampled_from([
                f'<w:gridSpan w:val="{draw(_NUMBER)}"/>', '<w:vMerge w:val="restart"/>', "<w:vMerge/>",
                '<w:hMerge w:val="continue"/>', '<w:vMerge w:val="continue"/>']), max_size=2))
            inner = draw(st.lists(_paragraph(), max_size=2))
            cells.append(f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{''.join(inner)}</w:tc>")
        rows.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    return f"<w:tbl>{''.join(rows)}</w:tbl>"


@st.composite
def _numbering(draw) -> str:
    levels = "".join(f'<w:lvl w:ilvl="{draw(_NUMBER)}"><w:start w:val="{draw(_NUMBER)}"/><w:numFmt w:val="{draw(_FMT)}"/>'
                     f'<w:lvlText w:val="{draw(st.sampled_from(["%1、", "%1.%2", "（%3）", "%9", "", "第%1章"]))}"/>'
                     f'<w:lvlRestart w:val="{draw(_NUMBER)}"/></w:lvl>' for _ in range(draw(st.integers(0, 3))))
    nums = "".join(f'<w:num w:numId="{k}"><w:abstractNumId w:val="{draw(st.integers(0, 2))}"/>'
                   f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{draw(_NUMBER)}"/></w:lvlOverride></w:num>'
                   for k in range(draw(st.integers(0, 3))))
    return (f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{H.W_NS}">'
            f'<w:abstractNum w:abstractNumId="0">{levels}</w:abstractNum>{nums}</w:numbering>')


@st.composite
def _styles(draw) -> str:
    styles = "".join(f'<w:style w:type="paragraph" w:styleId="s{k}"><w:name w:val="{draw(st.sampled_from(["heading 1", "标题 2", "Normal", "s"]))}"/>'
                     f'<w:basedOn w:val="s{draw(st.integers(0, 4))}"/><w:pPr><w:outlineLvl w:val="{draw(_NUMBER)}"/>'
                     f'<w:numPr><w:numId w:val="{draw(_NUMBER)}"/></w:numPr></w:pPr></w:style>' for k in range(5))
    return f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{H.W_NS}">{styles}</w:styles>'


@fuzz(60)
@given(st.lists(st.one_of(_paragraph(), _table()), max_size=8), st.one_of(st.none(), _numbering()),
       st.one_of(st.none(), _styles()))
def test_fuzz_docx_reader_on_random_word_xml(body: list[str], numbering, styles):
    data = H.docx_with("".join(body), numbering_xml=numbering, styles_xml=styles)
    _check_model(_read_bytes(data, ".docx"))


_BASE_DOCX = H.docx_with(H._good_body() + H._p("符号", '<w:sym w:char="F041"/>'))


@fuzz(120)
@given(st.lists(st.tuples(st.integers(0, len(_BASE_DOCX) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_fuzz_docx_reader_on_corrupted_packages(flips: list[tuple[int, int]]):
    data = bytearray(_BASE_DOCX)
    for at, value in flips:
        data[at] = value
    _check_model(_read_bytes(bytes(data), ".docx"))


@fuzz(120)
@given(st.integers(0, 2000), st.binary(min_size=1, max_size=40))
def test_fuzz_docx_reader_on_corrupted_document_xml(at: int, junk: bytes):
    src = zipfile.ZipFile(io.BytesIO(_BASE_DOCX))
    xml = src.read("word/document.xml")
    at = at % len(xml)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in src.infolist():
            out.writestr(item, xml[:at] + junk + xml[at + len(junk):] if item.filename == "word/document.xml"
                         else src.read(item.filename))
    _check_model(_read_bytes(buf.getvalue(), ".docx"))


# ── batch writers ───────────────────────────────────────────────────────────────────────

_BASE_RESULT = None


def _base_result() -> dict:
    global _BASE_RESULT
    if _BASE_RESULT is None:
        _BASE_RESULT = extract(GOOD).to_dict()
    return _BASE_RESULT


# values a writer may meet: clean text (the model's promise), formulas, numbers of any size, nesting
_CLEAN_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
                      max_size=40) | st.sampled_from(["=1+1", "+cmd|' /C calc'!A0", "-", "@SUM(A1)", "-1", "", "\t=x",
                                                      "a\nb", "x" * 40000])
_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | _CLEAN_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_CLEAN_TEXT, inner, max_size=3), max_leaves=6)


@fuzz(25)
@given(st.data())
def test_fuzz_batch_writers_never_fail_on_a_value(data):
    from extractor.writers.tabular import write_batch_tables

    result = copy.deepcopy(_base_result())
    kinds = [k for k, v in result.items() if isinstance(v, list) and v]
    for _ in range(data.draw(st.integers(1, 6))):
        kind = data.draw(st.sampled_from(kinds))
        record = data.draw(st.sampled_from(result[kind]))
        key = data.draw(st.sampled_from(sorted(record)))
        record[key] = data.draw(_VALUE)
    if data.draw(st.booleans()):
        result["document"][data.draw(st.sampled_from(["title", "issuer", "region", "warnings"]))] = data.draw(_VALUE)
    result["document"]["doc_id"] = data.draw(st.sampled_from(["d", "=d", "文档"]))
    with tempfile.TemporaryDirectory() as tmp:
        report = write_batch_tables([result, _base_result()], Path(tmp))
        assert report.failures == []
        assert {p.name for p in report.written} >= {"documents.csv", "planx.xlsx", "planx.sqlite"}


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(st.characters(exclude_categories=())),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUES, st.booleans())
def test_a_json_text_said_clean_needs_no_cleaning(value, ascii_only: bool):
    """json_strings_clean (read_result's one search instead of the walk) is never wrong: when it
    says a JSON text's strings are clean, cleaning them changes nothing — whatever the characters,
    written as they are or escaped."""
    from extractor.hygiene import clean_strings, json_strings_clean

    text = json.dumps({"v": value}, ensure_ascii=ascii_only)
    if json_strings_clean(text):
        assert clean_strings(json.loads(text)) == json.loads(text)
    if not ascii_only and "\\" not in text and not _BAD.search(text):
        assert json_strings_clean(text)  # a clean text without escapes is said clean
