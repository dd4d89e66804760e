"""`planx audit` on the seed corpus: the real problems are found; exit codes; JSON input."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import CORPORA, ROOT, extracted

from extractor.audit import declared_counts
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
    r = _audit(CORPORA / "003_382c057b0d0a3343.txt")
    assert r.returncode == 0, r.stderr
    assert "unit.variant" in r.stdout and "finding" in r.stdout.splitlines()[0]


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
