"""Engines under limits: every document runs in a supervised worker process; one that runs too
long, needs too much memory or crashes its worker is reported on one line and the batch goes on."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from extractor import patterns
from extractor.batch import Job, run_batch
from extractor.jobs import Outcome
from extractor.inputs import collect_inputs
from extractor.engines import chunks_by_bytes, default_jobs, largest_first
from extractor.engines.supervisor import Supervisor
from extractor.limits import MB, Limits, parse_size

from conftest import CORPORA, ROOT

GOOD = CORPORA / "004_061c6bf53607da0b.txt"


@pytest.fixture()
def stuck_regex(tmp_path: Path, monkeypatch) -> str:
    """A pattern library whose bookmark pattern backtracks for hours, in C, on a line of x's: a
    document holding such a line never finishes unless its worker is killed.  Returns the line."""
    folder = tmp_path / "patterns"
    folder.mkdir()
    text = (ROOT / "patterns" / "text.toml").read_text(encoding="utf-8")
    text = text.replace("bookmark = '\\[bookmark:[^\\]]*\\]'", "bookmark = '\\[bookmark:[^\\]]*\\]|(?:x|xx)+y'")
    assert "(?:x|xx)+y" in text
    (folder / "text.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("PLANX_PATTERNS", str(folder))
    patterns.load.cache_clear()
    patterns.compiled.cache_clear()
    yield "x" * 60
    patterns.load.cache_clear()
    patterns.compiled.cache_clear()


def _batch(tmp_path: Path, hostile: dict[str, str | bytes]) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(GOOD, src / "good.txt")
    for name, data in hostile.items():
        (src / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return src


def test_a_document_past_the_time_limit_is_killed_and_the_batch_goes_on(tmp_path: Path, stuck_regex: str):
    src = _batch(tmp_path, {"stuck.txt": "一、总体要求\n" + stuck_regex + "\n"})
    t0 = time.monotonic()
    s = run_batch([src], tmp_path / "out", jobs=1, limits=Limits(timeout=10, max_memory=2048 * MB))
    assert time.monotonic() - t0 < 60
    assert s.failures == [f"{src / 'stuck.txt'}: exceeded 10 s, the per-document time limit (raise it with --timeout)"]
    assert s.documents == 1 and (tmp_path / "out" / "good.json").is_file()
    assert (tmp_path / "out" / "sections.csv").is_file()


def test_a_document_over_the_memory_limit_is_stopped_and_the_batch_goes_on(tmp_path: Path):
    big = GOOD.read_bytes() * (64 * MB // GOOD.stat().st_size)  # 64 MB of plan text
    src = _batch(tmp_path, {"big.txt": big})
    run = subprocess.run([sys.executable, "-m", "extractor.cli", "extract", str(src), "-o", str(tmp_path / "out"),
                          "--max-memory", "400MB", "--timeout", "110", "-j", "2", "-q"], cwd=ROOT,
                         capture_output=True, text=True, timeout=170)  # only the memory limit may end it, however loaded the machine
    assert run.returncode == 1
    assert run.stderr.splitlines() == [f"error: {src / 'big.txt'}: exceeded 400 MB, the per-document memory limit "
                                       "(raise it with --max-memory)"]
    assert (tmp_path / "out" / "good.json").is_file() and (tmp_path / "out" / "sections.csv").is_file()


def test_a_worker_pressed_against_its_address_space_cap_is_stopped(monkeypatch):
    """Right under its cap every new allocation arena fails and the worker crawls (each small
    allocation costs failed system calls): pressed there for a second, it is over the memory limit."""
    from types import SimpleNamespace

    from extractor.engines import supervisor

    cap, (margin, seconds) = 400 * MB, supervisor._PRESSED
    clock, used = [100.0], [cap - margin // 4]
    monkeypatch.setattr(supervisor, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    monkeypatch.setattr(supervisor, "_memory", lambda pid: (used[0], 200 * MB))
    monkeypatch.setattr(supervisor.sys, "platform", "linux")
    watch = Supervisor(1, Limits(timeout=0, max_memory=cap))
    worker = SimpleNamespace(pid=1, deadline=float("inf"), resident=False, cap=cap, pressed=float("inf"))

    def after(step: float) -> bool:
        clock[0] += step
        return watch._over_limit(worker)

    assert [after(0.0), after(seconds / 2)] == [False, False]
    used[0] = cap - 2 * margin  # it freed memory: the clock starts again
    assert after(seconds) is False
    used[0] = cap - margin // 4
    assert [after(0.0), after(seconds * 0.9), after(seconds * 0.1)] == [False, False, True]
    used[0] = cap - 2 * margin
    assert [after(step) for step in (seconds, seconds, 60.0)] == [False] * 3  # near, not against, the cap
    worker.resident, used[0] = True, 2 * cap  # a worker that lifted its cap is held to its resident size
    assert after(seconds) is False


def test_a_crashing_worker_fails_only_its_document(tmp_path: Path, stuck_regex: str):
    psutil = pytest.importorskip("psutil")
    src = _batch(tmp_path, {"stuck.txt": "一、总体要求\n" + stuck_regex + "\n"})
    jobs = [Job(f, f.stem, i) for i, f in enumerate(collect_inputs([src]).files)]
    stuck = [j for j in jobs if j.doc_id == "stuck"]

    others = {p.pid for p in psutil.Process().children()}  # e.g. multiprocessing's resource tracker

    def crash_the_worker() -> None:  # the supervisor's worker only, not the test process's other children
        time.sleep(2)
        for child in psutil.Process().children():
            if child.pid not in others:
                child.send_signal(signal.SIGSEGV)

    threading.Thread(target=crash_the_worker, daemon=True).start()
    with Supervisor(1, Limits(timeout=60, max_memory=2048 * MB)) as sup:
        outcomes = list(sup.run(stuck + [j for j in jobs if j.doc_id == "good"]))
    by_id = {o.doc_id: o for o in outcomes}
    assert by_id["stuck"].error == (f"{src / 'stuck.txt'}: worker process crashed (SIGSEGV) while extracting it "
                                    "(out of memory or a crash in a library)")
    assert by_id["good"].error is None and by_id["good"].json_text


def test_supervised_workers_match_in_process_extraction(tmp_path: Path):
    src = _batch(tmp_path, {"copy.txt": GOOD.read_bytes()})
    unlimited = run_batch([src], tmp_path / "a", jobs=1, limits=Limits(0, 0))
    supervised = run_batch([src], tmp_path / "b", jobs=2, limits=Limits(30, 2048 * MB))
    assert unlimited.failures == supervised.failures == []
    for name in ("good.json", "copy.json", "sections.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_jobs_default_to_one_per_core_but_never_more_than_documents():
    assert default_jobs(1) == 1
    assert default_jobs(1000) >= 1 and default_jobs(1000) == default_jobs(10**6)
    assert default_jobs(0) == 1


def test_big_documents_go_first_and_chunks_are_balanced_by_bytes(tmp_path: Path):
    sizes = [10, 5000, 20, 30, 4000, 40, 50, 60]
    jobs = []
    for i, n in enumerate(sizes):
        p = tmp_path / f"d{i}.txt"
        p.write_bytes(b"x" * n)
        jobs.append(Job(p, f"d{i}", i))
    assert [j.index for j in largest_first(jobs)][:2] == [1, 4]
    chunks = chunks_by_bytes(jobs, workers=2, per_worker=2)
    assert [[j.index for j in c] for c in chunks][:2] == [[1], [4]]  # a big document runs alone
    assert sorted(j.index for c in chunks for j in c) == list(range(len(sizes)))


@pytest.mark.parametrize("text, size", [("2GB", 2 * 2**30), ("512MB", 512 * MB), ("1.5g", 3 * 2**29),
                                        ("300", 300 * MB), ("2GiB", 2 * 2**30), ("0", 0)])
def test_memory_sizes(text: str, size: int):
    assert parse_size(text) == size


def test_cli_limits_flags(tmp_path: Path, stuck_regex: str, capsys):
    from extractor.cli import main

    src = _batch(tmp_path, {"stuck.txt": "一、总体要求\n" + stuck_regex + "\n"})
    code = main(["extract", str(src), "-o", str(tmp_path / "out"), "--timeout", "10", "--max-memory", "1GB", "-q"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [f"error: {src / 'stuck.txt'}: exceeded 10 s, the per-document time limit "
                                "(raise it with --timeout)"]


def test_the_dask_engine_applies_the_same_limits(tmp_path: Path, stuck_regex: str):
    pytest.importorskip("distributed")
    src = _batch(tmp_path, {"stuck.txt": "一、总体要求\n" + stuck_regex + "\n"})
    s = run_batch([src], tmp_path / "out", jobs=2, engine="dask", limits=Limits(timeout=10, max_memory=2048 * MB))
    assert s.failures == [f"{src / 'stuck.txt'}: exceeded 10 s, the per-document time limit (raise it with --timeout)"]
    assert s.documents == 1 and (tmp_path / "out" / "good.json").is_file()


def test_planx_diff_extracts_its_documents_under_the_same_limits(tmp_path: Path, stuck_regex: str, capsys,
                                                                  monkeypatch):
    from extractor.cli import main

    old = tmp_path / "old.txt"
    old.write_bytes(GOOD.read_bytes())
    new = tmp_path / "new.txt"
    new.write_text("一、总体要求\n" + stuck_regex + "\n", encoding="utf-8")
    monkeypatch.setattr(Limits, "defaults", classmethod(lambda cls: Limits(timeout=8, max_memory=2048 * MB)))
    code = main(["diff", str(old), str(new), "-o", str(tmp_path / "d.json")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == (f"planx: {new}: exceeded 8 s, the per-document time limit "
                   "(raise it with timeout_s in patterns/limits.toml)")


def test_a_library_failing_under_the_memory_cap_is_reported_as_over_the_memory_limit(tmp_path: Path, monkeypatch):
    """A C extension whose allocation fails under the address-space cap may raise SystemError
    ('error return without exception set') instead of MemoryError: in a worker that had grown to
    half its cap, that is the memory limit, not an internal error; a small worker's bug stays a bug."""
    from extractor.engines import worker

    def failing(job: Job, tables=None) -> Outcome:
        out = Outcome(job.index, job.doc_id, str(job.path), error=f"{job.path}: internal error (SystemError)")
        out.internal = True
        return out

    monkeypatch.setattr(worker, "run_job", failing)
    job = Job(tmp_path / "big.txt", "big", 0)
    assert worker._run(job, max_memory=1024).out_of_memory  # grown past half of a 1 KiB cap
    small = worker._run(job, max_memory=1 << 50)
    assert not small.out_of_memory and "internal error (SystemError)" in small.error


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
@pytest.mark.parametrize("forked", [True, False])
def test_a_workers_outcomes_cross_a_one_megabyte_pipe(forked: bool, monkeypatch):
    """A document's outcome (its JSON and table share, about 1.2 MB) crosses in one or two writes,
    whether the worker is forked or a fresh interpreter (as beside a progress bar's thread); and
    still arrives whole."""
    import fcntl

    from extractor.engines import supervisor

    if int(Path("/proc/sys/fs/pipe-max-size").read_text()) < supervisor._PIPE_BYTES:
        pytest.skip("this system caps pipe buffers below 1 MB")
    if forked and not supervisor._can_fork():
        pytest.skip("a thread left running by another test: no fork")
    if not forked:
        monkeypatch.setattr(supervisor, "_can_fork", lambda: False)
    worker = supervisor.Worker(Limits(timeout=60, max_memory=0))
    try:
        assert fcntl.fcntl(worker.outcomes.fileno(), fcntl.F_GETPIPE_SZ) == supervisor._PIPE_BYTES
        seed = max(CORPORA.glob("*.txt"), key=lambda p: p.stat().st_size)
        assert worker.send(Job(seed, "big", tables=True), 60)
        outcome = worker.receive()
        assert outcome.error is None and len(outcome.json_text) > 200_000 and outcome.tables.csv
    finally:
        worker.kill()


def test_documents_outside_a_batch_share_their_workers(tmp_path: Path, monkeypatch):
    """extract_supervised (planx diff's documents): each document's JSON in the order given, a
    broken one's one-line error in its place, in at most one worker per core, each worker kept
    for its next document."""
    from extractor import jsonio
    from extractor.engines import supervisor
    from extractor.errors import PlanxError

    started = []
    real = supervisor.Worker.__init__
    monkeypatch.setattr(supervisor.Worker, "__init__", lambda self, limits: started.append(1) or real(self, limits))
    paths = []
    for name in ("a", "b", "c", "d"):
        paths.append(tmp_path / f"{name}.txt")
        shutil.copy(GOOD, paths[-1])
    paths.insert(1, tmp_path / "broken.pdf")
    paths[1].write_bytes(b"no pdf at all")
    got = supervisor.extract_supervised(paths)
    assert [type(g) for g in got] == [bytes, PlanxError, bytes, bytes, bytes]
    assert [jsonio.loads(g)["document"]["doc_id"] for g in got if isinstance(g, bytes)] == ["a", "b", "c", "d"]
    assert str(got[1]).startswith(f"{paths[1]}: ") and "\n" not in str(got[1])
    assert 1 <= len(started) <= default_jobs(len(paths))
