"""The ``planx`` command line: a thin skin over the Python API.

Sub-commands register themselves here; heavy modules are imported only when a
sub-command runs, so ``planx --help`` stays fast.
"""
from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import multiprocessing.util
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Optional

from .audit.cli import register as register_audit
from .audit.report import finding_lines, safe, summary_line
from .batch import NoInputError, run_batch
from .diff.cli import register as register_diff
from .errors import PlanxError
from .limits import MB, Limits, parse_size
from .patterns import check_library
from .pipeline import configured as configured_pipeline
from .review.cli import register as register_review
from .version import __version__


def _say(line: str) -> None:
    """One line on stderr, control characters from document text escaped (never raw ESC)."""
    print(safe(line), file=sys.stderr)


def _output_folder(out: Path) -> Optional[str]:
    """Why ``out`` cannot be the output folder (None when it can)."""
    if out.exists() and not out.is_dir():
        return f"{out}: exists and is not a folder (choose another -o)"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return f"{out}: cannot create output folder ({e.strerror or e})"
    if not os.access(out, os.W_OK):
        return f"{out}: the output folder is not writable"
    return None


def _cmd_extract(args: argparse.Namespace) -> int:
    out = Path(args.output)
    problem = _output_folder(out)
    if problem:
        _say(f"planx: {problem}")
        return 2
    engine = "dask" if args.scheduler else args.engine
    show = sys.stderr.isatty() and not args.quiet
    try:
        limits = _limits(args)
        with _progress(show) as progress:
            summary = run_batch(args.paths, out, jobs=args.jobs, force=args.force, engine=engine,
                                scheduler=args.scheduler, limits=limits, prune=args.prune,
                                follow_symlinks=args.follow_symlinks, on_progress=progress)
    except NoInputError as e:
        _say(f"planx: {e}")
        return 2
    except PlanxError as e:
        _say(f"planx: {e}")
        return 2
    for msg in summary.warnings:
        print(f"warning: {msg}", file=sys.stderr)
    for msg in summary.failures:
        _say(f"error: {msg}")
    if not args.quiet:
        _print_summary(summary, out)
    return 1 if summary.failures else 0


