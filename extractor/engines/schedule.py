"""Scheduling a batch's jobs over workers: how many workers, which document first, chunks of
about equal bytes for a cluster."""
from __future__ import annotations

import os

from ..jobs import Job


def cores() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def default_jobs(documents: int) -> int:
    """One worker per core, never more workers than documents."""
    return max(1, min(cores(), documents))


def file_size(job: Job) -> int:
    try:
        return job.path.stat().st_size
    except OSError:
        return 0


def largest_first(jobs: list[Job]) -> list[Job]:
    """Jobs by decreasing file size: the big documents start first, so none of them is left to
    run alone at the end of the batch (longest-processing-time-first scheduling)."""
    return sorted(jobs, key=lambda j: (-file_size(j), j.index))


def chunks_by_bytes(jobs: list[Job], workers: int, per_worker: int = 4, max_docs: int = 8) -> list[list[Job]]:
    """Chunks of about equal bytes (``per_worker`` per worker, at most ``max_docs`` documents
    each), largest documents first: a document bigger than a chunk's share is a chunk alone, so
    one big document never holds up small ones queued behind it in the same chunk."""
    ordered = largest_first(jobs)
    total = sum(file_size(j) for j in ordered)
    budget = max(1, total // max(1, workers * per_worker))
    chunks: list[list[Job]] = []
    current: list[Job] = []
    size = 0
    for job in ordered:
        n = file_size(job)
        if current and (size + n > budget or len(current) >= max_docs):
            chunks.append(current)
            current, size = [], 0
        current.append(job)
        size += n
    if current:
        chunks.append(current)
    return chunks
