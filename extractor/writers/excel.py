"""Excel workbook of a batch: one sheet per output table, bold frozen header, filter, widths.

The workbook is written as SpreadsheetML directly (the benchmark's fastest way: xlsxwriter
and openpyxl spend ~50 µs per cell, this ~1 µs): each row is rendered once where the document's
rows are made (a batch worker: :func:`render_rows`, rows and cells without numbers); the workbook is
then written a sheet at a time, each document's rows appended as they are and deflated into the
workbook in a thread meanwhile.  Cells are typed: text is always an inline string (never a formula, a number or a link) and neutralised as in the CSV
files; numbers are numbers; lists are JSON arrays.  A text is cut at Excel's 32,767 characters
and an integer beyond 2^53 (which Excel would round) is kept as text, both noted.  A table
longer than a sheet (1,048,576 rows) continues on ``<name>_2``, ``<name>_3`` ….
"""
from __future__ import annotations

import math
import queue
import re
import tempfile
import threading
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Optional

from .cells import Notes
from .columns import Column
from .zipstream import ZipStream

_MAX_CELL = 32767
_MAX_ROWS = 1_048_576
_EXACT = 2**53
_MIN_WIDTH, _MAX_WIDTH, _SAMPLE = 6, 50, 200
_HANDOVER = 1 << 18  # bytes of sheet XML the zip thread is handed at a time
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


def _unesc(s: str) -> str:
    """The text :func:`_esc` escaped (as ``xml.sax.saxutils.unescape``, whose import pulls in
    ``urllib.request`` and ``http.client``: 12 ms of every start)."""
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_NARROW = re.compile("[\x00-\u2e7f]+")


def _display_width(text: str) -> int:
    """Approximate on-screen width: CJK and full-width characters (above U+2E7F) count double."""
    return len(text) + len(_NARROW.sub("", text))


# A rendered cell: blank (it holds its place, so no cell needs its reference, r="B7"), a number,
# or an inline string, white space at its ends kept explicitly; :func:`render_rows` writes them and
# ``_CELLS`` reads them back (the text, escaped, never holds "<").
_BLANK = "<c/>"
_NUMBER, _NUMBER_END = "<c><v>", "</v></c>"
_TEXT, _TEXT_KEPT, _TEXT_END = '<c t="inlineStr"><is><t>', '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
_CELLS = re.compile(f"{re.escape(_BLANK)}|{re.escape(_NUMBER)}([^<]*){re.escape(_NUMBER_END)}"
                    f"|(?:{re.escape(_TEXT)}|{re.escape(_TEXT_KEPT)})([^<]*){re.escape(_TEXT_END)}")
_ROW_END = b"</row>"  # ends every rendered row (cell text never holds it: "<" is always escaped)


def render_rows(columns: list[Column], rows: list[list[Any]], notes: Notes, table: str) -> bytes:
    """Rows' cells (as :func:`.cells.text_rows` makes them: text, numbers or None) as sheet XML
    (UTF-8): ``<row>`` elements without numbers, each cell in its place without a reference
    (SpreadsheetML numbers what has none after what comes before), so rows rendered once,
    wherever they are made (a batch worker), go into any sheet at any row as they are.  A text
    with leading or trailing white space keeps it (``xml:space="preserve"``).  Values Excel
    cannot hold exactly are noted."""
    out = []
    text, kept, text_end = _TEXT, _TEXT_KEPT, _TEXT_END  # (locals: read once per cell of every row)
    number, number_end, blank = _NUMBER, _NUMBER_END, _BLANK
    for row in rows:
        cells = []
        for c, v in enumerate(row):
            t = type(v)
            if t is str:
                if len(v) > _MAX_CELL:
                    notes.add(table, columns[c].name, "cut at Excel's 32,767 characters")
                    v = v[:_MAX_CELL]
                if "&" in v or "<" in v or ">" in v:
                    v = _esc(v)
                cells.append(f"{text if v.strip() == v else kept}{v}{text_end}")  # (as openpyxl)
            elif t is int and not -_EXACT <= v <= _EXACT:
                notes.add(table, columns[c].name, "beyond Excel's exact integers, stored as text")
                cells.append(f"{text}{v}{text_end}")
            elif t is int or (t is float and math.isfinite(v)):
                cells.append(f"{number}{v!r}{number_end}")
            else:
                cells.append(blank)
        while cells and cells[-1] is blank:
            cells.pop()
        out.append(f"<row>{''.join(cells)}</row>")
    return "".join(out).encode("utf-8")


