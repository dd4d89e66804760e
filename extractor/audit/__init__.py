"""Audit checks of a plan against itself and against its companion documents.

``run(result, doc)`` is called by the pipeline for every document; ``run_cross(results)``
checks several documents of one region together.  The checks, their severities and
messages are listed in ``patterns/checks.toml``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Optional

from .context import AuditContext
from .registry import enabled, registered, to_finding

if TYPE_CHECKING:
    from ..model import Document
    from ..records import ExtractResult, Finding

__all__ = ["run", "run_cross"]


def run(result: ExtractResult, doc: Optional[Document] = None, skip: Iterable[str] = (),
        only: Iterable[str] = ()) -> list[Finding]:
    """The findings of every enabled single-document check, numbered find-1, find-2…

    ``skip`` leaves out check ids or families ("date"); ``only`` runs just those named,
    including checks switched off in ``patterns/checks.toml``.
    """
    ctx = AuditContext.build(result, doc)
    findings: list[Finding] = []
    for c in registered("document"):
        if enabled(c.id, skip, only):
            for hit in c.func(ctx):
                findings.append(to_finding(c.id, hit, len(findings) + 1))
    return findings


def run_cross(results: list[ExtractResult], docs: Optional[list[Optional[Document]]] = None,
              skip: Iterable[str] = (), only: Iterable[str] = ()) -> list[Finding]:
    """The findings of every enabled cross-document check over ``results``."""
    docs = docs or [None] * len(results)
    ctxs = [AuditContext.build(r, d) for r, d in zip(results, docs)]
    findings: list[Finding] = []
    for c in registered("cross"):
        if enabled(c.id, skip, only):
            for hit in c.func(ctxs):
                findings.append(to_finding(c.id, hit, len(findings) + 1))
    return findings
