"""The HTML diff report in headless Chromium: counts, filters whose counts follow each other,
summary badges that filter, collapsible kinds, keyboard use, URL-hash presets, the warning for
unrelated documents, and the print stylesheet.  Screenshots are saved as artifacts."""
from __future__ import annotations

import copy
import re

import pytest
from browser import artifacts, browser, page  # noqa: F401  (fixtures)
from conftest import extracted

from extractor.diff.engine import compare
from extractor.diff.render_html import OPEN_AT_MOST, render_html

PLAN = "000_71534264ba41b2d2"
HOSTILE = "<img src=x onerror=alert(1)>"


def _edited(doc: dict) -> dict:
    """The plan with edits of every sort: loosened/tightened targets, a revised baseline, a dropped
    indicator and project, a raised investment, a deadline moved with its targets, prose."""
    new = copy.deepcopy(doc)
    inds = new["indicators"]
    inds[2]["targets"]["2025"] = "≥25"                                   # loosened
    inds[31]["targets"]["2030"] = "≥95"                                  # tightened
    inds[2]["baseline"]["value"] = "28.1"                                 # revised
    del inds[14]                                                          # indicator removed
    new["projects"][0]["investment"] = {"raw": "5000", "value": 5000, "unit": "万元"}  # raised
    del new["projects"][5]                                                # project removed
    moved = next(d for d in new["deadlines"] if d["date"] == "2025" and any(
        t["year"] == 2025 and (t["section"], t["task"]) == (d["section"], d["task"]) for t in new["targets"]))
    for t in new["targets"]:
        if (t["section"], t["task"], t["year"]) == (moved["section"], moved["task"], 2025):
            t["year"] = 2027
    moved.update(date="2027", raw=moved["raw"].replace("2025", "2027"))  # later, with consequences
    for k in range(3, 3 + 2 * (OPEN_AT_MOST + 5), 2):                     # many prose edits
        insert = HOSTILE if k % 3 == 0 else "并加强督查考核"
        new["tasks"][k]["text"] = new["tasks"][k]["text"][:40] + insert + new["tasks"][k]["text"][40:]
    return new


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    old = extracted(PLAN)
    result = compare(old, _edited(old))
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(result), encoding="utf-8")
    return path, result


def _shown(page) -> int:
    return int(page.text_content("#shown-count"))


def _visible_ids(page) -> list[str]:
    return page.eval_on_selector_all("tr.chg:not([hidden])", "rs => rs.map(r => r.id)")


def _facet_count(page, facet: str, value: str) -> int:
    return int(page.text_content(f'input.f-{facet}[value="{value}"] ~ .n'))


def test_counts_rows_and_escaped_text(report, page):
    path, result = report
    page.goto(path.as_uri())
    total = len(result.changes)
    assert int(page.text_content("#total-count")) == total == _shown(page)
    assert len(_visible_ids(page)) == total
    loosened = next(c for c in result.changes if c.field == "targets.2025" and c.direction == "loosened")
    row = page.inner_html(f"#{loosened.id}")
    assert "targets.2025" in row and "<del>≥27</del>" in row and "<ins>≥25</ins>" in row and "loosened" in row
    assert page.locator("img").count() == 0 and page.get_by_text("onerror=alert(1)").count() >= 1
    assert page.locator("#unrelated").count() == 0
    for f in ("kind", "change", "direction"):  # facet counts add up to the total
        values = page.eval_on_selector_all(f"input.f-{f}", "bs => bs.map(b => b.value)")
        assert sum(_facet_count(page, f, v) for v in values) == total
    page.screenshot(path=str(artifacts() / "diff-report-top.png"))


def test_filters_and_counts_that_follow_them(report, page):
    path, result = report
    page.goto(path.as_uri())
    n_ind = sum(c.kind == "indicator" for c in result.changes)
    loosened = sum(c.direction == "loosened" for c in result.changes)
    loosened_ind = sum(c.direction == "loosened" and c.kind == "indicator" for c in result.changes)
    assert 0 < loosened_ind < loosened or loosened_ind == loosened
    page.uncheck('input.f-kind[value="indicator"]')
    assert _shown(page) == len(result.changes) - n_ind
    assert _facet_count(page, "direction", "loosened") == loosened - loosened_ind  # follows the kind filter
    assert _facet_count(page, "kind", "indicator") == n_ind  # a facet's own count ignores its own filter
    assert page.locator("#k-indicator").is_hidden()
    page.check('input.f-kind[value="indicator"]')
    for v in page.eval_on_selector_all("input.f-change", "bs => bs.map(b => b.value)"):
        if v != "removed":
            page.uncheck(f'input.f-change[value="{v}"]')
    removed = [c.id for c in result.changes if c.change == "removed"]
    assert _visible_ids(page) == removed and _shown(page) == len(removed)
    assert _facet_count(page, "kind", "project") == sum(c.change == "removed" and c.kind == "project"
                                                        for c in result.changes)
    page.click("#reset")
    assert _shown(page) == len(result.changes)


