"""Execution engines for a batch: where the per-document work runs.

An engine takes chunks of :class:`~extractor.batch.Job` and yields the list of
:class:`~extractor.batch.Outcome` of each chunk as it finishes (in any order); the batch
runner writes, counts and orders them.  ``local`` runs in this process (one job) or a
process pool; ``dask`` runs on a ``dask.distributed`` cluster (optional extra).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator, Optional

from ..errors import PlanxError

if TYPE_CHECKING:
    from ..batch import Job, Outcome

Engine = Callable[[list[list["Job"]], int], Iterator[list["Outcome"]]]
ENGINES = ("local", "dask")


def get_engine(name: str, scheduler: Optional[str] = None) -> Engine:
    """The engine called ``name``; ``scheduler`` is a dask scheduler address (or None)."""
    if name == "local":
        from .local import run_local

        return run_local
    if name == "dask":
        from .dask import dask_engine

        return dask_engine(scheduler)
    raise PlanxError(name, f"unknown engine (choose from {', '.join(ENGINES)})")
