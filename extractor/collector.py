"""The cyclic garbage collector paused while a document's objects live (see
:func:`collector_paused`): from its reading to its records, JSON and table rows."""
from __future__ import annotations

import gc
import threading


def pause() -> bool:
    """Pause the collector, allocating nothing first; what :func:`resume` takes.  Where a pause
    follows another's end with the first one's objects still alive (``to_json`` after ``extract``,
    writing the JSON form after ``to_json``), a ``with`` would not do: entering it makes bound
    methods, and that allocation starts a collection of everything the first pause made."""
    enabled = gc.isenabled()
    gc.disable()
    return enabled


def resume(enabled: bool) -> None:
    """End a :func:`pause` (``enabled``: what it returned), allocating nothing after."""
    if enabled:
        gc.enable()


class _Paused(threading.local):
    """The context of :func:`collector_paused`: each thread's stack of what its pauses found."""

    def __init__(self) -> None:
        self.found: list[bool] = []

    def __enter__(self) -> None:
        self.found.append(pause())

    def __exit__(self, *exc: object) -> None:
        resume(self.found.pop())


_PAUSED = _Paused()


def collector_paused() -> _Paused:
    """No cyclic garbage collection inside the block.  planx holds it over a document's whole life
    (``pipeline.extract``: read to records; a batch worker's ``jobs.run_job``: read to JSON and
    table rows) and, where they are called alone, over the txt reader's model, the components and
    a result's JSON form.  A document's objects (blocks, cells, sections, spans, records, the JSON
    dicts) are many, live until the document is done and make next to no reference cycles (none
    on the corpora): each pass of the collector walked them again, a pass costing more per object
    the larger the heap (16x seeds: 0.27 s of 2.6 s before the components were paused; 0.1 s for
    the three young passes after the read, the components and the JSON form).  Over the whole
    life, the objects go by reference counting before the collector resumes and no pass walks
    them.  ``extract``'s caller keeps the result, and a pass would walk it (and the JSON form
    made of it) at the first allocation after the pause; none comes: a pause ends allocating
    nothing, and ``to_json`` and ``write_document_json`` pause with :func:`pause`.  So a caller
    that writes each result and lets it go (``write_document_json(extract(p).to_dict(), out)``)
    has no pass over it at all (two passes a document: 1 % of the seeds' time, 2 % of a 16×
    document's).  A PDF extracts 7-8 % faster (the reader's objects were walked by pass after pass
    while its pages were read).
    What waits meanwhile is the readers' and libraries' cyclic garbage, collected as ever by the
    automatic collections after the block: about 0.01 MB a PDF page and, for a .docx, about the
    size of its XML.  (Moving what the block made to the oldest generation untraversed, with a
    freeze and unfreeze, kept it out of the counts that start a full collection: a worker then
    never collected the readers' cycles and grew by 27 MB a round of the sample documents.)"""
    return _PAUSED
