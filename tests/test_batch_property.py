"""Property: for any sequence of extract runs into one folder — subsets, reruns, edited and
renamed sources — every source's latest extraction is in the folder exactly once, and the
batch tables hold exactly the union of the folder's JSONs."""
from __future__ import annotations

import csv
import json
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.batch import run_batch
from extractor.evidence import file_sha256

NAMES = ("a.txt", "b.txt", "sub/a.txt", "Plan.txt", "sub/plan.txt")
KINDS = ("sections", "targets", "deadlines", "responsibilities")


def _text(name: str, version: int) -> str:
    n = sum(map(ord, name)) % 50 + version
    return (f"某县生态环境保护实施方案{n}\n一、工作目标\n到2025年，森林覆盖率达到{n}%。\n"
            f"二、重点任务\n2024年6月底前完成{version + 1}条河道清淤。（责任单位：县水利局）\n")


# one step: ("run", subset of the sources that exist), ("edit", source) or ("rename", source, new name)
steps = st.lists(st.one_of(
    st.tuples(st.just("run"), st.sets(st.sampled_from(NAMES), min_size=1)),
    st.tuples(st.just("edit"), st.sampled_from(NAMES)),
    st.tuples(st.just("rename"), st.sampled_from(NAMES), st.sampled_from(NAMES))), min_size=1, max_size=6)


def _check(out: Path, extracted: dict[Path, str]) -> None:
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("[!.]*.json")}
    # every source's latest extraction, exactly once
    by_source: dict[str, list[str]] = {}
    for doc_id, d in docs.items():
        by_source.setdefault(d["document"]["source"], []).append(doc_id)
    for source, sha in extracted.items():
        ids = by_source.get(str(source.resolve()), [])
        assert len(ids) == 1, (source, ids)
        assert docs[ids[0]]["document"]["sha256"] == sha, source
    assert len({i.casefold() for i in docs}) == len(docs)  # ids differ in more than case
    # the tables are the union of the JSONs
    with open(out / "documents.csv", encoding="utf-8-sig", newline="") as fh:
        assert sorted(r["doc_id"] for r in csv.DictReader(fh)) == sorted(docs)
    con = sqlite3.connect(out / "planx.sqlite")
    try:
        for kind in KINDS:
            got = sorted(con.execute(f"SELECT doc_id, id FROM {kind}").fetchall())
            assert got == sorted((k, r["id"]) for k, d in docs.items() for r in d[kind]), kind
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_any_sequence_of_runs_keeps_one_latest_extraction_per_source(plan):
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out"
        versions: dict[str, int] = {}
        for name in NAMES[:3]:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_text(_text(name, 0), encoding="utf-8")
            versions[name] = 0
        extracted: dict[Path, str] = {}  # source → sha256 of the file when last extracted
        ran = False
        for step in plan:
            if step[0] == "edit" and step[1] in versions:
                versions[step[1]] += 1
                (src / step[1]).write_text(_text(step[1], versions[step[1]]), encoding="utf-8")
            elif step[0] == "rename" and step[1] in versions and step[2] not in versions:
                (src / step[2]).parent.mkdir(parents=True, exist_ok=True)
                (src / step[1]).rename(src / step[2])
                versions[step[2]] = versions.pop(step[1])
                extracted.pop(src / step[1], None)  # its source is gone: kept or pruned, not checked
            elif step[0] == "run":
                names = [n for n in sorted(step[1]) if n in versions]
                if not names:
                    continue
                s = run_batch([src / n for n in names], out, jobs=1, prune=True)
                assert s.failures == [], s.failures
                for n in names:
                    extracted[src / n] = file_sha256(src / n)
                ran = True
                _check(out, extracted)
        if not ran:
            run_batch([src], out, jobs=1)
            extracted = {src / n: file_sha256(src / n) for n in versions}
            _check(out, extracted)
