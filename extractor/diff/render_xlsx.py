"""The diff as an Excel workbook: a summary sheet, then a sheet per record kind listing every
aligned record (new values; removed rows show the old ones) with changed cells highlighted and
the old value in a cell comment."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..evidence import quote, where
from ..files import temp_file
from ..labels import direction_label, kind_label
from ..report_text import value_text
from .fields import get
from .model import CHANGES, DiffResult
from .registry import comparator

_MAX_CELL = 32767


def _text(v: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(v, (int, float)) or v is None:
        return v
    return ILLEGAL_CHARACTERS_RE.sub("", value_text(v))[:_MAX_CELL]


def _evidence_sheet(ws, result: DiffResult, bold) -> None:
    """Both inputs' paths, hashes, titles and versions; planx version, pattern library, time."""
    ev = result.evidence
    ws.append(["field", "old", "new"])
    for cell in ws[1]:
        cell.font = bold
    inputs = ev.get("inputs") or [{}, {}]
    for key in ("title", "version_label", "path", "sha256", "source", "source_sha256", "format", "issue_date"):
        ws.append([key] + [_text(i.get(key)) for i in inputs])
    ws.append(["planx_version", _text(ev.get("planx_version"))])
    ws.append(["patterns_sha256", _text(ev.get("patterns_sha256"))])
    ws.append(["generated_at (UTC)", _text(ev.get("generated_at"))])
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 70


def render_xlsx(result: DiffResult, path: Path) -> None:
    """Write the workbook to ``path`` (atomically)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    fills = {"modified": PatternFill("solid", fgColor="FFF2CC"), "added": PatternFill("solid", fgColor="E2EFDA"),
             "removed": PatternFill("solid", fgColor="FCE4E4")}
    changed_fill = PatternFill("solid", fgColor="FFD966")
    bold, struck = Font(bold=True), Font(strike=True, color="9C0006")
    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
    s = result.summary()
    ws.append(["old", _text(result.old_doc.get("title")), _text(result.old_doc.get("source"))])
    ws.append(["new", _text(result.new_doc.get("title")), _text(result.new_doc.get("source"))])
    ws.append(["changes", s["total"]])
    ws.append([])
    ws.append(["kind", *CHANGES, "directions"])
    for kind in result.kinds:
        counts = s["by_kind_change"].get(kind, {})
        dirs = "，".join(f"{direction_label(d)} {n}" for d, n in s["by_kind_direction"].get(kind, {}).items())
        ws.append([kind_label(kind), *(counts.get(c, 0) for c in CHANGES), dirs])
    for row in ws.iter_rows(min_row=5, max_row=5):
        for cell in row:
            cell.font = bold
    _evidence_sheet(wb.create_sheet("evidence"), result, bold)
    for kind in result.kinds:
        rows = result.rows.get(kind, [])
        cols = comparator(kind).sheet_columns(rows)
        sheet = wb.create_sheet(kind)
        sheet.append(["status", "change ids", "directions", "where", "quote"] + [c.name for c in cols])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for r in rows:
            rec = r.new if r.new is not None else r.old
            changed = r.changed()
            ids = " ".join(c.id for c in r.changes)
            dirs = "、".join(sorted({c.direction for c in r.changes if c.direction}))
            fmt = (result.new_doc if r.new is not None else result.old_doc).get("format")
            sheet.append([r.status, ids, dirs, where(rec.span, fmt), _text(quote(rec.span))]
                         + [_text(get(rec, c.path)) for c in cols])
            excel_row = sheet.max_row
            if r.status in fills:
                for cell in sheet[excel_row]:
                    cell.fill = fills[r.status]
                    if r.status == "removed":
                        cell.font = struck
            for k, c in enumerate(cols, start=6):
                hits = [changed[f] for f in c.fields if f in changed]
                if r.status == "modified" and hits:
                    cell = sheet.cell(row=excel_row, column=k)
                    cell.fill = changed_fill
                    note = "\n".join(f"{h.field}: {value_text(h.old) or '—'} → {value_text(h.new) or '—'}"
                                     + (f" ({h.direction})" if h.direction else "") for h in hits)
                    cell.comment = Comment(_text(note)[:2000], "planx diff")
        for cell_row in sheet.iter_rows(min_row=2):
            for cell in cell_row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    tmp = temp_file(path.parent, path.name)
    try:
        wb.save(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
