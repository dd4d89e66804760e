"""`planx review`: every record highlighted in place in the document's text, a side list with
filters, and a jump from a record to its source and back — checked in headless Chromium."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser import artifacts, browser, page  # noqa: F401  (fixtures)
from conftest import CORPORA, FIXTURES, ROOT

from extractor.model import Block, Document
from extractor.pipeline import extract_document
from extractor.readers import read
from extractor.review import review_html
from extractor.review.render import collect, render

DOCX = FIXTURES / "renditions" / "002_6d72280123f25383.docx"


@pytest.mark.parametrize("path", [CORPORA / "000_71534264ba41b2d2.txt", DOCX,
                                  FIXTURES / "renditions" / "004_061c6bf53607da0b.pdf"])
def test_every_record_is_located_in_the_text(path):
    doc = read(path)
    result = extract_document(doc)
    page, total, lost = render(doc, result, path)
    kinds = ("indicators", "projects", "targets", "deadlines", "responsibilities")
    assert total == sum(len(getattr(result, k)) for k in kinds) > 0
    assert lost == 0, [r.id for r in collect(result) if r.start < 0]
    pages = re.findall(r'<div class="page" id="page-(\d+)"', page)
    assert pages == ([str(n) for n in range(1, len(pages) + 1)] if path.suffix == ".pdf" else []) and (
        path.suffix != ".pdf" or len(pages) > 1)  # a pdf's page markers, in order
    for k in kinds:
        for rec in getattr(result, k):
            assert f'id="rec-{rec.id}"' in page
            assert re.search(rf'data-recs="(?:[^"]* )?{re.escape(rec.id)}(?: [^"]*)?"', page), rec.id  # marked


def test_document_text_is_escaped():
    text = "一、总体要求\n到2025年，<script>alert(1)</script>达标率达到90%。\n"
    doc = Document("d", "d.txt", "txt", "0" * 64, text, [
        Block("heading", "一、总体要求", list(range(6)), 0, 6, 1),
        Block("paragraph", text[7:-1], list(range(7, len(text) - 1)), 7, len(text) - 1, 2)])
    page = review_html(doc, extract_document(doc))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1


def test_cli_writes_the_page_and_says_so(tmp_path):
    out = tmp_path / "p.html"
    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), "review", str(DOCX), "-o", str(out)],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(rf"planx review: \d+ records → {re.escape(str(out))}\n", r.stdout)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), "review", str(tmp_path / "missing.docx")],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "missing.docx" in r.stderr


@pytest.fixture(scope="module")
def review_page(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "review.html"
    doc = read(DOCX)
    path.write_text(render(doc, extract_document(doc), DOCX)[0], encoding="utf-8")
    return path


def _in_view(page, selector: str) -> bool:
    return page.evaluate("""s => { const e = document.querySelector(s), c = document.getElementById('doc');
        const r = e.getBoundingClientRect(), v = c.getBoundingClientRect();
        return r.bottom > v.top && r.top < v.bottom && r.height > 0; }""", selector)


def test_a_click_on_a_record_scrolls_to_and_marks_its_source(review_page, page):
    page.goto(review_page.as_uri())
    target = page.eval_on_selector_all("#records li[data-kind=target]", "ls => ls.map(l => l.id.slice(4))")[-1]
    src = f'#doc mark[data-recs~="{target}"]'
    assert not _in_view(page, src)  # far down the document
    page.click(f"#rec-{target} button")
    assert _in_view(page, src)
    assert page.eval_on_selector_all(src, "ms => ms.every(m => m.classList.contains('active'))")
    assert page.get_attribute(f"#rec-{target} button", "aria-expanded") == "true"
    assert page.is_visible(f"#fields-{target}") and "raw" in page.text_content(f"#fields-{target}")
    page.screenshot(path=str(artifacts() / "review-target.png"))
    page.click("#rec-ind-1 button")  # an indicator: its whole table row
    row = 'tr[data-recs~="ind-1"]'
    assert _in_view(page, row) and "active" in page.get_attribute(row, "class")
    assert page.eval_on_selector_all(src, "ms => ms.every(m => !m.classList.contains('active'))")
    page.screenshot(path=str(artifacts() / "review-indicator.png"))


def test_a_click_on_the_text_selects_its_record(review_page, page):
    page.goto(review_page.as_uri())
    mark = page.locator("#doc mark.k-deadline").nth(3)
    rec = mark.get_attribute("data-recs").split()[0]
    mark.click()
    assert "selected" in page.get_attribute(f"#rec-{rec}", "class")
    assert page.is_visible(f"#fields-{rec}")
    assert page.evaluate("location.hash") == f"#{rec}"


def test_filters_search_and_keyboard(review_page, page):
    page.goto(review_page.as_uri())
    total = int(page.text_content("#total"))
    per_kind = {k: int(page.text_content(f'input.f-kind[value="{k}"] ~ .n'))
                for k in ("indicator", "project", "target", "deadline", "responsibility")}
    assert sum(per_kind.values()) == total
    page.uncheck('input.f-kind[value="deadline"]')
    assert int(page.text_content("#shown")) == total - per_kind["deadline"]
    assert page.locator("#records li[data-kind=deadline]:visible").count() == 0
    page.keyboard.press("/")
    page.keyboard.type("PM2.5")
    shown = int(page.text_content("#shown"))
    assert 0 < shown < total and int(page.text_content('input.f-kind[value="indicator"] ~ .n')) >= 1
    assert all("pm2.5" in t for t in page.eval_on_selector_all(
        "#records li:not([hidden])", "ls => ls.map(l => l.dataset.text)"))
    page.fill("#q", "")
    page.click("#doc")  # leave the search box, then walk the list with j
    page.keyboard.press("j")
    first = page.eval_on_selector("#records li:not([hidden])", "l => l.id")
    assert "selected" in page.get_attribute(f"#{first}", "class")
    page.keyboard.press("j")
    assert "selected" not in page.get_attribute(f"#{first}", "class")
