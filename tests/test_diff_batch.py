"""`planx diff OLD_DIR NEW_DIR`: documents paired by title and region (one to one), a report per
pair, an index page, unpaired documents and unreadable inputs listed."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from extractor.cli import main

BASE = json.loads((Path(__file__).parent / "fixtures" / "diff" / "base.json").read_text(encoding="utf-8"))


def _doc(doc_id: str, title: str, region: str, edit: bool = False) -> dict:
    d = copy.deepcopy(BASE)
    d["document"].update(doc_id=doc_id, title=title, region=region, sha256="%064x" % abs(hash(doc_id)))
    if edit:
        d["indicators"][0]["targets"]["2025"] = "≥25"
    return d


def _write(folder: Path, name: str, doc: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def test_folders_are_paired_by_title_and_region(tmp_path, capsys):
    old, new, out = tmp_path / "old", tmp_path / "new", tmp_path / "reports"
    plan = "{}生态文明建设示范区规划（2021～2030年）"
    _write(old, "a.json", _doc("a", plan.format("历下区"), "历下区"))
    _write(old, "b.json", _doc("b", plan.format("天桥区"), "天桥区"))
    _write(old, "c.json", _doc("c", "历下区“十四五”生态环境保护规划", "历下区"))
    # new: same titles in the other order (and with a version label), region decides; one unrelated
    _write(new, "x.json", _doc("x", plan.format("天桥区") + "（征求意见稿）", "天桥区", edit=True))
    _write(new, "y.json", _doc("y", plan.format("历下区"), "历下区"))
    _write(new, "z.json", _doc("z", "美丽济宁建设规划", "济宁市"))
    (new / "broken.json").write_text("{oops", encoding="utf-8")
    (new / ".planx-manifest.json").write_text("{}", encoding="utf-8")  # hidden: not an input
    assert main(["diff", str(old), str(new), "-o", str(out)]) == 2  # a broken input
    cap = capsys.readouterr()
    assert "broken.json" in cap.err and cap.out.strip() == (
        f"planx diff: 2 pair(s) compared, 1 with changes; unpaired: 1 old, 1 new; 1 failed → {out / 'index.html'}")
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    pairs = {(Path(p["old"]).name, Path(p["new"]).name): p for p in index["pairs"]}
    assert set(pairs) == {("a.json", "y.json"), ("b.json", "x.json")}
    assert pairs[("b.json", "x.json")]["changes"] == 1 and pairs[("a.json", "y.json")]["changes"] == 0
    assert [Path(p).name for p in index["unpaired_old"]] == ["c.json"]
    assert [Path(p).name for p in index["unpaired_new"]] == ["z.json"]
    assert len(index["failures"]) == 1 and "broken.json" in index["failures"][0]
    report = json.loads((out / pairs[("b.json", "x.json")]["json"]).read_text(encoding="utf-8"))
    assert report["summary"]["by_direction"] == {"loosened": 1}
    assert [Path(i["path"]).name for i in report["evidence"]["inputs"]] == ["b.json", "x.json"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="b__x.html"' in page and "c.json" in page and "z.json" in page and "broken.json" in page
    assert (out / "b__x.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_folder_and_file_cannot_be_mixed(tmp_path, capsys):
    _write(tmp_path / "old", "a.json", _doc("a", "规划", "历下区"))
    assert main(["diff", str(tmp_path / "old"), str(tmp_path / "old" / "a.json")]) == 2
    assert "is not a folder" in capsys.readouterr().err
