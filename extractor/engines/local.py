"""Local engine: in this process for one worker, else a pool of worker processes.

Chunks are submitted a few at a time (memory stays flat however long the batch).  A worker
process that dies (killed for memory, a crash in a C library) breaks the pool: the chunks
that were running are then re-run one document at a time in a fresh one-worker pool, so
the document that kills its worker is named and every other one is still extracted.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Iterator

from ..batch import Job, Outcome, run_chunk

_INFLIGHT_PER_WORKER = 2


def run_local(chunks: list[list[Job]], workers: int) -> Iterator[list[Outcome]]:
    """Yield the outcomes of every chunk as it finishes."""
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield run_chunk(chunk)
        return
    pending: deque[list[Job]] = deque(chunks)
    suspects: deque[list[Job]] = deque()
    while pending or suspects:
        if suspects:
            yield from _run_suspect(suspects.popleft())
            continue
        crashed = yield from _run_pool(pending, workers)
        suspects.extend([job] for chunk in crashed for job in chunk)


def _context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one (safe with the progress bar's thread), preloaded."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["extractor.pipeline", "extractor.batch"])
        return ctx
    return multiprocessing.get_context()


def _run_pool(pending: deque[list[Job]], workers: int):
    """Run chunks from ``pending`` until it is empty or the pool breaks; return the chunks
    that were running when it broke."""
    with ProcessPoolExecutor(workers, mp_context=_context()) as pool:
        inflight: dict[Future, list[Job]] = {}
        while pending or inflight:
            while pending and len(inflight) < workers * _INFLIGHT_PER_WORKER:
                chunk = pending.popleft()
                inflight[pool.submit(run_chunk, chunk)] = chunk
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            for fut in done:
                chunk = inflight.pop(fut)
                try:
                    outcomes = fut.result()
                except BrokenProcessPool:
                    return [chunk, *inflight.values()]
                yield outcomes
    return []


def _run_suspect(chunk: list[Job]) -> Iterator[list[Outcome]]:
    """Run one document alone in its own worker; a crash is that document's failure."""
    with ProcessPoolExecutor(1, mp_context=_context()) as pool:
        try:
            yield pool.submit(run_chunk, chunk).result()
        except BrokenProcessPool:
            yield [Outcome(j.index, j.doc_id, str(j.path), error=f"{j.path}: worker process died "
                           "while extracting it (out of memory or a crash in a library)")
                   for j in chunk]
