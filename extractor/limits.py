"""Per-document limits: the defaults in ``patterns/limits.toml``, the run's values, and the one
check every source bound shares.

Two kinds of limit keep a hostile input from hurting a batch: *resources* (wall time and memory of
the worker process that extracts a document, enforced by ``extractor.engines``) and *bounds at the
source* (file size, text size, table width, list counters, PDF pages and stream sizes, enforced by
the readers with a clear message).
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import PlanxError
from .patterns import load

MB = 2**20


def bound(section: str, name: str) -> int:
    """A source bound from ``patterns/limits.toml`` (e.g. ``bound("docx", "max_grid_columns")``)."""
    return int(load("limits")[section][name])


@dataclass(frozen=True)
class Limits:
    """What one document may cost: seconds, bytes of worker memory, bytes of input (0 = no limit)."""

    timeout: float = 0.0
    max_memory: int = 0
    max_size: int = 100 * MB
    flags: bool = True  # the command has --timeout/--max-memory (else the hint names limits.toml)

    @classmethod
    def defaults(cls) -> "Limits":
        d = load("limits")["document"]
        return cls(float(d["timeout_s"]), int(d["max_memory_mb"]) * MB, int(d["max_file_mb"]) * MB)

    def describe_timeout(self) -> str:
        how = "--timeout" if self.flags else "timeout_s in patterns/limits.toml"
        return f"exceeded {self.timeout:g} s, the per-document time limit (raise it with {how})"

    def describe_memory(self) -> str:
        how = "--max-memory" if self.flags else "max_memory_mb in patterns/limits.toml"
        return f"exceeded {format_size(self.max_memory)}, the per-document memory limit (raise it with {how})"


def format_size(n: int) -> str:
    """2147483648 → "2 GB", 536870912 → "512 MB"."""
    if n >= 2**30 and n % 2**28 == 0:
        return f"{n / 2**30:g} GB"
    return f"{n / MB:g} MB"


_UNITS = {"": MB, "K": 2**10, "M": MB, "G": 2**30, "T": 2**40}


def parse_size(text: str) -> int:
    """ "2GB", "1.5G", "512MB", "512" (MB), "0" (no limit) → bytes; ValueError otherwise."""
    s = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = s[-1:] if s[-1:] in "KMGT" and s[-1:] else ""
    value = float(s[:-1] if unit else s)
    if value < 0 or value != value:
        raise ValueError(text)
    return int(value * _UNITS[unit])


def check_file_size(path: object, size: int, max_size: int) -> None:
    """PlanxError when an input file is over the input size limit."""
    if max_size > 0 and size > max_size:
        unit, name = (MB, "MB") if max_size >= MB else (1024, "KB")
        raise PlanxError(path, f"file is {size / unit:.1f} {name}, over the input size limit of "
                               f"{max_size / unit:g} {name} (raise it with --max-size)")


def check_text_size(path: object, chars: int) -> None:
    """PlanxError when a reader's text has grown past the text bound."""
    limit = bound("document", "max_text_chars")
    if chars > limit:
        raise PlanxError(path, f"refused: the extracted text is over {limit:,} characters "
                               "(limits.toml document.max_text_chars)")
