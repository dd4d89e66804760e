"""Execution engines for a batch: where the per-document work runs.

An engine takes the batch's :class:`~extractor.jobs.Job` s, a number of workers and the
per-document :class:`~extractor.limits.Limits`, and yields lists of
:class:`~extractor.jobs.Outcome` as documents finish (in any order); the batch runner writes,
counts and orders them.  ``local`` runs every document in a supervised worker process on this
machine; ``dask`` runs chunks on a ``dask.distributed`` cluster, each document again in a
supervised worker process there (optional extra).

``ENGINES`` is the registry (name → module, factory), loaded by name like the readers: the
worker process (``python -m extractor.engines.worker``) starts without loading the engines.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable, Iterator, Optional

from ..errors import PlanxError
from ..jobs import Job, Outcome
from ..limits import Limits
from .schedule import chunks_by_bytes, cores, default_jobs, largest_first

Engine = Callable[[list[Job], int, Limits], Iterator[list[Outcome]]]
ENGINES: dict[str, tuple[str, str]] = {
    "local": ("local", "local_engine"),
    "dask": ("dask", "dask_engine"),
}

__all__ = ["ENGINES", "Engine", "get_engine", "chunks_by_bytes", "cores", "default_jobs", "largest_first"]


def get_engine(name: str, scheduler: Optional[str] = None) -> Engine:
    """The engine called ``name``; ``scheduler`` is a dask scheduler address (or None)."""
    if name not in ENGINES:
        raise PlanxError(name, f"unknown engine (choose from {', '.join(ENGINES)})")
    module, factory = ENGINES[name]
    return getattr(import_module(f".{module}", __name__), factory)(scheduler)
