"""Batch runner: parallel = sequential output, re-run skips, failures reported, engines."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPORA

from extractor.batch import run_batch
from extractor.cli import main
from extractor.inputs import MANIFEST, collect_inputs

SMALL = ["004_061c6bf53607da0b", "003_382c057b0d0a3343"]  # the two quickest seeds


@pytest.fixture()
def small_corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for name in SMALL:
        shutil.copy(CORPORA / f"{name}.txt", src / f"{name}.txt")
    return src


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())
            if p.suffix in (".json", ".csv") and p.name != MANIFEST}


def test_collect_inputs_accounts_for_every_file(tmp_path: Path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "plan.txt").write_text("规划", encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / "a" / ".hidden.txt").write_text("x", encoding="utf-8")
    got = collect_inputs([tmp_path, tmp_path / "missing.txt", tmp_path / "a" / "plan.txt"])
    assert got.files == [tmp_path / "a" / "plan.txt", tmp_path / "b" / "plan.txt"]
    assert got.repeated == 1
    assert got.skipped == [(tmp_path / "a" / "notes.md", "unsupported type")]
    assert got.skipped_summary() == "1 file skipped: .md 1 (unsupported type)"
    assert got.missing == [f"{tmp_path / 'missing.txt'}: no such file or folder"]


def test_jobs_2_writes_the_same_files_as_jobs_1(small_corpus: Path, tmp_path: Path):
    one = run_batch([small_corpus], tmp_path / "o1", jobs=1)
    two = run_batch([small_corpus], tmp_path / "o2", jobs=2)
    assert one.failures == two.failures == []
    assert one.documents == two.documents == 2
    assert one.records == two.records and one.records["sections"] > 0
    assert _outputs(tmp_path / "o1") == _outputs(tmp_path / "o2")
    assert {p.name for p in one.written} >= {f"{n}.json" for n in SMALL} | {"sections.csv"}


def test_rerun_skips_unchanged_and_redoes_changed(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = run_batch([small_corpus], out)
    before = _outputs(out)
    again = run_batch([small_corpus], out)
    assert (again.documents, again.unchanged) == (0, 2)
    assert again.records == first.records  # skipped documents still count, read back
    assert _outputs(out) == before  # and still appear in the batch tables
    changed = small_corpus / f"{SMALL[0]}.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附件：新增段落。\n", encoding="utf-8")
    third = run_batch([small_corpus], out)
    assert (third.documents, third.unchanged) == (1, 1)
    forced = run_batch([small_corpus], out, force=True)
    assert (forced.documents, forced.unchanged) == (2, 0)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["documents"]
    assert set(manifest) == set(SMALL)


def test_editing_a_pattern_file_redoes_the_documents(small_corpus: Path, tmp_path: Path, monkeypatch):
    from extractor.patterns import pattern_dirs

    user = tmp_path / "patterns"  # a user's pattern folder overriding one file of the library
    user.mkdir()
    shutil.copy(pattern_dirs()[0] / "units.toml", user / "units.toml")
    monkeypatch.setenv("PLANX_PATTERNS", str(user))
    out = tmp_path / "out"
    assert run_batch([small_corpus], out).documents == 2
    again = run_batch([small_corpus], out)
    assert (again.documents, again.unchanged) == (0, 2)
    with open(user / "units.toml", "a", encoding="utf-8") as fh:
        fh.write("\n# a user's edit\n")
    edited = run_batch([small_corpus], out)
    assert (edited.documents, edited.unchanged) == (2, 0)
    assert run_batch([small_corpus], out).unchanged == 2  # the new fingerprint is recorded
    (user / "extra.toml").write_text("[names]\nunits = []\n", encoding="utf-8")  # a file added
    assert run_batch([small_corpus], out).documents == 2
    monkeypatch.delenv("PLANX_PATTERNS")  # back to the library's own units.toml
    assert run_batch([small_corpus], out).documents == 2


def test_manifest_of_an_older_planx_without_fingerprint_is_redone(small_corpus: Path, tmp_path: Path):
    out = tmp_path / "out"
    run_batch([small_corpus], out)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for entry in manifest["documents"].values():
        assert len(entry.pop("fingerprint")) == 64
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert run_batch([small_corpus], out).documents == 2


def test_failures_are_one_line_in_input_order_and_the_batch_goes_on(small_corpus: Path, tmp_path: Path):
    (small_corpus / "a_empty.txt").write_bytes(b"")
    (small_corpus / "z_binary.txt").write_bytes(bytes(range(256)) * 64)
    s = run_batch([small_corpus], tmp_path / "out", jobs=2)
    assert s.documents == 2
    assert [m.split(":")[0] for m in s.failures] == [str(small_corpus / "a_empty.txt"),
                                                     str(small_corpus / "z_binary.txt")]
    assert all("\n" not in m for m in s.failures)
    assert not (tmp_path / "out" / "a_empty.json").exists()


def test_max_size_refuses_large_inputs(small_corpus: Path, tmp_path: Path):
    s = run_batch([small_corpus / f"{SMALL[1]}.txt"], tmp_path / "out", max_size=1000)
    assert s.documents == 0
    assert len(s.failures) == 1 and "over the input size limit" in s.failures[0]
    assert "--max-size" in s.failures[0]


def test_cli_extract_exit_codes_and_summary(small_corpus: Path, tmp_path: Path, capsys):
    assert main(["extract", str(small_corpus), "-o", str(tmp_path / "out"), "-j", "2"]) == 0
    err = capsys.readouterr().err
    assert "2 documents extracted" in err and "documents/s" in err and "sections" in err
    (small_corpus / "bad.pdf").write_bytes(b"not a pdf")
    assert main(["extract", str(small_corpus), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "2 unchanged (reused)" in err and f"error: {small_corpus / 'bad.pdf'}:" in err
    assert main(["extract", str(tmp_path / "nothing.txt"), "-o", str(tmp_path / "out")]) == 2


def test_dask_local_cluster_matches_local_engine(small_corpus: Path, tmp_path: Path):
    pytest.importorskip("distributed")
    local = run_batch([small_corpus], tmp_path / "local", jobs=1)
    dask = run_batch([small_corpus], tmp_path / "dask", jobs=2, engine="dask")
    assert dask.failures == [] and dask.documents == 2
    assert dask.records == local.records
    assert _outputs(tmp_path / "dask") == _outputs(tmp_path / "local")


def test_unreachable_dask_scheduler_is_a_one_line_error(small_corpus: Path, tmp_path: Path, capsys):
    pytest.importorskip("distributed")
    code = main(["extract", str(small_corpus), "-o", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.startswith("planx: tcp://127.0.0.1:9: cannot start or reach the dask scheduler") and "\n" not in err
