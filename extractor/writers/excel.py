"""Excel workbook of a batch: one sheet per output table, bold frozen header, filter, widths.

The workbook is written as SpreadsheetML directly (the benchmark's fastest way: xlsxwriter
and openpyxl spend ~50 µs per cell, this ~1 µs): each row is rendered once where the document's
rows are made (a batch worker: :func:`render_row`, its number left open), each sheet's rows are
numbered as they stream to a temporary file one document at a time, and the sheets are zipped
into the workbook at the end.  Cells are typed: text is
always an inline string (never a formula, a number or a link) and neutralised as in the CSV
files; numbers are numbers; lists are JSON arrays.  A text is cut at Excel's 32,767 characters
and an integer beyond 2^53 (which Excel would round) is kept as text, both noted.  A table
longer than a sheet (1,048,576 rows) continues on ``<name>_2``, ``<name>_3`` ….
"""
from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any, Optional

from .cells import Notes
from .columns import Column
from ..files import temp_file

_MAX_CELL = 32767
_MAX_ROWS = 1_048_576
_EXACT = 2**53
_MIN_WIDTH, _MAX_WIDTH, _SAMPLE = 6, 50, 200
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _letters(n: int) -> str:
    """Column letters of the 0-based column ``n`` (0 → A, 26 → AA)."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_NARROW = re.compile("[\x00-\u2e7f]+")


def _display_width(text: str) -> int:
    """Approximate on-screen width: CJK and full-width characters (above U+2E7F) count double."""
    return len(text) + len(_NARROW.sub("", text))


_ROW = "<#>"  # the row number in a rendered row (no cell text holds it unescaped: "<" is always escaped)
_ROW_BYTES = _ROW.encode()
_REFS = [_letters(i) for i in range(702)]  # A … ZZ


def render_row(columns: list[Column], row: list[Any], notes: Notes, table: str) -> bytes:
    """A row's cells (as :func:`.cells.text_rows` makes them: text, numbers or None) as sheet XML
    (UTF-8), with ``_ROW`` where the row's number goes: rendered once, wherever the rows are made (a batch
    worker), and numbered when the sheet is written.  Values Excel cannot hold exactly are noted."""
    out = []
    refs = _REFS if len(columns) <= len(_REFS) else [_letters(i) for i in range(len(columns))]
    for c, v in enumerate(row):
        if v is None:
            continue
        if type(v) is str:
            if len(v) > _MAX_CELL:
                notes.add(table, columns[c].name, "cut at Excel's 32,767 characters")
                v = v[:_MAX_CELL]
            if "&" in v or "<" in v or ">" in v:
                v = _esc(v)
            out.append(f'<c r="{refs[c]}{_ROW}" t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>')
        elif type(v) is int and not -_EXACT <= v <= _EXACT:
            notes.add(table, columns[c].name, "beyond Excel's exact integers, stored as text")
            out.append(f'<c r="{refs[c]}{_ROW}" t="inlineStr"><is><t>{v}</t></is></c>')
        elif type(v) is int or (type(v) is float and math.isfinite(v)):
            out.append(f'<c r="{refs[c]}{_ROW}"><v>{v!r}</v></c>')
    return "".join(out).encode("utf-8")


def sample_rows() -> int:
    """How many first rows of a sheet its column widths are measured on."""
    return _SAMPLE


class _Sheet:
    """One sheet's rows, streamed to a temporary file of ``<row>`` elements."""

    def __init__(self, name: str, columns: list[Column], folder: Path, table: str):
        self.name, self.columns, self.table = name, columns, table
        self.refs = [_letters(i) for i in range(len(columns))]
        self.widths = [_display_width(c.name) for c in columns]
        self.path = temp_file(folder)
        self.fh = open(self.path, "wb")
        self.row = 1
        head = "".join(f'<c r="{ref}1" t="inlineStr" s="1"><is><t>{_esc(c.name)}</t></is></c>'
                       for ref, c in zip(self.refs, columns))
        self.fh.write(f'<row r="1">{head}</row>'.encode("utf-8"))

    @property
    def full(self) -> bool:
        return self.row >= _MAX_ROWS

    def write(self, cells: bytes, values: Optional[list[Any]]) -> None:
        """One row as :func:`render_row` made it; its ``values`` (as rendered) count for the
        column widths while the sheet is within its first rows."""
        self.row += 1
        r = self.row
        if r <= _SAMPLE and values:
            widths = self.widths
            for c, v in enumerate(values):
                if v is not None:
                    w = _display_width(str(v)[:_MAX_WIDTH])
                    if w > widths[c]:
                        widths[c] = w
        number = b"%d" % r
        self.fh.write(b'<row r="' + number + b'">' + cells.replace(_ROW_BYTES, number) + b"</row>")

    def xml_head(self) -> str:
        cols = "".join(f'<col min="{i}" max="{i}" width="{min(_MAX_WIDTH, max(_MIN_WIDTH, w + 2))}" customWidth="1"/>'
                       for i, w in enumerate(self.widths, 1))
        pane = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} '
                f'xmlns:r="{_RELS_NS}">{pane}<cols>{cols}</cols><sheetData>')

    def xml_tail(self) -> str:
        last = f"{self.refs[-1]}{self.row}" if self.refs else "A1"
        return f'</sheetData><autoFilter ref="A1:{last}"/></worksheet>'

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)


