"""planx JSON (one document's output) back into records, so saved results can be audited."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from ..errors import PlanxError
from ..model import Span
from ..records import (Deadline, DocumentInfo, ExtractResult, Finding, Indicator, Project,
                       Responsibility, Section, Target, Task, UnitRef)

_KINDS = {"sections": Section, "tasks": Task, "indicators": Indicator, "projects": Project,
          "targets": Target, "deadlines": Deadline, "responsibilities": Responsibility,
          "findings": Finding}


def _build(cls: type, d: dict) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    kw = {k: v for k, v in d.items() if k in names}
    if isinstance(kw.get("span"), dict):
        kw["span"] = Span(**{k: kw["span"].get(k) for k in ("line", "start", "end", "page")})
    if cls is Responsibility:
        kw["normalized_units"] = [_build(UnitRef, u) if isinstance(u, dict) else u
                                  for u in kw.get("normalized_units") or []]
    return cls(**kw)


def result_from_dict(d: dict) -> ExtractResult:
    """An ExtractResult from the dict ``ExtractResult.to_dict()`` wrote."""
    out = ExtractResult(document=_build(DocumentInfo, d["document"]))
    for kind, cls in _KINDS.items():
        setattr(out, kind, [_build(cls, r) for r in d.get(kind) or []])
    return out


def load_result(path: Path) -> ExtractResult:
    """A saved planx JSON file as an ExtractResult (PlanxError when it is not one)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return result_from_dict(data)
    except OSError as e:
        raise PlanxError(path, f"cannot read ({e.strerror})") from None
    except (ValueError, KeyError, TypeError) as e:
        raise PlanxError(path, f"not a planx JSON result ({type(e).__name__}: {e})") from None