def test_summary_badges_filter_when_clicked_and_by_keyboard(report, page):
    path, result = report
    page.goto(path.as_uri())
    badge = page.locator('button.badge[data-facet="direction"][data-value="loosened"]')
    badge.click()
    assert badge.get_attribute("aria-pressed") == "true"
    assert _visible_ids(page) == [c.id for c in result.changes if c.direction == "loosened"]
    assert all(page.is_visible(f"#{i}") for i in _visible_ids(page))  # their kinds were opened
    badge.click()
    assert badge.get_attribute("aria-pressed") == "false" and _shown(page) == len(result.changes)
    kind = page.locator('button.badge[data-facet="kind"][data-value="project"]')
    kind.focus()
    page.keyboard.press("Enter")
    assert set(page.eval_on_selector_all("tr.chg:not([hidden])", "rs => rs.map(r => r.dataset.kind)")) == {"project"}
    page.keyboard.press("Space")
    assert _shown(page) == len(result.changes)
    page.keyboard.press("Tab")  # focus moves on to the next control, visibly
    assert page.evaluate("document.activeElement.tagName") in ("BUTTON", "INPUT")


def test_kinds_collapse_and_expand(report, page):
    path, result = report
    page.goto(path.as_uri())
    big = [k for k in ("indicator", "project", "deadline", "target", "task", "section", "responsibility")
           if sum(c.kind == k for c in result.changes) > OPEN_AT_MOST]
    small = [k for k in ("indicator", "project") if 0 < sum(c.kind == k for c in result.changes) <= OPEN_AT_MOST]
    assert big and small
    first = next(c.id for c in result.changes if c.kind == big[0] and c.cause is None)
    assert page.is_hidden(f"#{first}") and page.get_attribute(f"#k-{big[0]}", "open") is None
    page.focus(f"#k-{big[0]} > summary")
    page.keyboard.press("Enter")  # a summary opens from the keyboard
    assert page.is_visible(f"#{first}")
    page.click("#collapse-all")
    assert all(page.get_attribute(f"#k-{k}", "open") is None for k in small + big)
    page.click("#expand-all")
    assert all(page.get_attribute(f"#k-{k}", "open") == "" for k in small + big)
    page.click("#matters a.ref >> nth=0")  # "what matters" links to the full row
    target = page.get_attribute("#matters a.ref >> nth=0", "href")[1:]
    assert page.evaluate("document.activeElement.id") == target


def test_what_matters_first_and_consequences_under_their_cause(report, page):
    path, result = report
    page.goto(path.as_uri())
    assert page.evaluate("document.querySelector('main').firstElementChild.id") == "matters"
    refs = page.eval_on_selector_all("#matters tr.mrow", "rs => rs.map(r => r.dataset.ref)")
    want = [c.id for c in result.changes if c.cause is None and (
        c.direction in ("loosened", "dropped", "later", "cut") or (c.change == "removed" and c.kind in ("indicator", "project")))]
    assert refs == want and len(refs) >= 4
    cause = next(c for c in result.changes if result.consequences(c))
    order = page.eval_on_selector_all(f"#k-{cause.kind} tr.chg", "rs => rs.map(r => r.id)")
    at = order.index(cause.id)
    kids = [c.id for c in result.consequences(cause)]
    assert order[at + 1: at + 1 + len(kids)] == kids
    assert all("consequence" in page.get_attribute(f"#{k}", "class") for k in kids)


def test_filters_from_the_url_hash(report, page):
    path, result = report
    page.goto(path.as_uri() + "#kind=indicator,project&direction=loosened")
    assert _visible_ids(page) == [c.id for c in result.changes
                                  if c.kind in ("indicator", "project") and c.direction == "loosened"]
    assert page.is_hidden("#k-task")


def test_print_stylesheet(report, page):
    """Print media: no controls, every kind expanded, a paginated PDF."""
    path, result = report
    page.goto(path.as_uri())
    page.click('button.badge[data-facet="direction"][data-value="loosened"]')
    page.click("#reset")
    page.emulate_media(media="print")
    assert page.is_hidden("#filters") and page.is_hidden("#reset") and page.is_visible("#summary")
    hidden_before = next(c.id for c in result.changes if c.kind == "task" and c.cause is None)
    assert page.is_visible(f"#{hidden_before}")  # a collapsed kind prints in full
    page.screenshot(path=str(artifacts() / "diff-report-print.png"), full_page=True)
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    assert len(doc) >= 3
    doc[0].render(scale=1).to_pil().save(artifacts() / "diff-report-print-page1.png")
    text = doc[0].get_textpage().get_text_range()
    assert "planx diff" in text and "sha256" in text and "expand all" not in text


def test_unrelated_documents_carry_a_warning(page, tmp_path):
    result = compare(extracted(PLAN), extracted("002_6d72280123f25383"))
    assert not result.relation["related"]
    path = tmp_path / "unrelated.html"
    path.write_text(render_html(result), encoding="utf-8")
    page.goto(path.as_uri())
    banner = page.locator("#unrelated")
    assert banner.is_visible() and banner.get_attribute("role") == "alert"
    assert re.search(r"different titles|low record overlap", banner.text_content())
    page.screenshot(path=str(artifacts() / "diff-report-unrelated.png"))
