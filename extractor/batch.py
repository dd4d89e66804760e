"""Batch extraction: expand inputs, give every document a unique doc_id, extract, write.

Documents run on an engine (``extractor.engines``: supervised worker processes on this machine,
or a dask cluster), each under the per-document limits (:class:`~extractor.limits.Limits`).  Each worker returns the document's JSON text; the runner writes it as
soon as it arrives (atomically), so memory stays flat however large the batch.  The batch
tables (CSV, Excel, SQLite) are assembled at the end by reading the JSON files back in input
order, so the output is the same for any number of jobs.  A re-run skips documents whose
source path and sha256, planx version and extraction fingerprint (pattern files, output
schema version, code: :func:`extraction_fingerprint`) are unchanged (``.planx-manifest.json``
in the output folder).  A failing document never stops the batch: its one-line error is
collected.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from . import __version__
from .errors import OutOfMemory, PlanxError, one_line
from .evidence import file_sha256
from .limits import Limits, check_file_size
from .readers import SUPPORTED
from .writers.jsonfile import dumps

DEFAULT_MAX_SIZE = 100 * 2**20  # bytes; larger inputs are refused (``--max-size``)
MANIFEST = ".planx-manifest.json"


@dataclass(frozen=True)
class Job:
    path: Path
    doc_id: str
    index: int = 0  # position in the batch: the order of every batch output
    max_size: int = DEFAULT_MAX_SIZE


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


@dataclass
class BatchSummary:
    documents: int = 0  # extracted in this run
    skipped: int = 0  # unchanged since the last run (their JSON is reused)
    records: dict[str, int] = field(default_factory=dict)  # by kind, extracted + skipped
    failures: list[str] = field(default_factory=list)  # one-line messages, in input order
    warnings: list[str] = field(default_factory=list)  # about documents extracted (input order)
    written: list[Path] = field(default_factory=list)
    elapsed: float = 0.0
    tables_elapsed: float = 0.0  # of which writing the batch tables

    @property
    def rate(self) -> float:
        """Documents per second of this run (extracted ones)."""
        return self.documents / self.elapsed if self.elapsed > 0 else 0.0


def expand_inputs(paths: Iterable[str | Path], max_size: int = DEFAULT_MAX_SIZE) -> tuple[list[Job], list[str]]:
    """Files as given, folders expanded to their supported files (sorted); unique doc_ids."""
    files: list[Path] = []
    errors: list[str] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED
                                and not f.name.startswith(".")))
        elif p.exists():
            files.append(p)
        else:
            errors.append(f"{p}: no such file or directory")
    jobs, seen = [], set()
    for f in files:
        stem, doc_id, n = f.stem, f.stem, 1
        while doc_id in seen:
            n += 1
            doc_id = f"{stem}-{n}"
        seen.add(doc_id)
        jobs.append(Job(f, doc_id, len(jobs), max_size))
    return jobs, errors


def _check_size(job: Job) -> None:
    try:
        size = job.path.stat().st_size
    except FileNotFoundError:
        raise PlanxError(job.path, "no such file (deleted or moved during the batch?)") from None
    except OSError as e:
        raise PlanxError(job.path, f"cannot read: {e.strerror}") from None
    check_file_size(job.path, size, job.max_size)


def extract_one(job: Job) -> dict:
    """Extract one document to its JSON dict; PlanxError for user errors."""
    from .pipeline import extract

    _check_size(job)
    return extract(job.path, job.doc_id, max_size=job.max_size).to_dict()


def run_job(job: Job) -> Outcome:
    """Extract one document in a worker: never raises, errors become the outcome."""
    t0 = time.perf_counter()
    out = Outcome(job.index, job.doc_id, str(job.path))
    try:
        res = extract_one(job)
        out.json_text = dumps(res)
        out.counts = {k: len(v) for k, v in res.items() if isinstance(v, list)}
        out.sha256 = res["document"]["sha256"]
        out.warnings = [one_line(f"{job.path}: {w}") for w in res["document"].get("warnings") or []]
    except OutOfMemory as e:
        out.json_text, out.error, out.out_of_memory = None, str(e), True
    except PlanxError as e:
        out.error = str(e)
    except MemoryError:
        out.json_text, out.error, out.out_of_memory = None, str(OutOfMemory(job.path)), True
    except Exception as e:  # noqa: BLE001 — a bug must not stop the batch; report it
        out.error = f"{job.path}: internal error ({type(e).__name__}: {e})"
    out.seconds = time.perf_counter() - t0
    return out




def _hash_files(h: "hashlib._Hash", files: Iterable[tuple[str, Path]]) -> None:
    for name, path in files:
        data = path.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)


def extraction_fingerprint() -> str:
    """sha256 of what decides a document's output besides its source and the planx version:
    the pattern files loaded (per name, the first found in ``pattern_dirs()``, as
    ``patterns.load`` picks it), the output schema version and the ``extractor`` source code."""
    from .patterns import pattern_dirs
    from .records import SCHEMA_VERSION

    h = hashlib.sha256(f"schema {SCHEMA_VERSION}\0".encode())
    loaded: dict[str, Path] = {}
    for d in pattern_dirs():
        for f in sorted(f for f in d.iterdir() if f.suffix in (".toml", ".tsv")):
            loaded.setdefault(f.name, f)
    _hash_files(h, sorted(loaded.items()))
    code = Path(__file__).resolve().parent
    _hash_files(h, sorted((f.relative_to(code).as_posix(), f) for f in code.rglob("*.py")))
    return h.hexdigest()


class Manifest:
    """doc_id → source path, sha256, planx version and extraction fingerprint of the JSON in
    the output folder."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST
        self.fingerprint = extraction_fingerprint()
        try:
            self.entries: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8"))["documents"]
        except (OSError, ValueError, KeyError, TypeError):
            self.entries = {}

    def unchanged(self, job: Job, out_dir: Path) -> bool:
        e = self.entries.get(job.doc_id)
        return (e is not None and e.get("version") == __version__ and e.get("fingerprint") == self.fingerprint
                and e.get("source") == str(job.path.resolve())
                and (out_dir / f"{job.doc_id}.json").is_file() and e.get("sha256") == file_sha256(job.path))

    def record(self, job_path: str, doc_id: str, sha256: str) -> None:
        self.entries[doc_id] = {"source": str(Path(job_path).resolve()), "sha256": sha256, "version": __version__,
                                "fingerprint": self.fingerprint}

    def forget(self, doc_id: str) -> None:
        self.entries.pop(doc_id, None)

    def save(self) -> None:
        from .writers.jsonfile import atomic_write_text

        atomic_write_text(self.path, json.dumps({"planx": __version__, "documents": self.entries},
                                                ensure_ascii=False, indent=1, sort_keys=True))


