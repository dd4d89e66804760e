"""The ``planx`` command line: a thin skin over the Python API.

Sub-commands register themselves here; heavy modules are imported only when a
sub-command runs, so ``planx --help`` stays fast.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Optional

from . import __version__


def _cmd_extract(args: argparse.Namespace) -> int:
    from .batch import run_batch
    from .errors import PlanxError

    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        print(f"planx: {out}: cannot create output folder ({e.strerror})", file=sys.stderr)
        return 2
    if not os.access(out, os.W_OK):
        print(f"planx: {out}: output folder is not writable", file=sys.stderr)
        return 2
    engine = "dask" if args.scheduler else args.engine
    show = sys.stderr.isatty() and not args.quiet
    try:
        limits = _limits(args)
        with _progress(show) as progress:
            summary = run_batch(args.paths, out, jobs=args.jobs, force=args.force, engine=engine,
                                scheduler=args.scheduler, limits=limits, on_progress=progress)
    except PlanxError as e:
        print(f"planx: {e}", file=sys.stderr)
        return 2
    for msg in summary.warnings:
        print(f"warning: {msg}", file=sys.stderr)
    for msg in summary.failures:
        print(f"error: {msg}", file=sys.stderr)
    if not args.quiet:
        _print_summary(summary, out)
    return 1 if summary.failures else 0


def _limits(args: argparse.Namespace):
    """The per-document limits: patterns/limits.toml, overridden by the flags given."""
    from dataclasses import replace

    from .limits import MB, Limits

    limits = Limits.defaults()
    if args.timeout is not None:
        limits = replace(limits, timeout=args.timeout)
    if args.max_memory is not None:
        limits = replace(limits, max_memory=args.max_memory)
    if args.max_size is not None:
        limits = replace(limits, max_size=int(args.max_size * MB))
    return limits


@contextlib.contextmanager
def _progress(show: bool):
    """A rich progress bar with documents/s on a terminal; a no-op callback otherwise."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("extract"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:.1f} doc/s"), TimeRemainingColumn(),
                   TextColumn("{task.fields[name]}"), console=Console(stderr=True), transient=True,
                   auto_refresh=False)  # no refresh thread: workers can then be forked (engines.supervisor)
    task = bar.add_task("extract", total=None, rate=0.0, name="")
    t0 = time.perf_counter()

    def update(done: int, total: int, name: str) -> None:
        rate = done / max(time.perf_counter() - t0, 1e-9)
        bar.update(task, completed=done, total=total, rate=rate, name=Path(name).name[:40])
        bar.refresh()

    with bar:
        yield update


def _print_summary(summary, out: Path) -> None:
    skipped = f", {summary.skipped} unchanged (skipped)" if summary.skipped else ""
    print(f"planx: {summary.documents} document(s) extracted{skipped} to {out} in {summary.elapsed:.2f} s "
          f"({summary.rate:.1f} documents/s); {len(summary.failures)} failed", file=sys.stderr)
    counts = ", ".join(f"{k} {v}" for k, v in summary.records.items() if v)
    if counts:
        print(f"planx: records: {counts}", file=sys.stderr)
    _print_findings(summary, out)


FINDINGS_DETAIL_MAX_DOCS = 20  # per-document audit summaries for batches up to this size


def _print_findings(summary, out: Path) -> None:
    """The audit findings of each document (errors listed), for small batches."""
    import json

    from .audit import run_cross
    from .audit.report import finding_lines, summary_line
    from .records import ExtractResult

    docs = [p for p in summary.written if p.suffix == ".json" and not p.name.startswith(".")]
    if not docs or len(docs) > FINDINGS_DETAIL_MAX_DOCS:
        return
    results = [ExtractResult.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in docs]
    for res in results:
        print(f"audit: {res.doc_id}: {summary_line(res.findings)}", file=sys.stderr)
        for line in finding_lines([f for f in res.findings if f.severity == "error"]):
            print(f"  {line}", file=sys.stderr)
    if len(results) > 1:
        cross = run_cross(results)
        print(f"audit: across documents: {summary_line(cross)}", file=sys.stderr)
        for line in finding_lines([f for f in cross if f.severity == "error"]):
            print(f"  {line}", file=sys.stderr)


def _megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of megabytes: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text.strip().lower().removesuffix("s"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be >= 0 (0 = no limit)")
    return value


def _memory(text: str) -> int:
    from .limits import parse_size

    try:
        return parse_size(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a memory size (e.g. 2GB, 512MB): {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planx", description="Structured, sourced records from Chinese plan documents.")
    p.add_argument("--version", action="version", version=f"planx {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract records from plan documents (.txt .docx .doc .wps .html .pdf) or folders")
    ex.add_argument("paths", nargs="+", help="input files and/or folders")
    ex.add_argument("-o", "--output", default="outputs", help="output folder (default: outputs/)")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    ex.add_argument("-j", "--jobs", type=_positive, default=None,
                    help="worker processes (default: one per core, at most one per document)")
    ex.add_argument("--force", action="store_true", help="re-extract documents unchanged since the last run")
    ex.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="local processes (default) or a dask.distributed cluster (pip install planx[dask])")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="dask scheduler address (implies --engine dask; default: a local cluster)")
    ex.add_argument("--max-size", type=_megabytes, default=None, metavar="MB",
                    help="refuse input files larger than this (default: 100 MB)")
    ex.add_argument("--timeout", type=_seconds, default=None, metavar="S",
                    help="stop a document after this many seconds (default: 30; 0 = no limit)")
    ex.add_argument("--max-memory", type=_memory, default=None, metavar="SIZE",
                    help="stop a document whose worker needs more memory, e.g. 2GB, 512MB (default: 2 GB; 0 = no limit)")
    ex.set_defaults(func=_cmd_extract)
    from .audit.cli import register as register_audit
    register_audit(sub)
    from .diff.cli import register as register_diff
    register_diff(sub)
    from .review.cli import register as register_review
    register_review(sub)
    return p


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("planx: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
