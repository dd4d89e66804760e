"""OFD (GB/T 33190): text objects and path objects through the PDF reader's layout code give
the document model of the same pages read from PDF — paragraphs, headings, ruled tables with
merges (rules drawn as lines and as thin filled rectangles), a template page's running header
dropped, coordinates under a CTM, ``g N d`` advances — and broken packages get one line."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from extractor.errors import PlanxError
from extractor.readers import read
from extractor.readers.ofd import _Matrix, deltas

from conftest import FIXTURES, block_model

FORMATS = FIXTURES / "formats"


@pytest.mark.parametrize("ofd,pdf", [
    ("plan_numbering.ofd", FIXTURES / "plan_numbering.pdf"),
    ("002_6d72280123f25383.ofd", FIXTURES / "renditions" / "002_6d72280123f25383.pdf"),
    ("004_061c6bf53607da0b.ofd", FIXTURES / "renditions" / "004_061c6bf53607da0b.pdf"),
])
def test_an_ofd_gives_the_document_model_of_its_pdf(ofd, pdf):
    """The fixtures hold the PDFs' pages as an office suite's OFD export lays them out: a text
    object per run (some under a scaling CTM), rules as path objects, the running header on a
    template page."""
    doc = read(FORMATS / ofd)
    assert doc.format == "ofd" and doc.source.endswith(ofd)
    assert block_model(doc) == block_model(read(pdf))


def test_pages_and_offsets_are_provenance(tmp_path):
    doc = read(FORMATS / "plan_numbering.ofd")
    assert len(doc.page_starts) == 4 and [b.page for b in doc.blocks] == sorted(b.page for b in doc.blocks)
    for b in doc.blocks:
        if b.kind == "paragraph":
            assert "".join(doc.text[o] for o in b.offsets) == b.text


def test_an_ofd_from_another_writer_is_read():
    """easyofd's PDF→OFD output: its own namespace, lowercase ``size``, uniform ``g N d`` advances."""
    texts = [b.text for b in read(FORMATS / "004_easyofd.ofd").blocks]
    assert texts[:3] == ["济南市历下区人民政府公报", "主管主办：济南市历下区人民政府", "2021年7月7日出版"]
    assert "历下政字〔2021〕21号" in texts


def test_advances_and_transforms():
    assert deltas("g 3 1.5 2 g 2 0.25") == [1.5, 1.5, 1.5, 2.0, 0.25, 0.25]
    assert deltas("") == [] and deltas("g x 1 3") == [3.0]
    m = _Matrix("0.3528 0 0 0.3528 0 0", 10.0, 20.0)
    x, y = m(100.0, 10.0)
    assert (round(x, 2), round(y, 3)) == (45.28, 23.528) and m.upright and round(m.scale, 4) == 0.3528
    assert not _Matrix("0 1 -1 0 0 0", 0, 0).upright  # rotated text


def _ofd(tmp_path: Path, parts: dict[str, str]) -> Path:
    p = tmp_path / "broken.ofd"
    with zipfile.ZipFile(p, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return p


OFD_XML = ('<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml'
           '</ofd:DocRoot></ofd:DocBody></ofd:OFD>')


@pytest.mark.parametrize("parts,cause", [
    ({"x.txt": "hello"}, r"corrupt OFD \(missing part OFD.xml\)"),
    ({"OFD.xml": "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>"}, "names no DocRoot"),
    ({"OFD.xml": OFD_XML}, r"missing part Doc_0/Document.xml"),
    ({"OFD.xml": OFD_XML, "Doc_0/Document.xml": "<Document><Pages/></Document>"}, "lists no pages"),
    ({"OFD.xml": OFD_XML, "Doc_0/Document.xml": "<Document><Pages><Page BaseLoc='P/C.xml'/></Pages></Document>"},
     r"missing part Doc_0/P/C.xml"),
    ({"OFD.xml": "<ofd:OFD"}, r"corrupt OFD \(OFD.xml: "),
    ({"OFD.xml": OFD_XML, "Doc_0/Document.xml": "<Document><Pages><Page BaseLoc='C.xml'/></Pages></Document>",
      "Doc_0/C.xml": "<Page><Content><Layer/></Content></Page>"}, "no text in the document"),
])
def test_broken_packages_get_one_line(tmp_path, parts, cause):
    with pytest.raises(PlanxError, match=cause) as e:
        read(_ofd(tmp_path, parts))
    assert "\n" not in str(e.value)


def test_not_a_zip_gets_one_line(tmp_path):
    p = tmp_path / "x.ofd"
    p.write_bytes(b"%PDF-1.4 not an ofd")
    with pytest.raises(PlanxError, match="not an OFD document"):
        read(p)
