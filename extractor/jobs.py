"""One document of a batch as a unit of work: the :class:`Job` an engine runs and the
:class:`Outcome` it sends back (:func:`run_job` never raises: errors become the outcome).

Below both the batch runner (:mod:`extractor.batch`) and the engines (:mod:`extractor.engines`),
which exchange these across processes (pickled).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from .collector import collector_paused
from .errors import OutOfMemory, PlanxError, one_line
from .jsonio import dumps
from .limits import check_file_size
from .pipeline import extract
from .records import ExtractResult

DEFAULT_MAX_SIZE = 100 * 2**20  # bytes; larger inputs are refused (``--max-size``)


@dataclass(frozen=True)
class Job:
    path: Path
    doc_id: str
    index: int = 0  # position in the batch: the order of every batch output
    max_size: int = DEFAULT_MAX_SIZE
    tables: bool = False  # the worker also makes the document's share of the batch tables (Outcome.tables)


@dataclass
class Outcome:
    """What a worker sends back for one document: its JSON text and counts, or an error."""

    index: int
    doc_id: str
    path: str
    json_text: Optional[bytes] = None  # the document's JSON, UTF-8
    counts: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    error: Optional[str] = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)  # the document's own (e.g. characters replaced)
    out_of_memory: bool = False  # the error is a MemoryError (the worker is not reused)
    retire: bool = False  # the worker lifted its address-space cap for this document: not reused
    internal: bool = False  # the error is not planx's own (a bug, or a library failing)
    tables: Any = None  # the document's share of the batch tables (writers.tabular.DocumentTables), if asked


def _check_size(job: Job) -> None:
    try:
        size = job.path.stat().st_size
    except FileNotFoundError:
        raise PlanxError(job.path, "no such file (deleted or moved during the batch?)") from None
    except OSError as e:
        raise PlanxError(job.path, f"cannot read: {e.strerror}") from None
    check_file_size(job.path, size, job.max_size)


def extract_one(job: Job) -> ExtractResult:
    """Extract one document to its records; PlanxError for user errors."""
    _check_size(job)
    return extract(job.path, job.doc_id, max_size=job.max_size)


def run_job(job: Job, tables: Optional[Callable[[ExtractResult], Any]] = None) -> Outcome:
    """Extract one document in a worker: never raises, errors become the outcome.  ``tables``
    (when the job asks for them) makes the document's share of the batch tables from its
    records; if it fails, the outcome has none and the batch makes them from the JSON."""
    t0 = time.perf_counter()
    out = Outcome(job.index, job.doc_id, str(job.path))
    try:
        with collector_paused():  # the result's life: gone by reference counting before it resumes
            _fill(out, job, tables)
    except OutOfMemory as e:
        out.json_text, out.error, out.out_of_memory = None, str(e), True
    except PlanxError as e:
        out.error, out.internal = str(e), getattr(e, "internal", False)  # a component's bug: internal
    except MemoryError:
        out.json_text, out.error, out.out_of_memory = None, str(OutOfMemory(job.path)), True
    except Exception as e:  # noqa: BLE001 — a bug must not stop the batch; report it
        out.error = one_line(f"{job.path}: internal error ({type(e).__name__}: {e or 'no details'})")
        out.internal = True
    out.seconds = time.perf_counter() - t0
    return out


def _fill(out: Outcome, job: Job, tables: Optional[Callable[[ExtractResult], Any]]) -> None:
    """``out`` with the document's JSON, counts and warnings, and its share of the batch tables
    when the job asks for them."""
    result = extract_one(job)
    res = result.to_dict()
    out.json_text = dumps(res)
    out.counts = {k: len(v) for k, v in res.items() if isinstance(v, list)}
    out.sha256 = res["document"]["sha256"]
    out.warnings = [one_line(f"{job.path}: {w}") for w in res["document"].get("warnings") or []]
    if tables is not None and job.tables:
        out.tables = _tables(tables, result)


def _tables(make: Callable[[ExtractResult], Any], result: ExtractResult) -> Any:
    try:
        return make(result)
    except Exception:  # noqa: BLE001 — a bug or memory short: the batch makes them from the JSON instead
        return None
