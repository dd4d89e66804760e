"""Page progress (OCR is slow): a reader's page events reach the batch's progress callback from
this process and from worker processes, and keep a supervised worker alive past the per-document
time limit while pages go by — a page that hangs is still stopped."""
from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from extractor import progress
from extractor.batch import run_batch
from extractor.limits import Limits


def _wait(events: list, n: int) -> None:
    for _ in range(100):
        if len(events) >= n:
            return
        time.sleep(0.02)


def _report_from_child() -> None:
    progress.page_started("/data/scan.pdf", 2, 9)


def test_events_reach_the_listener_from_this_process_and_a_worker():
    events: list = []
    listener = progress.Listener(lambda *e: events.append(e))
    try:
        progress.page_started("/data/scan.pdf", 1, 9)
        child = multiprocessing.get_context("spawn").Process(target=_report_from_child)
        child.start()
        child.join(60)
        _wait(events, 2)
    finally:
        listener.close()
    assert sorted(events) == [("/data/scan.pdf", 1, 9), ("/data/scan.pdf", 2, 9)]
    assert progress.ENV not in os.environ


def test_an_inactive_listener_or_no_listener_is_silent():
    progress.Listener(lambda *e: None, active=False).close()
    progress.page_started("x.pdf", 1, 1)  # nobody listens: nothing happens, nothing raised


def _slow_txt(monkeypatch, pages: int, seconds: float) -> None:
    """The .txt reader turned into a slow paged one.  Workers are forked so that they inherit the
    patch (a thread left by an earlier test, e.g. dask's, would otherwise make the supervisor start
    fresh interpreters, which read with the real reader)."""
    from extractor.engines import supervisor
    from extractor.readers import txt

    monkeypatch.setattr(supervisor, "_can_fork", lambda: hasattr(os, "fork"))

    real = txt.read_txt

    def slow(path, doc_id=None):
        for page in range(1, pages + 1):
            progress.page_started(path, page, pages)
            time.sleep(seconds)
        return real(path, doc_id)

    monkeypatch.setattr(txt, "read_txt", slow)


def _plan(tmp_path):
    src = tmp_path / "plan.txt"
    src.write_text("一、总体要求\n到2025年，空气质量优良天数比率达到87%。\n", encoding="utf-8")
    return src


def test_the_batch_progress_shows_the_page_being_read(tmp_path, monkeypatch):
    _slow_txt(monkeypatch, 2, 0.0)
    src = _plan(tmp_path)
    seen: list = []
    run_batch([src], tmp_path / "out", jobs=1, limits=Limits(timeout=0, max_memory=0),
              on_progress=lambda done, total, name: seen.append((done, total, name)))
    _wait(seen, 4)
    assert (0, 1, f"{src} p.1/2") in seen and (0, 1, f"{src} p.2/2") in seen
    assert (1, 1, str(src)) in seen


@pytest.mark.skipif(os.name != "posix", reason="supervised workers need POSIX")
def test_pages_going_by_keep_a_supervised_worker_past_the_time_limit(tmp_path, monkeypatch):
    """Three pages of 0.8 s under a 1 s limit: each page started grants one page's allowance."""
    _slow_txt(monkeypatch, 3, 0.8)
    monkeypatch.setattr(progress, "page_allowance", lambda: 1.0)
    summary = run_batch([_plan(tmp_path)], tmp_path / "out", jobs=1, limits=Limits(timeout=1.0, max_memory=0))
    assert summary.failures == [] and summary.documents == 1


@pytest.mark.skipif(os.name != "posix", reason="supervised workers need POSIX")
def test_a_page_that_hangs_is_still_stopped(tmp_path, monkeypatch):
    _slow_txt(monkeypatch, 1, 30.0)
    monkeypatch.setattr(progress, "page_allowance", lambda: 1.0)
    t0 = time.monotonic()
    summary = run_batch([_plan(tmp_path)], tmp_path / "out", jobs=1, limits=Limits(timeout=1.0, max_memory=0))
    assert time.monotonic() - t0 < 20
    assert len(summary.failures) == 1 and "time limit" in summary.failures[0]


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="RLIMIT_AS is enforced on Linux")
def test_an_ocr_document_lifts_the_address_space_cap_and_its_worker_is_not_reused(tmp_path, monkeypatch):
    """OCR's runtime reserves about 2 GB of address space while using half of it: once a reader
    reports pages, the worker lifts its address-space cap (the supervisor then holds its resident
    size to the limit) and retires after that document; the next document gets a capped worker."""
    import resource

    from extractor.engines import supervisor
    from extractor.readers import txt

    monkeypatch.setattr(supervisor, "_can_fork", lambda: hasattr(os, "fork"))
    real = txt.read_txt
    seen = tmp_path / "limits"

    def paged(path, doc_id=None):
        if "scan" in str(path):
            progress.page_started(path, 1, 1)
        with open(seen, "a") as f:
            f.write(f"{path.name} {resource.getrlimit(resource.RLIMIT_AS)[0]}\n")
        return real(path, doc_id)

    monkeypatch.setattr(txt, "read_txt", paged)
    docs = []
    for name, repeat in (("a_scan.txt", 20), ("b_plain.txt", 1)):  # the larger document goes first
        docs.append(tmp_path / name)
        docs[-1].write_text("一、总体要求\n" + "到2025年，空气质量优良天数比率达到87%。\n" * repeat, encoding="utf-8")
    summary = run_batch(docs, tmp_path / "out", jobs=1, limits=Limits(timeout=30.0, max_memory=3 << 30))
    assert summary.failures == [] and summary.documents == 2
    caps = dict(line.split() for line in seen.read_text().splitlines())
    assert int(caps["a_scan.txt"]) == resource.RLIM_INFINITY
    assert int(caps["b_plain.txt"]) != resource.RLIM_INFINITY  # a fresh, capped worker
