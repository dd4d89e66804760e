"""`planx audit` on the seed corpus: the real problems are found; exit codes; JSON input."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

from conftest import CORPORA, ROOT, extracted

from extractor.text.declared import declared_counts
from extractor.readers import read

L_PLAN, L_SCHEME = CORPORA / "000_71534264ba41b2d2.txt", CORPORA / "004_061c6bf53607da0b.txt"


def _audit(*args):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "audit", *map(str, args)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def _checks(findings: list[dict]) -> list[str]:
    return [f["check"] for f in findings]


def test_plan_and_its_scheme_disagree_on_the_indicator_count():
    r = _audit(L_PLAN, L_SCHEME, "--json")
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    (count,) = [f for f in out["cross"] if f["check"] == "cross.indicator_count"]
    assert count["severity"] == "error" and "30" in count["message"] and "29" in count["message"]
    assert {ref["doc"] for ref in count["refs"]} == {L_PLAN.stem, L_SCHEME.stem}
    assert [ref["span"]["line"] for ref in count["refs"]] == [40, 166]
    late = [f for f in out["cross"] if f["check"] == "cross.deadline_vs_plan"]
    assert len(late) == 1 and "2021-07-08" in late[0]["message"]


def test_impossible_project_end_date_is_found():
    findings = extracted(L_PLAN.stem)["findings"]
    (bad,) = [f for f in findings if f["check"] == "date.invalid"]
    assert "2022.16" in bad["message"] and bad["refs"][0]["span"]["line"] == 885
    assert not {"count.indicators", "count.indicators_by_kind", "count.projects", "count.investment"} & set(
        _checks(findings))  # the plan's own announcements match its tables


def test_one_unit_written_two_ways_is_found():
    findings = extracted("003_382c057b0d0a3343")["findings"]
    (variant,) = [f for f in findings if f["check"] == "unit.variant"]
    assert "市住房城乡建设局" in variant["message"] and "市住房建设局" in variant["message"]


def test_readable_summary_and_exit_zero_without_errors():
    path = CORPORA / "003_382c057b0d0a3343.txt"
    r = _audit(path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("planx audit — planx ") and "(UTC)" in lines[0] and "pattern library sha256" in lines[0]
    assert lines[1] == f"  input: {path.resolve()}  sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}  (征求意见稿)"
    assert "finding" in lines[2] and lines[3] == f"  file: {path.resolve()}"  # the header names the file
    assert "unit.variant" in r.stdout


def test_identical_findings_are_grouped_with_every_place():
    r = _audit(CORPORA / "002_6d72280123f25383.txt")
    lines = [ln for ln in r.stdout.splitlines() if "date.deadline_before_issue" in ln]
    assert len(lines) == 2, lines  # 5 findings, 2 distinct messages
    assert any("“2022年底前”" in ln and "×3" in ln and ln.count(", L") == 2 for ln in lines)
    r = _audit(CORPORA / "002_6d72280123f25383.txt", "--json")
    doc = json.loads(r.stdout)["documents"][0]
    groups = [g for g in doc["groups"] if g["check"] == "date.deadline_before_issue"]
    assert sorted(g["count"] for g in groups) == [2, 3] and sum(len(g["refs"]) for g in groups) == 5
    assert doc["path"] == str((CORPORA / "002_6d72280123f25383.txt").resolve())


def test_list_checks_and_unknown_check_names():
    r = _audit("--list-checks")
    assert r.returncode == 0
    ids = [ln.split()[0] for ln in r.stdout.splitlines()[1:]]
    assert {"count.indicators", "target.prose_vs_table", "cross.indicator_count"} <= set(ids)
    assert any(ln.startswith("date.project_overhang") and " no " in ln for ln in r.stdout.splitlines())
    for args in (["--only", "nonsense.check"], ["--skip", "dates"]):
        r = _audit(L_SCHEME, *args)
        assert r.returncode == 2 and "unknown check" in r.stderr and args[1] in r.stderr and not r.stdout
    assert _audit(L_SCHEME, "--skip", "date", "--only", "unit.unknown").returncode == 0  # a family is known


def test_an_output_folder_is_audited(tmp_path):
    """planx's own output folder: its manifest and tables are not inputs; JSON evidence header."""
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), "extract", str(L_PLAN), str(L_SCHEME), "-o", str(out),
                        "-q"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert any(p.name.startswith(".") for p in out.iterdir())  # the manifest is there
    r = _audit(out, "--json")
    assert r.returncode == 1, r.stderr  # the cross-document count error
    data = json.loads(r.stdout)
    assert [d["doc_id"] for d in data["documents"]] == [L_PLAN.stem, L_SCHEME.stem]
    assert "cross.indicator_count" in _checks(data["cross"]) and not data["failures"]
    ev = data["evidence"]
    assert [i["path"] for i in ev["inputs"]] == [str((out / f"{p.stem}.json").resolve()) for p in (L_PLAN, L_SCHEME)]
    assert [i["source_sha256"] for i in ev["inputs"]] == [hashlib.sha256(p.read_bytes()).hexdigest()
                                                         for p in (L_PLAN, L_SCHEME)]
    assert ev["planx_version"] and len(ev["patterns_sha256"]) == 64 and ev["generated_at"].endswith("Z")


