"""Checks on a PDF before PDFium or pdfminer inflate anything: decompression bombs and page counts.

A Flate stream inflates up to 1032 times its size (a chain of Flate filters multiplies that), and
both PDFium and pdfminer inflate a whole stream into memory: a 3 MB file can ask for 3 GB.  Every
stream whose compressed size could inflate past ``limits.toml: pdf.max_stream_mb`` is inflated
here in small steps, counting, and the file is refused as soon as one goes past.  Streams too small
to reach the bound are not touched, so an ordinary PDF costs a scan of its bytes.  Other filters
(LZW, run-length) and encrypted streams are left to the worker's memory limit.
"""
from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import PlanxError
from ..limits import MB, bound

_MAX_RATIO = 1032  # the most one Flate layer inflates
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_ENDSTREAM = re.compile(rb"endstream")
_DICT_LOOKBACK = (4096, 262144)  # bytes before "stream" searched for its object's start: usually, at most
_LENGTH = re.compile(rb"/Length\s+(\d{1,12})\b(?!\s+\d+\s+R)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_STEP = 1 << 20


def check_pages(path: Path, pages: int) -> None:
    limit = bound("pdf", "max_pages")
    if pages > limit:
        raise PlanxError(path, f"refused: {pages} pages, over the limit of {limit} pages (limits.toml pdf.max_pages)")


def check_streams(path: Path) -> None:
    """PlanxError when a Flate stream of the file inflates past the stream bound."""
    limit = bound("pdf", "max_stream_mb") * MB
    data = path.read_bytes()
    for start, raw, layers in _flate_streams(data):
        if len(raw) * _MAX_RATIO ** layers <= limit:
            continue
        if _inflated_size(raw, layers, limit) > limit:
            raise PlanxError(path, f"refused: a stream at byte {start} inflates to over {limit // MB} MB "
                                   "(decompression bomb? limits.toml pdf.max_stream_mb)")


def _flate_streams(data: bytes) -> Iterator[tuple[int, bytes, int]]:
    """(offset, raw bytes, number of leading Flate filters) of every stream filtered by Flate."""
    for m in _STREAM.finditer(data):
        for lookback in _DICT_LOOKBACK:  # a padded dictionary must not hide its /Filter
            head = data[max(0, m.start() - lookback):m.start()]
            opening = head.rfind(b"obj")
            if opening >= 0:
                head = head[opening:]
                break
        f = _FILTER.search(head)
        if f is None:
            continue
        names = _NAME.findall(f.group(1))
        layers = 0
        for name in names:
            if name not in (b"FlateDecode", b"Fl"):
                break
            layers += 1
        if not layers:
            continue
        start = m.end()
        length = _LENGTH.search(head)
        end = start + int(length.group(1)) if length else -1
        if not length or data[end:end + 30].lstrip()[:9] != b"endstream":
            e = _ENDSTREAM.search(data, start)
            end = e.start() if e else len(data)
        yield start, data[start:end], layers


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """One Flate layer over a stream of byte chunks, in steps of at most 1 MB out."""
    d = zlib.decompressobj()
    try:
        for chunk in chunks:
            while chunk:
                out = d.decompress(chunk, _STEP)
                chunk = d.unconsumed_tail
                if out:
                    yield out
                if d.eof:
                    return
    except zlib.error:
        return  # damaged data: as far as it goes


def _inflated_size(raw: bytes, layers: int, limit: int) -> int:
    """Bytes the stream inflates to through ``layers`` Flate filters, counted up to just past ``limit``."""
    chunks: Iterable[bytes] = (raw[i:i + _STEP] for i in range(0, len(raw), _STEP))
    for _ in range(layers):
        chunks = _inflate(chunks)
    total = 0
    for out in chunks:
        total += len(out)
        if total > limit:
            break
    return total
