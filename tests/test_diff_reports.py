"""planx diff reports (JSON, Markdown, Excel, HTML) and the `planx diff` command."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.diff.engine import compare
from extractor.diff.render_html import render_html
from extractor.diff.render_md import render_md
from extractor.diff.render_xlsx import render_xlsx

ROOT = Path(__file__).resolve().parents[1]
BASE = json.loads((ROOT / "tests" / "fixtures" / "diff" / "base.json").read_text(encoding="utf-8"))
HOSTILE = '<script>alert("x")</script>|=1+1'


def _new() -> dict:
    doc = copy.deepcopy(BASE)
    doc["indicators"][0]["targets"]["2025"] = "≥25"
    doc["projects"][0]["investment"] = {"raw": "5000", "value": 5000, "unit": "万元"}
    doc["tasks"][2]["text"] = doc["tasks"][2]["text"].replace("推进排水设施改造", HOSTILE)
    return doc


@pytest.fixture(scope="module")
def result():
    return compare(BASE, _new())


@pytest.fixture
def pair(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(BASE, ensure_ascii=False), encoding="utf-8")
    new.write_text(json.dumps(_new(), ensure_ascii=False), encoding="utf-8")
    return old, new


def test_markdown(result):
    md = render_md(result)
    assert "- changes: **3**" in md
    assert "| chg-1 | modified | 生态文明建设工作占党政实绩考核的比例 | targets.2025 | ≥27 | ≥25 | 放宽 loosened | L11 → L11 |" in md
    assert "增加 raised (+800 万元；+19.05%)" in md
    assert "<script>" not in md and "\\|=1+1" in md
    assert "- planx " in md and "pattern library sha256 `" in md and "(UTC)" in md


def test_markdown_neutralises_links_and_image_beacons():
    new = _new()
    new["tasks"][2]["text"] += "[点此](javascript:alert(1)) ![x](https://beacon.example/t.gif) <https://x.example>"
    md = render_md(compare(BASE, new))
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable("table").render(md)
    assert "<a " not in page and "<img" not in page and "javascript:alert" in page  # text, not a link
    assert "\\[点此\\]\\(javascript:alert\\(1\\)\\)" in md and "\\!\\[x\\]" in md


def test_html_escapes_document_text_and_marks_prose(result):
    page = render_html(result)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "开展溯源截污治理，<del>推进排水设施改造</del>，持续开展" in page
    assert "<ins>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;|=1+1</ins>" in page
    assert '<b id="total-count">3</b>' in page
    assert 'data-kind="indicator" data-change="modified" data-direction="loosened"' in page
    assert page.count("<script>") == 1  # only the page's own filter script


def test_excel_sheets_highlight_changed_cells(result, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "d.xlsx"
    render_xlsx(result, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["summary", "evidence", "indicator", "project", "deadline", "responsibility", "target",
                             "task", "section"]
    ev = {r[0].value: [c.value for c in r[1:]] for r in wb["evidence"].iter_rows(min_row=2)}
    assert ev["title"] == [BASE["document"]["title"]] * 2 and ev["planx_version"][0]
    ws = wb["indicator"]
    header = [c.value for c in ws[1]]
    row = [c for c in ws[2]]
    assert row[0].value == "modified" and row[1].value == "chg-1" and row[2].value == "loosened"
    assert row[3].value == "L11"  # where (the fixture predates quotes)
    cell = row[header.index("targets.2025")]
    assert cell.value == "≥25" and cell.fill.fgColor.rgb.endswith("FFD966")
    assert "≥27 → ≥25" in cell.comment.text
    assert row[header.index("name")].comment is None
    assert len(list(ws.iter_rows(min_row=2))) == len(BASE["indicators"])
    task_text = wb["task"].cell(row=4, column=[c.value for c in wb["task"][1]].index("text") + 1)
    assert HOSTILE in task_text.value and task_text.data_type == "s"


def test_cli_formats_and_exit_codes(pair, tmp_path, capsys):
    old, new = pair
    assert main(["diff", str(old), str(old)]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["total"] == 0
    assert main(["diff", str(old), str(new)]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["total"] == 3
    assert main(["diff", str(old), str(new), "--format", "md"]) == 1
    assert capsys.readouterr().out.startswith("# planx diff")
    for name in ("r.html", "r.md", "r.json", "r.xlsx"):
        assert main(["diff", str(old), str(new), "-o", str(tmp_path / name)]) == 1
        assert (tmp_path / name).stat().st_size > 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["diff", str(old), str(new), "-o", str(tmp_path / "report.dat"), "--format", "html"]) == 1
    assert "<!DOCTYPE html>" in (tmp_path / "report.dat").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,message", [
    (["{missing}", "{old}"], "no such file"),
    (["{bad}", "{old}"], "not valid JSON"),
    (["{notplanx}", "{old}"], "not a planx extraction"),
    (["{old}", "{odd}"], "cannot diff a .csv file"),
    (["{old}", "{old}", "-o", "{tmp}/x.pdf"], "unknown report extension"),
    (["{old}", "{old}", "--format", "xlsx"], "needs -o FILE.xlsx"),
])
def test_cli_errors_are_one_line_with_exit_2(pair, tmp_path, capsys, args, message):
    old, _ = pair
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "notplanx.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "odd.csv").write_text("a,b", encoding="utf-8")
    names = {"old": old, "missing": tmp_path / "missing.json", "bad": tmp_path / "bad.json",
             "notplanx": tmp_path / "notplanx.json", "odd": tmp_path / "odd.csv", "tmp": tmp_path}
    assert main(["diff", *(a.format(**names) for a in args)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and err.startswith("planx: ")


def test_help_stays_light():
    code = ("import sys; from extractor.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('numpy', 'lap', 'rapidfuzz', 'jieba', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_report_carries_the_evidence_header(pair, tmp_path, monkeypatch, capsys):
    """Both inputs' paths and sha256, titles and versions; planx version, patterns, UTC time."""
    import hashlib

    from extractor import __version__
    from extractor.patterns import library_fingerprint

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    old, new = pair
    outs = [tmp_path / f"r.{ext}" for ext in ("json", "md", "html", "xlsx")]
    assert main(["diff", str(old), str(new), *[a for p in outs for a in ("-o", str(p))]]) == 1
    shas = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (old, new)]
    ev = json.loads(outs[0].read_text(encoding="utf-8"))["evidence"]
    assert [i["path"] for i in ev["inputs"]] == [str(old.resolve()), str(new.resolve())]
    assert [i["sha256"] for i in ev["inputs"]] == shas
    assert ev["inputs"][0]["title"] == BASE["document"]["title"]
    assert ev["planx_version"] == __version__ and ev["patterns_sha256"] == library_fingerprint()
    assert ev["generated_at"] == "2026-01-01T00:00:00Z"
    for p in outs[1:3]:
        text = p.read_text(encoding="utf-8")
        assert all(s in text for s in shas) and "2026-01-01T00:00:00Z" in text and library_fingerprint() in text
        assert str(old.resolve()) in text.replace("\\", "") and __version__ in text


