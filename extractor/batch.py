"""Batch extraction into an output folder: inputs accounted for, stable ids, tables of the folder.

A run locks the output folder (:mod:`.folder_lock`), finishes or undoes a table switch a
killed run left (:mod:`.writers.publish`) and removes stale temporary files.  Inputs are
collected (:mod:`.inputs`: each real file once, skipped files with their reason); each source
keeps its doc_id across runs (:mod:`.manifest`).  Documents run on an engine
(``extractor.engines``: supervised worker processes on this machine, or a dask cluster), each
under the per-document limits (:class:`~extractor.limits.Limits`); each JSON is written
(atomically) and recorded in the manifest as it arrives, so memory stays flat and a killed
run resumes.  A document whose source, planx version and extraction fingerprint are unchanged
and whose JSON is whole is reused (``--force`` redoes it).  The batch tables (CSV, Excel,
SQLite) are then rebuilt from every document of the folder, in doc_id order, so they describe
the folder whatever the run held; each document's rows are made as it arrives — by the worker
that extracted it, from its records, when the workers take every core (this process would
otherwise compete with them), else here from its JSON.  A failing document never stops the batch: its one-line
error is collected.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Optional

from .audit import run_cross
from .engines import cores, default_jobs, get_engine
from .errors import PlanxError
from .files import atomic_write_bytes, remove_stale_temps
from .folder_lock import FolderLock
from .inputs import Inputs, collect_inputs
from .jobs import Job
from .jsonio import loads
from .limits import Limits
from .progress import Listener
from .records import ExtractResult, Finding
from .manifest import Manifest
from .readers.legacy_word import Prepared, prepare_batch
from .writers.publish import recover
from .writers.tabular import BatchTables, DocumentTables


@dataclass
class BatchSummary:
    documents: int = 0  # extracted in this run
    unchanged: int = 0  # unchanged since the last run (their JSON is reused)
    records: dict[str, int] = field(default_factory=dict)  # by kind, of this run's documents
    failures: list[str] = field(default_factory=list)  # one-line messages, in input order
    warnings: list[str] = field(default_factory=list)  # about documents extracted (input order)
    notes: list[str] = field(default_factory=list)  # values the table writers had to change
    inputs: Inputs = field(default_factory=Inputs)  # what was given: skipped files, repeats
    pruned: list[str] = field(default_factory=list)  # doc_ids removed (source gone, --prune)
    orphans: list[str] = field(default_factory=list)  # doc_ids kept whose source is gone
    table_documents: int = 0  # documents the batch tables hold
    written: list[Path] = field(default_factory=list)  # this run's JSON files, then the tables
    audited: list[ExtractResult] = field(default_factory=list)  # this run's documents (input order), findings
    #                                  included, when it extracted at most AUDITED_TOGETHER_MAX of them
    cross: list[Finding] = field(default_factory=list)  # the cross-document findings among ``audited``
    elapsed: float = 0.0
    tables_elapsed: float = 0.0  # of which writing the batch tables at the end
    tables_fed_elapsed: float = 0.0  # feeding the batch tables their rows while documents were extracted
    tables_made_cpu: float = 0.0  # CPU seconds the workers spent making documents' table rows (beside extracting)

    @property
    def rate(self) -> float:
        """Documents per second of this run (extracted ones)."""
        return self.documents / self.elapsed if self.elapsed > 0 else 0.0


AUDITED_TOGETHER_MAX = 20  # cross-document checks compare every pair: only for a run of this many documents


class NoInputError(PlanxError):
    """Nothing to extract: the paths hold no readable document."""


def _add_counts(summary: BatchSummary, counts: dict[str, int]) -> None:
    for kind, n in counts.items():
        summary.records[kind] = summary.records.get(kind, 0) + n


def _counts(res: dict) -> dict[str, int]:
    return {k: len(v) for k, v in res.items() if isinstance(v, list)}


def _read_json(path: Path) -> Optional[dict]:
    """A document's JSON, or None when it is missing, truncated or not a planx result."""
    try:
        res = loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return res if isinstance(res, dict) and isinstance(res.get("document"), dict) else None


def _looks_whole(path: Path) -> bool:
    """Cheap check of a JSON this run does not read: present and not cut off."""
    try:
        with open(path, "rb") as fh:
            fh.seek(max(0, path.stat().st_size - 64))
            return fh.read().rstrip().endswith(b"}")
    except OSError:
        return False


