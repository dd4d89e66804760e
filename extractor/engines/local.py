"""Local engine: every document in a supervised worker process (``supervisor``), ``workers`` of
them at a time, largest documents first.  A document that runs past the time limit, hits the
memory limit or crashes its worker is reported on its own line and its worker replaced; the
others go on.  Without any limit (``--timeout 0 --max-memory 0``) a single worker's documents
run in this process, as they do where supervised workers are not available (not POSIX: no
process groups, no select() on pipes, no address-space limit).
"""
from __future__ import annotations

import os
from typing import Iterator, Optional

from ..jobs import Job, Outcome, run_job
from ..limits import Limits
from ..writers.tabular import document_tables
from .schedule import largest_first
from .supervisor import Supervisor


def run_local(jobs: list[Job], workers: int, limits: Limits) -> Iterator[list[Outcome]]:
    """Yield the outcome of every document as it finishes."""
    if os.name != "posix" or (workers <= 1 and limits.timeout <= 0 and limits.max_memory <= 0):
        for job in jobs:
            yield [run_job(job, document_tables)]
        return
    with Supervisor(min(workers, len(jobs)), limits) as supervisor:
        for outcome in supervisor.run(largest_first(jobs)):
            yield [outcome]


def local_engine(scheduler: Optional[str] = None):
    """The local engine (``scheduler`` does not apply)."""
    return run_local