def sheet_order(tables: list[str], counts: Iterable[list[int]]) -> list[tuple[str, int]]:
    """The workbook's sheets as (table, part): each table's first sheet, then each continuation
    in the order it is started when the documents' rows (``counts``: each document's rows of every
    table, in document order) go in a document at a time and fill the sheet before it."""
    order = [(t, 1) for t in tables]
    used, parts = [1] * len(tables), [1] * len(tables)  # rows of each table's current sheet (the header)
    for doc in counts:
        for i, n in enumerate(doc):
            while n > 0:
                if used[i] >= _MAX_ROWS:
                    parts[i] += 1
                    order.append((tables[i], parts[i]))
                    used[i] = 1
                take = min(_MAX_ROWS - used[i], n)
                used[i] += take
                n -= take
    return order


class _Sheet:
    """One sheet's rows, counted as they come; held in a temporary file until the column widths
    are known (its first rows, or the end of the sheet), then streamed to its
    part of the workbook."""

    def __init__(self, name: str, columns: list[Column], part: str):
        self.name, self.columns, self.part = name, columns, part
        self.refs = [_letters(i) for i in range(len(columns))]
        self.widths = [_display_width(c.name) for c in columns]
        self.row = 1
        head = "".join(f'<c r="{ref}1" t="inlineStr" s="1"><is><t>{_esc(c.name)}</t></is></c>'
                       for ref, c in zip(self.refs, columns))
        self.held: Optional[BinaryIO] = tempfile.TemporaryFile()  # None once streamed
        self.held.write(f'<row r="1">{head}</row>'.encode("utf-8"))

    def room(self) -> int:
        """Rows the sheet can still take."""
        return _MAX_ROWS - self.row

    def count(self, n: int, rows: bytes) -> None:
        """``n`` more rows (at most :meth:`room`), as :func:`render_rows` made them: the values of
        the first ones count for the column widths while the sheet is within its first rows."""
        sampled = min(_SAMPLE - self.row, n)  # of these rows, those within the sheet's first
        if sampled > 0:
            for row in rows.split(_ROW_END, sampled)[:sampled]:
                self._measure(row.decode("utf-8"))
        self.row += n

    def _measure(self, row: str) -> None:
        """Widen the columns to a rendered row's values (as text: numbers as written, text unescaped)."""
        widths = self.widths
        for c, cell in enumerate(_CELLS.finditer(row)):
            number, text = cell.group(1, 2)
            v = number if number is not None else text
            if v is not None:
                w = _display_width(_unesc(v)[:_MAX_WIDTH])
                if w > widths[c]:
                    widths[c] = w

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