class JsonResults:
    """The batch's result dicts read back from their JSON files, in input order, one at a
    time (iterable as often as a writer needs)."""

    def __init__(self, paths: list[Path]):
        self.paths = paths

    def __len__(self) -> int:
        return len(self.paths)

    def __iter__(self) -> Iterator[dict]:
        from .writers.jsonfile import loads

        for p in self.paths:
            yield loads(p.read_bytes())


def _add_counts(summary: BatchSummary, counts: dict[str, int]) -> None:
    for kind, n in counts.items():
        summary.records[kind] = summary.records.get(kind, 0) + n


def run_batch(paths: Iterable[str | Path], out_dir: Path, *, jobs: Optional[int] = None, force: bool = False,
              engine: str = "local", scheduler: Optional[str] = None, max_size: Optional[int] = None,
              limits: Optional[Limits] = None,
              on_progress: Optional[Callable[[int, int, str], None]] = None) -> BatchSummary:
    """Extract every input, write per-document JSON and the batch tables.

    ``jobs``: worker processes (default: one per core, at most one per document); ``limits``: what
    one document may cost (default: ``patterns/limits.toml``), ``max_size`` overriding its file size."""
    from .engines import default_jobs, get_engine
    from .writers.jsonfile import atomic_write_bytes

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    run = get_engine(engine, scheduler)
    limits = limits or Limits.defaults()
    if max_size is not None:
        limits = replace(limits, max_size=max_size)
    all_jobs, missing = expand_inputs(paths, limits.max_size)
    summary = BatchSummary()
    manifest = Manifest(out_dir)
    ok: dict[int, Path] = {}  # job index → its JSON file
    errors: dict[int, str] = {}
    warned: dict[int, list[str]] = {}  # job index → its warnings
    todo: list[Job] = []
    done = 0
    if on_progress:
        on_progress(0, len(all_jobs), "")
    for job in all_jobs:
        if not force and manifest.unchanged(job, out_dir):
            ok[job.index] = out_dir / f"{job.doc_id}.json"
            summary.skipped += 1
            _add_counts(summary, _counts_of(ok[job.index]))
            done += 1
            if on_progress:
                on_progress(done, len(all_jobs), str(job.path))
        else:
            todo.append(job)
    converted = _prepare_conversions(todo)
    try:
        for outcomes in run(todo, jobs or default_jobs(len(todo)), limits):
            for o in outcomes:
                if o.error is None:
                    target = out_dir / f"{o.doc_id}.json"
                    try:
                        atomic_write_bytes(target, o.json_text)
                    except OSError as e:
                        o.error = f"{o.path}: cannot write {target} ({e.strerror or e})"
                if o.error is None:
                    ok[o.index] = target
                    summary.documents += 1
                    _add_counts(summary, o.counts)
                    manifest.record(o.path, o.doc_id, o.sha256)
                    warned[o.index] = o.warnings
                else:
                    errors[o.index] = o.error
                    manifest.forget(o.doc_id)
                done += 1
                if on_progress:
                    on_progress(done, len(all_jobs), o.path)
    finally:
        converted.cleanup()
        try:
            manifest.save()
        except OSError as e:
            errors[len(all_jobs)] = f"{manifest.path}: cannot write the manifest ({e.strerror or e})"
    summary.failures = missing + [errors[i] for i in sorted(errors)]
    summary.warnings = [w for i in sorted(warned) for w in warned[i]]
    json_paths = [ok[i] for i in sorted(ok)]
    summary.written = json_paths
    if json_paths:
        t_tables = time.perf_counter()
        summary.written = json_paths + _write_tables(json_paths, out_dir, summary)
        summary.tables_elapsed = time.perf_counter() - t_tables
    summary.elapsed = time.perf_counter() - t0
    return summary


def _prepare_conversions(todo: list[Job]):
    """Convert the batch's .doc/.wps files in one LibreOffice call (the readers pick them up)."""
    from .readers.legacy_word import Prepared, prepare_batch

    try:
        return prepare_batch(j.path for j in todo)
    except (PlanxError, OSError):
        return Prepared()  # each file is then converted, and any problem reported, on its own


def _counts_of(path: Path) -> dict[str, int]:
    """Record counts of a document reused from an earlier run (read back from its JSON)."""
    try:
        res = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: len(v) for k, v in res.items() if isinstance(v, list)}


def _write_tables(json_paths: list[Path], out_dir: Path, summary: BatchSummary) -> list[Path]:
    from .writers.tabular import write_batch_tables

    report = write_batch_tables(JsonResults(json_paths), out_dir)
    summary.failures += report.failures
    return report.written
