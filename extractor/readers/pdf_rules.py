"""Ruling lines of a page → ruled tables.

The lines are the page's straight path segments (``pdf_pdfium.page_edges``; pdfplumber's edges
for a rotated page).  Fully ruled tables come from pdfplumber's lattice algorithm (edges
snapped and joined, intersections, the smallest cells they close, cells sharing corners grouped
into tables) run on those lines, without parsing the page again; a cell in none of the tables (a
one-cell box, which pdfplumber drops) is a table of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

Bbox = tuple[float, float, float, float]

_SNAP = _JOIN = _CROSS = 3.0  # pdfplumber's default tolerances (points)
_MIN_EDGE = 3.0
_MIN_BOX_WIDTH = 50.0


@dataclass
class Ruled:
    """A ruled table (or a one-cell box) as its cell rectangles (x0, top, x1, bottom)."""

    cells: list[Bbox]

    @property
    def bbox(self) -> Bbox:
        return (min(c[0] for c in self.cells), min(c[1] for c in self.cells),
                max(c[2] for c in self.cells), max(c[3] for c in self.cells))


def ruled_tables(edges: list[dict]) -> list[Ruled]:
    """The ruled tables and lone boxes drawn by ``edges`` (none unless there are rules both ways)."""
    if not (any(e["orientation"] == "h" for e in edges) and any(e["orientation"] == "v" for e in edges)):
        return []
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils import filter_edges

    merged = filter_edges(merge_edges(edges, _SNAP, _SNAP, _JOIN, _JOIN), min_length=_MIN_EDGE)
    cells = intersections_to_cells(edges_to_intersections(merged, _CROSS, _CROSS))
    tables = [Ruled(t) for t in cells_to_tables(cells)]
    taken = {c for t in tables for c in t.cells}
    return tables + [Ruled([c]) for c in cells if c not in taken and c[2] - c[0] >= _MIN_BOX_WIDTH]
