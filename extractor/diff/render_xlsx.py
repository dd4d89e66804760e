"""The diff as an Excel workbook: a summary sheet, then a sheet per record kind listing every
aligned record (new values; removed rows show the old ones) with changed cells highlighted and
the old value in a cell comment."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..evidence import quote, where
from ..files import temp_file
from ..report_text import value_text
from .engine import REPORT_ORDER
from .model import CHANGES, DiffResult, Row
from .text import DIRECTION_LABELS, KIND_LABELS

_MAX_CELL = 32767


def _get(path: str) -> Callable[[dict], Any]:
    def get(r: dict) -> Any:
        v: Any = r
        for part in path.split("."):
            v = v.get(part) if isinstance(v, dict) else None
        return v
    return get


# kind → [(column, getter, change fields shown in this column)]
_COLUMNS: dict[str, list[tuple[str, Callable[[dict], Any], tuple[str, ...]]]] = {
    "indicator": [(c, _get(c), (c,)) for c in ("domain", "category", "group", "name", "qualifier", "unit",
                                               "standard", "baseline.value", "baseline.year", "status")]
    + [("attribute", _get("attribute"), ("attribute",)), ("flags", _get("flags"), ("flags",))],
    "project": [(c, _get(c), (c,)) for c in ("category", "parent", "name", "content")]
    + [("period", _get("period.raw"), ("period",)), ("investment", _get("investment.raw"), ("investment",)),
       ("responsible_units", _get("responsible_units"), ("responsible_units",)),
       ("indicators", _get("indicators"), ("indicators",))],
    "deadline": [("section", _get("section"), ()), ("task", _get("task"), ()),
                 ("raw", _get("raw"), ("date", "start", "kind")), ("date", _get("date"), ("date",)),
                 ("start", _get("start"), ("start",)), ("kind", _get("kind"), ("kind",))],
    "responsibility": [("section", _get("section"), ()), ("task", _get("task"), ()),
                       ("units", _get("units"), ("units",)), ("role", _get("role"), ("role",)),
                       ("raw", _get("raw"), ())],
    "target": [("section", _get("section"), ()), ("task", _get("task"), ()), ("raw", _get("raw"), ("value",)),
               ("subject", _get("subject"), ()), ("op", _get("op"), ("value",)),
               ("value", _get("value"), ("value",)), ("unit", _get("unit"), ("value",)),
               ("year", _get("year"), ("year",))],
    "task": [("section", _get("section"), ("section",)), ("title", _get("title"), ("title",)),
             ("text", _get("text"), ("text",))],
    "section": [("number", _get("number"), ("number", "position")), ("title", _get("title"), ("title",)),
                ("path", _get("path"), ("position",))],
}


def _columns(kind: str, rows: list[Row]) -> list[tuple[str, Callable[[dict], Any], tuple[str, ...]]]:
    cols = list(_COLUMNS[kind])
    if kind == "indicator":
        years = sorted({y for r in rows for rec in (r.old, r.new) if rec for y in (rec.get("targets") or {})})
        at = len(cols) - 2
        cols[at:at] = [(f"targets.{y}", _get(f"targets.{y}"), (f"targets.{y}",)) for y in years]
    return cols


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
    for kind in REPORT_ORDER:
        counts = s["by_kind_change"].get(kind, {})
        dirs = "，".join(f"{DIRECTION_LABELS[d]} {n}" for d, n in s["by_kind_direction"].get(kind, {}).items())
        ws.append([KIND_LABELS[kind], *(counts.get(c, 0) for c in CHANGES), dirs])
    for row in ws.iter_rows(min_row=5, max_row=5):
        for cell in row:
            cell.font = bold
    _evidence_sheet(wb.create_sheet("evidence"), result, bold)
    for kind in REPORT_ORDER:
        rows = result.rows.get(kind, [])
        cols = _columns(kind, rows)
        sheet = wb.create_sheet(kind)
        sheet.append(["status", "change ids", "directions", "where", "quote"] + [c[0] for c in cols])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for r in rows:
            rec = r.new if r.new is not None else r.old
            changed = r.changed()
            ids = " ".join(c.id for c in r.changes)
            dirs = "、".join(sorted({c.direction for c in r.changes if c.direction}))
            fmt = (result.new_doc if r.new is not None else result.old_doc).get("format")
            span = rec.get("span")
            sheet.append([r.status, ids, dirs, where(span, fmt), _text(quote(span))]
                         + [_text(get(rec)) for _, get, _ in cols])
            excel_row = sheet.max_row
            if r.status in fills:
                for cell in sheet[excel_row]:
                    cell.fill = fills[r.status]
                    if r.status == "removed":
                        cell.font = struck
            for k, (_, get, fields) in enumerate(cols, start=6):
                hits = [changed[f] for f in fields if f in changed]
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
