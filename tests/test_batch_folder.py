"""The output folder as a user works with it: subsets, reruns, mixed folders, duplicates, a
broken value — run through the command line as a user runs it (issue 11, issue 12 §6–§7)."""
from __future__ import annotations

import csv
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPORA, ROOT

DOCX = ROOT / "tests" / "fixtures" / "plan_numbering.docx"


def planx(*args, cwd=None, timeout=300):
    """``planx ARGS`` in a fresh process (stdout, stderr, exit code)."""
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def plan_text(n: int, extra: str = "") -> str:
    """A small plan whose records depend on ``n`` (so different sources give different records)."""
    return (f"某县第{n}号生态环境保护实施方案\n一、工作目标\n到2025年，全县森林覆盖率达到{30 + n}%。\n"
            f"二、重点任务\n（一）治理河道\n2024年6月底前完成{n}条河道清淤。（责任单位：县水利局、县环保局）\n{extra}")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def jsons(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("[!.]*.json")}


def table_ids(out: Path, name: str = "documents") -> list[str]:
    with open(out / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return [row["doc_id"] for row in csv.DictReader(fh)]


def sqlite_count(out: Path, table: str) -> int:
    con = sqlite3.connect(out / "planx.sqlite")
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def assert_tables_are_the_jsons(out: Path) -> None:
    """documents.csv, the workbook and the database hold exactly the folder's JSONs."""
    from openpyxl import load_workbook

    docs = jsons(out)
    manifest = json.loads((out / ".planx-manifest.json").read_text(encoding="utf-8"))["documents"]
    assert set(manifest) == set(docs)
    assert sorted(table_ids(out)) == sorted(docs)
    for kind in ("sections", "targets", "deadlines", "responsibilities", "tables"):
        assert sqlite_count(out, kind) == sum(len(d[kind]) for d in docs.values()), kind
        assert len(table_ids(out, kind)) == sum(len(d[kind]) for d in docs.values()), kind
    ws = load_workbook(out / "planx.xlsx", read_only=True)["documents"]
    assert sorted(r[0] for r in ws.iter_rows(min_row=2, values_only=True)) == sorted(docs)


def test_a_later_run_never_overwrites_another_sources_json(tmp_path):
    """a/plan.docx, a/plan.txt, b/plan.docx, then b alone: every source keeps its id and JSON."""
    import shutil

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(DOCX, tmp_path / "a" / "plan.docx")
    write(tmp_path / "a" / "plan.txt", plan_text(1))
    write(tmp_path / "b" / "plan.txt", plan_text(2))
    out = tmp_path / "out"
    first = planx("extract", tmp_path / "a", tmp_path / "b", "-o", out, "-j", "1")
    assert first.returncode == 0, first.stderr
    before = {k: v["document"]["source"] for k, v in jsons(out).items()}
    assert len(before) == 3 and len(set(before.values())) == 3
    again = planx("extract", tmp_path / "b", "-o", out, "-j", "1")
    assert again.returncode == 0, again.stderr
    after = {k: v["document"]["source"] for k, v in jsons(out).items()}
    assert after == before  # same ids for the same sources, nothing overwritten
    assert "batch tables in" in again.stderr and "hold 3 documents" in again.stderr
    assert_tables_are_the_jsons(out)


def test_tables_describe_the_folder_after_a_run_on_one_file(tmp_path):
    src = tmp_path / "in"
    for n in range(1, 5):
        write(src / f"p{n}.txt", plan_text(n))
    out = tmp_path / "out"
    assert planx("extract", src, "-o", out, "-j", "1").returncode == 0
    one = planx("extract", src / "p3.txt", "-o", out, "-j", "1")
    assert one.returncode == 0, one.stderr
    assert "hold 4 documents" in one.stderr
    assert sorted(table_ids(out)) == ["p1", "p2", "p3", "p4"]
    assert_tables_are_the_jsons(out)


def test_every_input_of_a_mixed_folder_is_accounted_for(tmp_path):
    src = tmp_path / "in"
    write(src / "plan.txt", plan_text(1))
    write(src / "notes.md", "# notes")
    write(src / "sub" / "budget.xls", "x")
    write(src / "sub" / "scan.png", "x")
    write(src / "sub" / "photo.png", "x")
    write(src / ".DS_Store", "x")  # hidden: not an input
    write(src / "old-out" / ".planx-manifest.json", "{}")  # planx's own output folder inside
    write(src / "old-out" / "documents.csv", "doc_id")
    r = planx("extract", src, "-o", tmp_path / "out", "-j", "1")
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stderr.splitlines() if "skipped" in x)
    assert "4 files skipped: .png 2, .md 1, .xls 1 (unsupported type)" in line
    assert "DS_Store" not in r.stderr and "documents.csv" not in r.stderr