class _Zipper:
    """The workbook's zip file (:class:`.zipstream.ZipStream`), written in a thread: a sheet's rows
    are deflated there (the deflater runs without the GIL) while the next ones are read, handed
    over in pieces of about ``_HANDOVER`` bytes (a hand-over per document's rows kept both threads
    waiting on each other).  One part at a time: :meth:`open`, :meth:`write` any number of times,
    :meth:`close`; :meth:`end` waits for the thread and raises what it met."""

    def __init__(self, path: Path):
        self.zip = ZipStream(path)
        self.pending: list[bytes] = []  # written, not yet handed over
        self.pending_bytes = 0
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: Optional[BaseException] = None
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def open(self, name: str) -> None:
        self._put("open", name)

    def write(self, data: bytes) -> None:
        self.pending.append(data)
        self.pending_bytes += len(data)
        if self.pending_bytes >= _HANDOVER:
            self._hand_over()

    def close(self) -> None:
        self._hand_over()
        self._put("close", None)

    def _hand_over(self) -> None:
        if self.pending:
            data = b"".join(self.pending)
            self.pending, self.pending_bytes = [], 0
            self._put("write", data)

    def _put(self, what: str, arg: Any) -> None:
        if self.error is not None:  # the file cannot be written: stop sending rows for it
            raise self.error
        self.queue.put((what, arg))

    def _drain(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue  # keep taking what comes: the sender never waits on a full queue
            what, arg = item
            try:
                if what == "open":
                    self.zip.open(arg)
                elif what == "write":
                    self.zip.write(arg)
                else:
                    self.zip.close()
            except BaseException as e:  # noqa: BLE001 — raised in the sending thread by end()
                self.error = e

    def end(self) -> ZipStream:
        """Wait until every part queued is written; the zip file (for the workbook's last parts)."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error
        return self.zip


class ExcelWriter:
    """A workbook with one sheet per table, written one table after the other, each fed a
    document's rendered rows at a time; ``counts`` (each document's rows of every table, in
    document order) says where the tables longer than a sheet continue (:func:`sheet_order`)."""

    def __init__(self, columns: dict[str, list[Column]], path: Path, counts: Iterable[list[int]] = ()):
        self.path, self.columns = Path(path), columns
        self.tables = list(columns)
        self.order = sheet_order(self.tables, counts)
        self.sheets: dict[tuple[str, int], _Sheet] = {}
        self.table = ""  # the table being written
        self.zipper = _Zipper(self.path)
        try:
            for name, text in (("[Content_Types].xml", self._content_types()), ("_rels/.rels", _ROOT_RELS),
                               ("xl/styles.xml", _STYLES)):
                self.zipper.open(name)
                self.zipper.write(text.encode("utf-8"))
                self.zipper.close()
        except BaseException:  # the caller never gets the writer to close: its thread and file end here
            self.close()
            raise

    def _new_sheet(self, table: str) -> _Sheet:
        part = 1 + sum(1 for t, _ in self.sheets if t == table)
        if (table, part) not in self.order:
            raise ValueError(f"workbook: more rows of {table} than its counts said")
        title = table[:31] if part == 1 else f"{table[:28]}_{part}"
        sheet = _Sheet(title, self.columns[table], f"xl/worksheets/sheet{self.order.index((table, part)) + 1}.xml")
        self.sheets[(table, part)] = sheet
        return sheet

    def _current(self, table: str) -> _Sheet:
        """The sheet ``table`` goes on (the sheets of the table before it are ended)."""
        if table != self.table:
            if self.table:
                self._end(self.sheets[self._last(self.table)])
            if (table, 1) in self.sheets:
                raise ValueError(f"workbook: table {table} written again after another one")
            self.table = table
            return self._new_sheet(table)
        return self.sheets[self._last(table)]

    def _last(self, table: str) -> tuple[str, int]:
        return table, sum(1 for t, _ in self.sheets if t == table)

    def write(self, table: str, rows: bytes, n: int) -> None:
        """One document's ``n`` rows of ``table`` as :func:`render_rows` made them.  Tables go one
        after the other: a table's documents, then the next table's."""
        sheet = self._current(table)
        while n > sheet.room():  # (rare) the rows go on past the sheet's end: split after its last
            room = sheet.room()
            cut = 0
            for _ in range(room):
                cut = rows.index(_ROW_END, cut) + len(_ROW_END)
            sheet.count(room, rows[:cut])
            self._send(sheet, rows[:cut])
            rows, n = rows[cut:], n - room
            self._end(sheet)
            sheet = self._new_sheet(table)
        sheet.count(n, rows)
        self._send(sheet, rows)

    def _send(self, sheet: _Sheet, rows: bytes) -> None:
        if sheet.held is None:
            if rows:
                self.zipper.write(rows)
            return
        sheet.held.write(rows)
        if sheet.row > _SAMPLE:  # the widths are known: the sheet streams from now on
            self._stream(sheet)

    def _stream(self, sheet: _Sheet) -> None:
        self.zipper.open(sheet.part)
        held, sheet.held = sheet.held, None
        self.zipper.write(sheet.xml_head().encode("utf-8"))
        with held:
            held.seek(0)
            while block := held.read(1 << 13):
                self.zipper.write(block)

    def _end(self, sheet: _Sheet) -> None:
        if sheet.held is not None:
            self._stream(sheet)
        self.zipper.write(sheet.xml_tail().encode("utf-8"))
        self.zipper.close()

    def save(self) -> None:
        """End the last sheet (every table has one) and write the workbook's other parts (the
        caller makes the file atomic)."""
        for table in self.tables:
            if (table, 1) not in self.sheets:
                self._current(table)
        if self.table:
            self._end(self.sheets[self._last(self.table)])
            self.table = ""
        z = self.zipper.end()
        z.writestr("xl/workbook.xml", self._workbook().encode("utf-8"))
        z.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels().encode("utf-8"))
        z.finish()

    def close(self) -> None:
        """Stop the zip thread and close the file (after :meth:`save`, or when the workbook failed)."""
        try:
            self.zipper.end()
        except Exception:  # noqa: BLE001 — the failure that ended the workbook is the one reported
            pass
        finally:
            self.zipper.zip.abandon()
            for sheet in self.sheets.values():
                if sheet.held is not None:
                    sheet.held.close()

    def _in_order(self) -> list[_Sheet]:
        return [self.sheets[k] for k in self.order]

    def _content_types(self) -> str:
        sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                         for i in range(1, len(self.order) + 1))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.'
                'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
                '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
                '"/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
                f'styles+xml"/>{sheets}</Types>')

    def _workbook(self) -> str:
        sheets = "".join(f'<sheet name="{_esc(s.name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self._in_order(), 1))
        names = "".join(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
                        f"'{_esc(s.name)}'!$A$1:${s.refs[-1]}${s.row}</definedName>"
                        for i, s in enumerate(self._in_order()) if s.refs)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} xmlns:r="{_RELS_NS}">'
                f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>")

    def _workbook_rels(self) -> str:
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_RELS_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(self.order) + 1))
        n = len(self.order) + 1
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

