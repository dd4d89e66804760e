"""The cyclic garbage collector paused while planx builds a document's objects (see
:func:`collector_paused`): the pipeline's components and a result's JSON form."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block: the pipeline's components, and a result's
    JSON form.  The components build many objects that live until the document is done
    (sections, tasks, spans, records) and next to no reference cycles (none on the corpora): the
    collector's passes walked that growing heap again and again, a tenth of a long document's
    time (16x seeds: 0.27 s of 2.6 s), growing faster than the document; the JSON form's dicts
    set off more full passes over it all (16x seeds: to_json 0.15-0.24 s, 0.08 s without).
    After, the collector resumes as ever: its next young collection walks what the block made
    once (linear), and collects the cyclic garbage of the readers and libraries.  (Moving what the
    block made to the oldest generation untraversed, with a freeze and unfreeze, kept it out of
    the counts that start a full collection: a worker then never collected the readers' cycles
    and grew by 27 MB a round of the sample documents.)"""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