def test_no_input_at_all_is_exit_2(tmp_path):
    (tmp_path / "empty").mkdir()
    r = planx("extract", tmp_path / "empty", "-o", tmp_path / "out")
    assert r.returncode == 2 and "no document to extract" in r.stderr and "Traceback" not in r.stderr
    write(tmp_path / "only" / "a.md", "x")
    r = planx("extract", tmp_path / "only", "-o", tmp_path / "out")
    assert r.returncode == 2 and "1 file skipped: .md 1" in r.stderr


def test_the_same_file_given_twice_is_extracted_once(tmp_path):
    f = write(tmp_path / "in" / "plan.txt", plan_text(1))
    (tmp_path / "link.txt").symlink_to(f)
    r = planx("extract", f, tmp_path / "in", tmp_path / "link.txt", "-o", tmp_path / "out", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert list(jsons(tmp_path / "out")) == ["plan"]
    assert "2 file(s) given more than once, extracted once" in r.stderr


def test_a_broken_value_costs_no_table(tmp_path):
    """A control character, an ESC sequence and a number beyond 64 bits in one document: every
    table is still written, and the terminal never receives the raw escape."""
    bad = write(tmp_path / "in" / "bad.txt",
                plan_text(1, "到2025年，处理率达到99999999999999999999%。\n") .replace("工作目标", "工作\x1b[2J目标\x07"))
    write(tmp_path / "in" / "good.txt", plan_text(2))
    r = planx("extract", tmp_path / "in", "-o", tmp_path / "out", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stderr and "Traceback" not in r.stderr
    out = tmp_path / "out"
    assert_tables_are_the_jsons(out)
    assert bad.exists() and sqlite_count(out, "documents") == 2


def test_prune_removes_documents_whose_source_is_gone(tmp_path):
    src = tmp_path / "in"
    for n in range(1, 4):
        write(src / f"p{n}.txt", plan_text(n))
    out = tmp_path / "out"
    assert planx("extract", src, "-o", out, "-j", "1").returncode == 0
    (src / "p2.txt").unlink()
    kept = planx("extract", src, "-o", out, "-j", "1")
    assert "kept 1 document(s) whose source is gone (--prune removes them): p2" in kept.stderr
    assert sorted(jsons(out)) == ["p1", "p2", "p3"]
    pruned = planx("extract", src, "-o", out, "-j", "1", "--prune")
    assert pruned.returncode == 0 and "removed 1 document(s) whose source is gone (--prune): p2" in pruned.stderr
    assert sorted(jsons(out)) == ["p1", "p3"]
    assert_tables_are_the_jsons(out)


def test_ids_differ_in_more_than_case_and_long_names_work(tmp_path):
    write(tmp_path / "a" / "Plan.txt", plan_text(1))
    write(tmp_path / "b" / "plan.txt", plan_text(2))
    long = write(tmp_path / "c" / ("规划" * 40 + ".txt"), plan_text(3))  # 244 bytes: v1's temporary name was too long
    r = planx("extract", tmp_path / "a", tmp_path / "b", "-o", tmp_path / "out", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert sorted(jsons(tmp_path / "out")) == ["Plan", "plan-2"]
    r = planx("extract", long, "-o", tmp_path / "out", "-j", "1")
    assert r.returncode == 0, r.stderr
    (doc_id,) = set(jsons(tmp_path / "out")) - {"Plan", "plan-2"}
    assert doc_id.startswith("规划规划") and len((doc_id + ".json").encode()) < 255


def test_symlinks_out_of_the_input_folder_are_not_followed(tmp_path):
    outside = write(tmp_path / "secret" / "passwd.txt", plan_text(9))
    src = tmp_path / "in"
    write(src / "plan.txt", plan_text(1))
    (src / "escape.txt").symlink_to(outside)
    (src / "inside.txt").symlink_to(src / "plan.txt")
    r = planx("extract", src, "-o", tmp_path / "out", "-j", "1")
    assert r.returncode == 0, r.stderr
    assert list(jsons(tmp_path / "out")) == ["plan"]
    assert "symlink to outside the input folder" in r.stderr
    r = planx("extract", src, "-o", tmp_path / "out2", "-j", "1", "--follow-symlinks")
    assert sorted(jsons(tmp_path / "out2")) == ["escape", "plan"]


def test_a_second_run_into_a_busy_folder_is_refused(tmp_path):
    from extractor.folder_lock import FolderLock

    write(tmp_path / "in" / "plan.txt", plan_text(1))
    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(out):
        r = planx("extract", tmp_path / "in", "-o", out)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "another planx run is writing to this folder" in r.stderr
    assert f"(process {os.getpid()})" in r.stderr
    assert planx("extract", tmp_path / "in", "-o", out).returncode == 0  # free again


def test_stale_temporaries_are_cleaned_and_a_cut_json_is_redone(tmp_path):
    src = tmp_path / "in"
    for n in (1, 2):
        write(src / f"p{n}.txt", plan_text(n))
    out = tmp_path / "out"
    assert planx("extract", src, "-o", out, "-j", "1").returncode == 0
    (out / ".planx-abcd1234.tmp").write_text("left by a crash")
    good = (out / "p1.json").read_bytes()
    (out / "p1.json").write_bytes(good[: len(good) // 2])  # truncated
    (out / "p2.json").write_bytes((out / "p2.json").read_bytes()[:-40])
    r = planx("extract", src / "p2.txt", "-o", out, "-j", "1")  # p1 is not even in this run
    assert r.returncode == 0, r.stderr
    assert not list(out.glob(".planx-*.tmp"))
    assert (out / "p1.json").read_bytes() == good
    assert jsons(out)["p2"]["document"]["doc_id"] == "p2"
    assert "2 documents extracted" in r.stderr
    assert_tables_are_the_jsons(out)


def test_a_killed_run_resumes_from_the_documents_it_finished(tmp_path):
    """The manifest is written as documents finish: a run killed half-way keeps them."""
    src = tmp_path / "in"
    for n in range(1, 7):
        write(src / f"p{n}.txt", plan_text(n))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "extract", str(src), "-o", str(out), "-j", "1",
                             "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("p*.json"))) < 2:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    finished = set(jsons(out))
    assert finished, "the run was killed before any document finished"
    r = planx("extract", src, "-o", out, "-j", "1")
    assert r.returncode == 0, r.stderr
    # a document killed between its JSON and its journal line is redone (nothing lost), the others reused
    reused = re.search(r"(\d+) unchanged \(reused\)", r.stderr)
    assert len(finished) == 6 or (reused and len(finished) - 1 <= int(reused.group(1)) <= len(finished)), r.stderr
    assert_tables_are_the_jsons(out)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_within_a_second(tmp_path, jobs):
    src = tmp_path / "in"
    for n in range(40):
        write(src / f"p{n:02d}.txt", (CORPORA / "003_382c057b0d0a3343.txt").read_text(encoding="utf-8") + f"\n{n}\n")
    # started as from a terminal: SIGINT at its default (a shell's background job would inherit it ignored)
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "extract", str(src), "-o", str(tmp_path / "out"),
                             "-j", jobs], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 120
    while time.time() < deadline and not list((tmp_path / "out").glob("p*.json")):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    t0 = time.time()
    _, err = proc.communicate(timeout=30)
    assert time.time() - t0 < 1.5, "took longer than a second to stop"
    assert proc.returncode == 130 and "interrupted" in err.decode() and "Traceback" not in err.decode()


def test_cli_messages(tmp_path):
    bare = planx()
    assert bare.returncode == 0 and "extract" in bare.stdout and "exit codes" in bare.stdout
    assert "examples" in planx("--help").stdout and "exit codes" in planx("extract", "--help").stdout
    write(tmp_path / "in" / "plan.txt", plan_text(1))
    readme = write(tmp_path / "README.md", "# x")
    r = planx("extract", tmp_path / "in", "-o", readme)
    assert r.returncode == 2 and r.stderr.strip() == f"planx: {readme}: exists and is not a folder (choose another -o)"
    r = planx("diff", tmp_path / "in", tmp_path / "in" / "plan.txt")
    assert "Traceback" not in r.stderr


def test_short_repr_and_extract_from_bytes_or_a_file_object():
    from extractor import extract

    with open(DOCX, "rb") as fh:
        res = extract(fh)
    assert len(repr(res)) < 300 and repr(res).startswith("ExtractResult(doc_id='plan_numbering'")
    same = extract(DOCX.read_bytes(), name="plan_numbering.docx")
    assert same.to_dict()["sections"] == res.to_dict()["sections"] == extract(DOCX).to_dict()["sections"]
    assert res.document.source == "plan_numbering.docx"
