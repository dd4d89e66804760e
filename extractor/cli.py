"""The ``planx`` command line: a thin skin over the Python API.

Sub-commands register themselves here; heavy modules are imported only when a
sub-command runs, so ``planx --help`` stays fast.
"""
from __future__ import annotations

import argparse
import sys
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
    progress = None
    if sys.stderr.isatty() and not args.quiet:
        def progress(i: int, n: int, name: str) -> None:
            print(f"\r[{i}/{n}] {Path(name).name[:60]:60}", end="" if i < n else "\n", file=sys.stderr)
    try:
        summary = run_batch(args.paths, out, on_progress=progress)
    except PlanxError as e:
        print(f"planx: {e}", file=sys.stderr)
        return 2
    for msg in summary.failures:
        print(f"error: {msg}", file=sys.stderr)
    if not args.quiet:
        counts = ", ".join(f"{k} {v}" for k, v in summary.records.items() if k != "schema_version")
        print(f"planx: {summary.documents} document(s) extracted to {out} in {summary.elapsed:.2f} s"
              f"{' (' + counts + ')' if counts else ''}; {len(summary.failures)} failed", file=sys.stderr)
    return 1 if summary.failures else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planx", description="Structured, sourced records from Chinese plan documents.")
    p.add_argument("--version", action="version", version=f"planx {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract records from .txt/.docx/.pdf files or folders")
    ex.add_argument("paths", nargs="+", help="input files and/or folders")
    ex.add_argument("-o", "--output", default="outputs", help="output folder (default: outputs/)")
    ex.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    ex.set_defaults(func=_cmd_extract)
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
