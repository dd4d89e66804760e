"""Page progress (OCR is slow): page events reach the batch's progress callback from this
process and from worker processes, over a loopback datagram the batch listens for."""
from __future__ import annotations

import multiprocessing
import time

from extractor import progress
from extractor.batch import run_batch


def _wait(events: list, n: int) -> None:
    for _ in range(100):
        if len(events) >= n:
            return
        time.sleep(0.02)


def _report_from_child() -> None:
    progress.page_done("/data/scan.pdf", 2, 9)


def test_events_reach_the_listener_from_this_process_and_a_worker():
    events: list = []
    listener = progress.Listener(lambda *e: events.append(e))
    try:
        progress.page_done("/data/scan.pdf", 1, 9)
        child = multiprocessing.get_context("spawn").Process(target=_report_from_child)
        child.start()
        child.join(60)
        _wait(events, 2)
    finally:
        listener.close()
    assert sorted(events) == [("/data/scan.pdf", 1, 9), ("/data/scan.pdf", 2, 9)]
    assert progress.ENV not in __import__("os").environ


def test_an_inactive_listener_or_no_listener_is_silent():
    progress.Listener(lambda *e: None, active=False).close()
    progress.page_done("x.pdf", 1, 1)  # nobody listens: nothing happens, nothing raised


def test_the_batch_progress_shows_the_page_being_read(tmp_path, monkeypatch):
    from extractor.readers import txt

    real = txt.read_txt

    def slow_reader(path, doc_id=None):
        for page in (1, 2):
            progress.page_done(path, page, 2)
        return real(path, doc_id)

    monkeypatch.setattr(txt, "read_txt", slow_reader)
    src = tmp_path / "plan.txt"
    src.write_text("一、总体要求\n到2025年，空气质量优良天数比率达到87%。\n", encoding="utf-8")
    seen: list = []
    run_batch([src], tmp_path / "out", on_progress=lambda done, total, name: seen.append((done, total, name)))
    _wait(seen, 4)
    assert (0, 1, f"{src} p.1/2") in seen and (0, 1, f"{src} p.2/2") in seen
    assert seen[-1] == (1, 1, str(src)) or (1, 1, str(src)) in seen