def _limits(args: argparse.Namespace):
    """The per-document limits: patterns/limits.toml, overridden by the flags given."""
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
    """A progress bar (documents done / all, documents/s, time left, current file) that fits
    the terminal, on a terminal only; a no-op callback otherwise."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    name_width = max(0, console.width - 60)
    bar = Progress(TextColumn("extract"), BarColumn(bar_width=None), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]:.1f} doc/s"), TimeRemainingColumn(),
                   TextColumn("{task.fields[name]}", no_wrap=True), console=console, transient=True,
                   expand=False, auto_refresh=False)  # no refresh thread: workers can then be forked (engines.supervisor)
    task = bar.add_task("extract", total=None, rate=0.0, name="")
    t0 = time.perf_counter()

    def update(done: int, total: int, name: str) -> None:
        rate = done / max(time.perf_counter() - t0, 1e-9)
        label = Path(name).name
        if len(label) > name_width:  # keep the end: a page counter ("p.3/27") is there
            keep = max(0, name_width - 1)
            label = label[:keep // 2] + "…" + label[len(label) - (keep - keep // 2):] if name_width else ""
        bar.update(task, completed=done, total=total, rate=rate, name=label)
        bar.refresh()

    with bar:
        yield update


def _print_summary(summary, out: Path) -> None:
    parts = [f"{summary.documents} document{'s' if summary.documents != 1 else ''} extracted"]
    if summary.unchanged:
        parts.append(f"{summary.unchanged} unchanged (reused)")
    parts.append(f"{len(summary.failures)} failed")
    _say(f"planx: {', '.join(parts)} in {summary.elapsed:.2f} s ({summary.rate:.1f} documents/s)")
    if summary.inputs.skipped:
        _say(f"planx: {summary.inputs.skipped_summary()}")
    if summary.inputs.repeated:
        _say(f"planx: {summary.inputs.repeated} file(s) given more than once, extracted once")
    if summary.pruned:
        _say(f"planx: removed {len(summary.pruned)} document(s) whose source is gone (--prune): "
             + ", ".join(summary.pruned[:10]) + (" …" if len(summary.pruned) > 10 else ""))
    if summary.orphans:
        _say(f"planx: kept {len(summary.orphans)} document(s) whose source is gone (--prune removes them): "
             + ", ".join(summary.orphans[:10]) + (" …" if len(summary.orphans) > 10 else ""))
    counts = ", ".join(f"{k} {v}" for k, v in summary.records.items() if v)
    if counts:
        _say(f"planx: records: {counts}")
    for note in summary.notes:
        _say(f"note: {note}")
    if summary.table_documents:
        _say(f"planx: batch tables in {out} hold {summary.table_documents} document"
             f"{'s' if summary.table_documents != 1 else ''} (CSV, planx.xlsx, planx.sqlite)")
    _print_findings(summary)


def _print_findings(summary) -> None:
    """The audit findings of each document of the run (errors listed) and across them, for a
    run of few documents (``batch.AUDITED_TOGETHER_MAX``)."""
    for res in summary.audited:
        _say(f"audit: {res.doc_id}: {summary_line(res.findings)}")
        for line in finding_lines([f for f in res.findings if f.severity == "error"]):
            _say(f"  {line}")
    if len(summary.audited) > 1:
        _say(f"audit: across documents: {summary_line(summary.cross)}")
        for line in finding_lines([f for f in summary.cross if f.severity == "error"]):
            _say(f"  {line}")


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


EXAMPLES = """\
examples:
  planx extract plans/ -o outputs/          every plan in a folder: outputs/<doc_id>.json and the
                                            batch tables (documents.csv …, planx.xlsx, planx.sqlite)
  planx extract new.docx -o outputs/        add one plan to the same folder (the tables hold all)
  planx extract plans/ -o outputs/ --prune  also drop documents whose source file is gone
  planx diff draft.docx issued.pdf -o report.html
  planx audit outputs/

exit codes:
  0  done, nothing failed (diff: no changes; audit: no finding of severity error)
  1  some input failed (diff: changes found; audit: errors found) — each named on one line
  2  nothing could be done: a usage error, no input, an unusable or busy output folder
  130 interrupted (Ctrl-C); 141 output pipe closed
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planx", description="Structured, sourced records from Chinese plan documents.",
                                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"planx {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    ex = sub.add_parser("extract", help="extract records from plan documents (.txt .docx .doc .wps .html .pdf) or folders",
                        description="Extract records from plan documents and folders of them into an output folder: "
                                    "one <doc_id>.json per document and the batch tables of every document in the folder.",
                        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    ex.add_argument("--prune", action="store_true",
                    help="remove from the output folder the documents whose source file is gone")
    ex.add_argument("--follow-symlinks", action="store_true",
                    help="follow symbolic links in input folders, also to outside them (default: not)")
    ex.set_defaults(func=_cmd_extract)
    register_audit(sub)
    register_diff(sub)
    register_review(sub)
    return p


def main(argv: Optional[list[str]] = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if getattr(args, "func", None) is None:  # bare ``planx``: what it can do
            parser.print_help()
            return 0
        try:
            check_library()
            configured_pipeline()
        except PlanxError as e:
            _say(f"planx: {e}")
            return 2
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit
        return code
    except KeyboardInterrupt:
        print("planx: interrupted", file=sys.stderr)
        _stop_now(130)
    except BrokenPipeError:  # the reader of our output has gone (``planx … | head``)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _stop_now(code: int) -> None:
    """Exit at once (Ctrl-C): worker processes killed, no waiting for their queued documents.
    What finished is already on disk (each JSON and its manifest entry as it arrived); the
    next run resumes from it and removes the temporary files left."""
    for child in multiprocessing.active_children():
        child.kill()
    multiprocessing.util._exit_function()  # the pool's semaphores and queues released
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