def run_batch(paths: Iterable[str | Path], out_dir: Path, *, jobs: Optional[int] = None, force: bool = False,
              engine: str = "local", scheduler: Optional[str] = None, max_size: Optional[int] = None,
              limits: Optional[Limits] = None, prune: bool = False, follow_symlinks: bool = False,
              on_progress: Optional[Callable[[int, int, str], None]] = None) -> BatchSummary:
    """Extract every input into ``out_dir``, write per-document JSON and the folder's tables.

    ``jobs``: worker processes (default: one per core, at most one per document); ``limits``: what
    one document may cost (default: ``patterns/limits.toml``), ``max_size`` overriding its file size.
    Raises PlanxError when the folder is locked by another run, NoInputError when the paths
    hold no document."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = get_engine(engine, scheduler)
    limits = limits or Limits.defaults()
    if max_size is not None:
        limits = replace(limits, max_size=max_size)
    with FolderLock(out_dir):
        recover(out_dir)
        remove_stale_temps(out_dir)
        return _run(paths, out_dir, run, jobs=jobs, force=force, limits=limits, prune=prune,
                    follow_symlinks=follow_symlinks, on_progress=on_progress)


def _run(paths: Iterable[str | Path], out_dir: Path, run, *, jobs: Optional[int], force: bool, limits: Limits,
         prune: bool, follow_symlinks: bool,
         on_progress: Optional[Callable[[int, int, str], None]]) -> BatchSummary:
    t0 = time.perf_counter()
    paths = list(paths)
    summary = BatchSummary()
    summary.inputs = inputs = collect_inputs(paths, out_dir, follow_symlinks)
    if not inputs.files:
        detail = "; ".join(inputs.missing + ([inputs.skipped_summary()] if inputs.skipped else []))
        raise NoInputError(", ".join(map(str, paths)) or "(no path)",
                           "no document to extract" + (f" ({detail})" if detail else ""))
    manifest = Manifest(out_dir)
    all_jobs = [Job(f, manifest.doc_id_for(f), i, limits.max_size) for i, f in enumerate(inputs.files)]
    in_run = {j.doc_id for j in all_jobs}
    for doc_id, path in list(manifest.documents()):  # other documents of the folder: redo a cut JSON
        if doc_id not in in_run and not _looks_whole(path):
            source = Path(manifest.entries[doc_id].get("source") or "")
            if source.is_file():
                all_jobs.append(Job(source, doc_id, len(all_jobs), limits.max_size))
            else:
                manifest.forget(doc_id)
    skip = {j.doc_id for j in all_jobs} | (set(manifest.gone()) if prune else set())  # fed otherwise, or pruned
    tables = _TableFeed(out_dir, manifest, [d for d, _ in manifest.documents() if d not in skip])
    try:
        errors: dict[int, str] = {}
        audited: dict[int, ExtractResult] = {}
        warned: dict[int, list[str]] = {}  # job index → its warnings
        todo: list[Job] = []
        done = 0
        if on_progress:
            on_progress(0, len(all_jobs), "")
        for job in all_jobs:
            res = None
            if not force and manifest.unchanged(job.doc_id, job.path):
                res = _read_json(manifest.json_path(job.doc_id))
            if res is not None and res["document"].get("doc_id") == job.doc_id:
                tables.add(job.doc_id, res)
                summary.unchanged += 1
                _add_counts(summary, _counts(res))
                done += 1
                if on_progress:
                    on_progress(done, len(all_jobs), str(job.path))
            else:
                todo.append(job)
        audit_together = len(todo) <= AUDITED_TOGETHER_MAX
        converted = _prepare_conversions(todo)
        pages = _page_progress(on_progress, lambda: done, len(all_jobs))
        workers = jobs or default_jobs(len(todo))
        if workers >= cores():  # no core left for this process: the workers make the table rows
            todo = [replace(j, tables=True) for j in todo]
        stream = run(todo, workers, limits)
        try:
            for outcomes in stream:
                for o in outcomes:
                    target = manifest.json_path(o.doc_id)
                    if o.error is None:
                        # journalled before the JSON is written: a run killed in between leaves an entry
                        # whose JSON is missing (redone next time), never a JSON no entry owns
                        try:
                            manifest.record(o.doc_id, o.path, o.sha256)
                            atomic_write_bytes(target, o.json_text)
                        except OSError as e:
                            o.error = f"{o.path}: cannot write {target} ({e.strerror or e})"
                    if o.error is None:
                        summary.documents += 1
                        summary.written.append(target)
                        _add_counts(summary, o.counts)
                        warned[o.index] = o.warnings
                        result = (ExtractResult.from_json(loads(o.json_text))
                                  if audit_together or o.tables is None else None)  # read once, for both
                        tables.add(o.doc_id, o.tables or result)  # the workers go on meanwhile (engines.supervisor)
                        summary.tables_made_cpu += o.tables.seconds if o.tables else 0.0
                        if audit_together:
                            audited[o.index] = result
                    else:
                        errors[o.index] = o.error
                        if o.doc_id in manifest.entries:  # its earlier JSON is not of the file as it is now
                            manifest.forget(o.doc_id)
                            target.unlink(missing_ok=True)
                    done += 1
                    if on_progress:
                        on_progress(done, len(all_jobs), o.path)
                tables.add_saved(1)  # the folder's other documents, one per outcome while the workers run
            tables.add_saved()
        finally:
            getattr(stream, "close", lambda: None)()  # on Ctrl-C: the engine stops its workers now
            pages.close()
            converted.cleanup()
            manifest.close()
        summary.failures = inputs.missing + [errors[i] for i in sorted(errors)] + tables.failures
        summary.warnings = [w for i in sorted(warned) for w in warned[i]]
        summary.audited = [audited[i] for i in sorted(audited)]
        summary.cross = run_cross(summary.audited) if len(summary.audited) > 1 else []
        for doc_id in manifest.gone():
            if prune:
                manifest.forget(doc_id)
                manifest.json_path(doc_id).unlink(missing_ok=True)
                summary.pruned.append(doc_id)
            else:
                summary.orphans.append(doc_id)
        t_tables = time.perf_counter()
        summary.written += _write_tables(tables, manifest, summary)
        summary.tables_elapsed = time.perf_counter() - t_tables
        summary.tables_fed_elapsed = tables.seconds
        try:
            manifest.save()
        except OSError as e:
            summary.failures.append(f"{manifest.path}: cannot write the manifest ({e.strerror or e})")
    finally:
        tables.tables.discard()
    summary.elapsed = time.perf_counter() - t0
    return summary


class _TableFeed:
    """The batch tables (:class:`~extractor.writers.tabular.BatchTables`) fed while the batch runs:
    each document extracted as it arrives, each unchanged one as it is found, and the folder's
    other documents read back from their JSON between outcomes; a JSON that cannot be read is
    reported and dropped from the manifest (the next run redoes it)."""

    def __init__(self, out_dir: Path, manifest: Manifest, others: list[str]):
        self.manifest = manifest
        self.others = deque(others)
        self.failures: list[str] = []  # JSON files that could not be read
        self.tables = BatchTables(out_dir)
        self.seconds = 0.0  # spent feeding the tables

    def add(self, doc_id: str, res: ExtractResult | dict | DocumentTables) -> None:
        t0 = time.perf_counter()
        self.tables.add(doc_id, res)
        self.seconds += time.perf_counter() - t0

    def add_saved(self, n: Optional[int] = None) -> None:
        """Feed ``n`` (default: all) of the folder's other documents."""
        while self.others and (n is None or n > 0):
            doc_id = self.others.popleft()
            path = self.manifest.json_path(doc_id)
            res = _read_json(path)
            if res is None:
                self.failures.append(f"{path}: unreadable JSON, left out of the batch tables "
                                     "(the next run redoes it)")
                self.manifest.forget(doc_id)
            else:
                self.add(doc_id, res)
            n = None if n is None else n - 1


def _page_progress(on_progress: Optional[Callable[[int, int, str], None]], done: Callable[[], int], total: int):
    """While the batch runs, OCR page events (from this process or its workers) show the page
    being read in the progress callback's name; ``close()`` when the batch ends."""
    return Listener(lambda path, page, pages: on_progress(done(), total, f"{path} p.{page}/{pages}"),
                    active=on_progress is not None)


def _prepare_conversions(todo: list[Job]):
    """Convert the batch's .doc/.wps files in one LibreOffice call (the readers pick them up)."""
    try:
        return prepare_batch(j.path for j in todo)
    except (PlanxError, OSError):
        return Prepared()  # each file is then converted, and any problem reported, on its own


def _write_tables(tables: _TableFeed, manifest: Manifest, summary: BatchSummary) -> list[Path]:
    """Write the tables of every document of the folder, in doc_id order, and publish them."""
    report = tables.tables.finish([doc_id for doc_id, _ in manifest.documents()])
    summary.failures += report.failures
    summary.notes += report.notes
    summary.table_documents = report.documents if report.written else 0
    return report.written
