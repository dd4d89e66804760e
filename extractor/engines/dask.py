"""Dask engine (``pip install planx[dask]``): the batch on a ``dask.distributed`` cluster.

With a scheduler address the chunks go to that cluster (its workers must see the input
paths, e.g. on a shared file system); without one a LocalCluster of one single-threaded
worker process per job is started for the batch and closed after it.  On the dask worker each
document runs in a supervised worker process under the same limits as the local engine
(:func:`run_chunk_supervised`), so a hostile document costs only itself there too.
"""
from __future__ import annotations

import threading
from typing import Iterator, Optional

from ..errors import PlanxError
from ..jobs import Job, Outcome
from ..limits import Limits
from .schedule import chunks_by_bytes
from .supervisor import Supervisor

_CONNECT_TIMEOUT = "10s"
_local = threading.local()  # on a dask worker: each executor thread's own supervisor


def run_chunk_supervised(chunk: list[Job], limits: Limits) -> list[Outcome]:
    """A dask task: the chunk's documents, one at a time, in this thread's worker process (kept
    for the next task)."""
    sup = getattr(_local, "supervisor", None)
    if sup is None or sup.limits != limits:
        if sup is not None:
            sup.close()
        sup = _local.supervisor = Supervisor(1, limits)
    return list(sup.run(chunk))


def dask_engine(scheduler: Optional[str]):
    """An engine running chunks on the cluster at ``scheduler`` (None: a local cluster)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise PlanxError("--engine dask", "dask is not installed (pip install 'planx[dask]')") from None

    def run(jobs: list[Job], workers: int, limits: Limits) -> Iterator[list[Outcome]]:
        from distributed import Client, LocalCluster, as_completed

        cluster = None
        try:
            if scheduler:
                client = Client(scheduler, timeout=_CONNECT_TIMEOUT)
            else:
                cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                       dashboard_address=None)
                client = Client(cluster)
        except (OSError, TimeoutError) as e:
            raise PlanxError(scheduler or "dask LocalCluster", f"cannot start or reach the dask scheduler ({e})") from None
        try:
            chunks = chunks_by_bytes(jobs, workers)
            futures = client.map(run_chunk_supervised, chunks, limits=limits, pure=False)
            by_key = {f.key: c for f, c in zip(futures, chunks)}
            for fut in as_completed(futures):
                try:
                    outcomes = fut.result()
                except Exception as e:  # noqa: BLE001 — a lost worker fails its documents only
                    chunk = by_key[fut.key]
                    outcomes = [Outcome(j.index, j.doc_id, str(j.path),
                                        error=f"{j.path}: dask task failed ({type(e).__name__}: {e})")
                                for j in chunk]
                fut.release()
                yield outcomes
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    return run