def test_one_bad_file_does_not_cost_the_others(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(extracted(L_SCHEME.stem), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    r = _audit(tmp_path, "--json")
    assert r.returncode == 2 and "broken.json" in r.stderr and "Traceback" not in r.stderr
    data = json.loads(r.stdout)
    assert [d["doc_id"] for d in data["documents"]] == [L_SCHEME.stem] and len(data["failures"]) == 1


def test_saved_json_results_are_audited(tmp_path):
    for p in (L_PLAN, L_SCHEME):
        data = json.loads(json.dumps(extracted(p.stem)))
        data["document"]["declared_counts"] = declared_counts(read(p))  # as metadata stores them
        (tmp_path / f"{p.stem}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = _audit(tmp_path / f"{L_PLAN.stem}.json", tmp_path / f"{L_SCHEME.stem}.json", "--json", "--only", "cross")
    assert r.returncode == 1, r.stderr
    assert "cross.indicator_count" in _checks(json.loads(r.stdout)["cross"])


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    for path in (bad, tmp_path / "missing.txt"):
        r = _audit(path)
        assert r.returncode == 2 and "Traceback" not in r.stderr
        assert r.stderr.count("\n") == 1 and path.name in r.stderr


def test_report_files_carry_the_evidence_and_grouped_findings(tmp_path):
    path = CORPORA / "002_6d72280123f25383.txt"
    outs = [tmp_path / f"audit.{ext}" for ext in ("md", "html", "json")]
    r = _audit(path, *[a for o in outs for a in ("-o", o)])
    assert r.returncode == 0, r.stderr
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    md, page, data = outs[0].read_text(encoding="utf-8"), outs[1].read_text(encoding="utf-8"), json.loads(
        outs[2].read_text(encoding="utf-8"))
    for text in (md, page):
        assert sha in text and "(UTC)" in text and data["evidence"]["patterns_sha256"] in text
        assert "早于文件印发日期2023-04-18" in text and "2022年底前，完成济南考格尔汽车制造有限公司" in text  # a quote
    assert "| warning | date.deadline_before_issue | 时限“2022年底前”（2022-12-31）早于文件印发日期2023-04-18 | 3 |" in md
    assert page.count("<td class=\"sev-") == len(data["documents"][0]["groups"]) and "<script" not in page
    assert [g["count"] for g in data["documents"][0]["groups"]] == [2, 3]
    r = _audit(path, "-o", tmp_path / "audit.pdf")
    assert r.returncode == 2 and "unknown report extension" in r.stderr
