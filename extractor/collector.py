"""The cyclic garbage collector paused while a document's objects live (see
:func:`collector_paused`): from its reading to its records, JSON and table rows."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block.  planx holds it over a document's whole life
    (``pipeline.extract``: read to records; a batch worker's ``jobs.run_job``: read to JSON and
    table rows) and, where they are called alone, over the txt reader's model, the components and
    a result's JSON form.  A document's objects (blocks, cells, sections, spans, records, the JSON
    dicts) are many, live until the document is done and make next to no reference cycles (none
    on the corpora): each pass of the collector walked them again, a pass costing more per object
    the larger the heap (16x seeds: 0.27 s of 2.6 s before the components were paused; 0.1 s for
    the three young passes after the read, the components and the JSON form).  Over the whole
    life, the objects go by reference counting before the collector resumes and no pass walks
    them (``extract``'s caller keeps the result: a pass walks that once); a PDF extracts 7-8 %
    faster (the reader's objects were walked by pass after pass while its pages were read).
    What waits meanwhile is the readers' and libraries' cyclic garbage, collected as ever by the
    automatic collections after the block: about 0.01 MB a PDF page and, for a .docx, about the
    size of its XML.  (Moving what the block made to the oldest generation untraversed, with a
    freeze and unfreeze, kept it out of the counts that start a full collection: a worker then
    never collected the readers' cycles and grew by 27 MB a round of the sample documents.)"""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
