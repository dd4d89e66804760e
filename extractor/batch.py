"""Batch extraction: expand inputs, give every document a unique doc_id, extract, write.

A failing document never stops the batch: its one-line error is collected and reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from .errors import PlanxError
from .readers import SUPPORTED


@dataclass
class Job:
    path: Path
    doc_id: str


@dataclass
class BatchSummary:
    documents: int = 0
    records: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # one-line messages
    written: list[Path] = field(default_factory=list)
    elapsed: float = 0.0


def expand_inputs(paths: Iterable[str | Path]) -> tuple[list[Job], list[str]]:
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
        jobs.append(Job(f, doc_id))
    return jobs, errors


def extract_one(job: Job) -> dict:
    """Extract one document to its JSON dict; PlanxError for user errors."""
    from .pipeline import extract

    return extract(job.path, job.doc_id).to_dict()


def run_batch(paths: Iterable[str | Path], out_dir: Path,
              on_progress: Optional[Callable[[int, int, str], None]] = None) -> BatchSummary:
    """Extract every input, write per-document JSON and the batch tables."""
    import time

    from .writers.jsonfile import write_document_json

    t0 = time.perf_counter()
    jobs, errors = expand_inputs(paths)
    summary = BatchSummary(failures=list(errors))
    results: list[dict] = []
    for i, job in enumerate(jobs, 1):
        try:
            res = extract_one(job)
        except PlanxError as e:
            summary.failures.append(str(e))
        except Exception as e:  # noqa: BLE001 — a bug must not stop the batch; report it
            summary.failures.append(f"{job.path}: internal error ({type(e).__name__}: {e})")
        else:
            summary.written.append(write_document_json(res, out_dir))
            results.append(res)
            summary.documents += 1
            for kind, recs in res.items():
                if isinstance(recs, list):
                    summary.records[kind] = summary.records.get(kind, 0) + len(recs)
        if on_progress:
            on_progress(i, len(jobs), str(job.path))
    if results:
        from .writers.tabular import write_batch_tables

        summary.written.extend(write_batch_tables(results, out_dir))
    summary.elapsed = time.perf_counter() - t0
    return summary