class ExcelWriter:
    """A workbook with one sheet per table, fed a document's rendered rows at a time."""

    def __init__(self, columns: dict[str, list[Column]], path: Path):
        self.path, self.columns = Path(path), columns
        self.folder = self.path.parent
        self.sheets: list[_Sheet] = []
        self.current: dict[str, _Sheet] = {}
        self.tables = list(columns)
        for name in columns:
            self._new_sheet(name)

    def _new_sheet(self, table: str) -> _Sheet:
        n = sum(1 for s in self.sheets if s.table == table)
        title = table[:31] if n == 0 else f"{table[:28]}_{n + 1}"
        sheet = _Sheet(title, self.columns[table], self.folder, table)
        self.sheets.append(sheet)
        self.current[table] = sheet
        return sheet

    def write(self, table: str, rows: list[bytes], first: list[list[Any]]) -> None:
        """One document's rows of ``table`` as :func:`render_row` made them, with the values of
        its first :func:`sample_rows` rows (those a sheet's column widths may be measured on: a
        sheet continued past 1,048,576 rows gets its widths from them only)."""
        sheet = self.current[table]
        for i, cells in enumerate(rows):
            if sheet.full:
                sheet = self._new_sheet(table)
            sheet.write(cells, first[i] if i < len(first) else None)

    def save(self) -> None:
        """Zip the sheets into the workbook (the caller makes the file atomic)."""
        for s in self.sheets:
            s.close()
        with zipfile.ZipFile(self.path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("[Content_Types].xml", self._content_types())
            z.writestr("_rels/.rels", _ROOT_RELS)
            z.writestr("xl/workbook.xml", self._workbook())
            z.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels())
            z.writestr("xl/styles.xml", _STYLES)
            for i, s in enumerate(self.sheets, 1):
                with z.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out, \
                        open(s.path, "rb") as src:
                    out.write(s.xml_head().encode("utf-8"))
                    while block := src.read(1 << 16):
                        out.write(block)
                    out.write(s.xml_tail().encode("utf-8"))
        self.close()

    def close(self) -> None:
        """Remove the sheets' temporary files."""
        for s in self.sheets:
            s.discard()

    def _content_types(self) -> str:
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                         for i in range(1, len(self.sheets) + 1))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
                'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
                '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
                '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                f'styles+xml"/>{sheets}</Types>')

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name="{_esc(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self.sheets, 1))
        names = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                        f"'{_esc(s.name)}'!$A$1:${s.refs[-1]}${s.row}</definedName>"
                        for i, s in enumerate(self.sheets) if s.refs)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} xmlns:r="{_RELS_NS}">'
                f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>")

    def _workbook_rels(self) -> str:
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_RELS_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(self.sheets) + 1))
        n = len(self.sheets) + 1
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
                f'openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rId{n}" '
                f'Type="{_RELS_NS}/styles" Target="styles.xml"/></Relationships>')


_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
              'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
              '</Relationships>')
_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<styleSheet {_NS}><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill '
           'patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders '
           'count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs '
           'count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2">'
           '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" '
           'fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle '
           'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')