def test_cli_prints_a_summary_line_and_the_written_paths(pair, tmp_path, capsys):
    old, new = pair
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    assert main(["diff", str(old), str(new), "-o", str(html), "-o", str(js)]) == 1
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0, out
    assert out.startswith("planx diff: 3 changes (") and str(html) in out and str(js) in out
    assert "loosened 1" in out and "indicator 1" in out
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and json.loads(js.read_text(encoding="utf-8"))
    # JSON on stdout: the summary goes to stderr, stdout stays parseable
    assert main(["diff", str(old), str(new)]) == 1
    cap = capsys.readouterr()
    assert json.loads(cap.out)["summary"]["total"] == 3 and cap.err.startswith("planx diff: 3 changes")


@pytest.mark.parametrize("mutate,where", [
    (lambda d: d.update(document=5), "document"),
    (lambda d: d["indicators"][0].update(targets=5), "indicators/0/targets"),
    (lambda d: d.update(tasks={"a": 1}), "tasks"),
    (lambda d: d["sections"][0].update(span="L3"), "sections/0/span"),
])
def test_malformed_planx_json_is_one_line_and_exit_2(pair, tmp_path, capsys, mutate, where):
    old, _ = pair
    bad = copy.deepcopy(BASE)
    mutate(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main(["diff", str(path), str(old)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith(f"planx: {path}: not a planx extraction") and where in err


def test_two_documents_that_fail_report_the_old_sides_error(tmp_path):
    """Both sides are extracted at once; the old side's failure is the one raised, as when they ran in turn."""
    from extractor.diff import diff
    from extractor.errors import PlanxError

    old, new = tmp_path / "old.pdf", tmp_path / "new.docx"
    old.write_bytes(b"not a pdf")
    new.write_bytes(b"not a docx")
    with pytest.raises(PlanxError) as caught:
        diff(old, new)
    assert str(caught.value).startswith(f"{old}: ")
