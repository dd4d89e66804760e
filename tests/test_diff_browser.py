"""The HTML diff report in a real headless browser (Debian `chromium`): the DOM it builds shows
the counts and a known change, and the inline filter script hides rows by kind and direction."""
from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from extractor.diff.engine import compare
from extractor.diff.render_html import render_html

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(BROWSER is None, reason="chromium is not installed (apt-get install chromium)")
BASE = json.loads((Path(__file__).parent / "fixtures" / "diff" / "base.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    new = copy.deepcopy(BASE)
    new["indicators"][0]["targets"]["2025"] = "≥25"                # loosened
    new["indicators"][2]["targets"]["2030"] = "≤30"                # tightened
    new["projects"][0]["investment"] = {"raw": "5000", "value": 5000, "unit": "万元"}  # raised
    new["projects"].pop(1)                                          # removed
    new["tasks"][2]["text"] = new["tasks"][2]["text"].replace("推进", "<img src=x onerror=alert(1)>")
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render_html(compare(BASE, new)), encoding="utf-8")
    return path


def _dom(url: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--virtual-time-budget=2000", "--dump-dom", url],
            capture_output=True, text=True, timeout=90)
    assert out.returncode == 0, out.stderr[-500:]
    return out.stdout


def _visible_rows(dom: str) -> list[str]:
    rows = re.findall(r'<tr class="chg"[^>]*>', dom)
    return [re.search(r'id="([^"]+)"', r).group(1) for r in rows if "hidden" not in r]


def test_counts_and_a_known_change_in_the_dom(report):
    dom = _dom(report.as_uri())
    assert re.search(r'<b id="total-count">5</b>', dom)
    assert re.search(r'<td class="n count" data-kind="indicator">2</td>', dom)
    assert re.search(r'<td class="n count" data-kind="project">2</td>', dom)
    assert '<b id="shown-count">5</b>' in dom
    row = re.search(r'<tr class="chg" id="chg-1".*?</tr>', dom, re.S).group(0)
    assert "targets.2025" in row and "<del>≥27</del>" in row and "<ins>≥25</ins>" in row and "loosened" in row
    assert "<img" not in dom and "&lt;img src=x onerror=alert(1)&gt;" in dom   # document text stays text
    assert len(_visible_rows(dom)) == 5


def test_filters_from_the_url_hash(report):
    dom = _dom(report.as_uri() + "#kind=indicator,project&direction=loosened")
    assert _visible_rows(dom) == ["chg-1"]
    assert '<b id="shown-count">1</b>' in dom
    assert re.search(r'<section class="kind" id="k-task" data-kind="task" hidden', dom)
    dom = _dom(report.as_uri() + "#kind=project")
    assert _visible_rows(dom) == ["chg-3", "chg-4"]
