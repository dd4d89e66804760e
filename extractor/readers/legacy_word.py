"""Read a legacy word-processor file — ``.doc`` (Word 97–2003) or ``.wps`` — through LibreOffice.

What is inside such a file is told by its first bytes, not its name:

- an OLE compound file: a Word binary document (``WordDocument`` stream; Kingsoft WPS Writer
  files are Word binaries with extensions of their own), or a Microsoft Works ``.wps``;
  converted to .docx by LibreOffice (:mod:`.soffice`) and read by the .docx reader.  An
  encrypted one (the FIB's fEncrypted/fObfuscated flags, or an ``EncryptedPackage`` stream)
  is refused with one line, before LibreOffice sees it;
- a zip package: a .docx saved under the old extension (WPS Office does this) — read as is;
- RTF (``{\\rtf``): converted by LibreOffice;
- an HTML page ("save as web page" under a .doc name): read by the HTML reader;
- anything else is not a word-processor document.

The Document keeps the source's path, format ("doc"/"wps") and sha256; its text and spans are
those of the converted .docx (paragraph lines and table rows as Word prints them).

A batch converts all its legacy files in one LibreOffice call (:func:`prepare_batch`) into a
private cache keyed by content hash, which each worker reads; a file met outside a batch is
converted on its own.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..errors import PlanxError
from ..model import Document
from .docx import read_docx
from .docx_safety import OLE_MAGIC
from .html import read_html
from .soffice import INSTALL_HINT, SofficeTimeout, convert_to_docx, find_soffice

SUFFIXES = (".doc", ".wps")
_FIB_ENCRYPTED = 0x0100
_FIB_OBFUSCATED = 0x8000


def _sniff(head: bytes) -> str:
    """What the first bytes say the file is: ole, zip, rtf, html or unknown."""
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"{\\rtf"):
        return "rtf"
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in start[:1024]:
        return "html"
    return "unknown"


def _check_ole(path: Path) -> None:
    """Refuse an encrypted or non-word-processor OLE file with one line."""
    import olefile

    try:
        ole = olefile.OleFileIO(str(path))
    except (OSError, ValueError, olefile.olefile.NotOleFileError) as e:
        raise PlanxError(path, f"corrupt {path.suffix.lower()} (damaged OLE container: {str(e)[:80]})") from None
    try:
        if ole.exists("EncryptedPackage"):
            raise PlanxError(path, "password-protected Word document; save it without a password first")
        if ole.exists("WordDocument"):
            fib = ole.openstream("WordDocument").read(12)
            if len(fib) < 12:
                raise PlanxError(path, f"corrupt {path.suffix.lower()} (truncated WordDocument stream)")
            flags = int.from_bytes(fib[10:12], "little")
            if flags & (_FIB_ENCRYPTED | _FIB_OBFUSCATED):
                raise PlanxError(path, f"password-protected {path.suffix.lower()}; save it without a password first")
        elif path.suffix.lower() == ".doc":
            raise PlanxError(path, "not a Word document (an OLE file without a WordDocument stream: "
                                   "another Office format?)")
    finally:
        ole.close()


def _cache_dir() -> Path:
    """The per-user folder of batch conversions (mode 700, owned by this user)."""
    d = Path(tempfile.gettempdir()) / f"planx-docx-{os.getuid()}"
    d.mkdir(mode=0o700, exist_ok=True)
    st = d.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise PlanxError(d, "conversion cache folder is not private to this user; remove it")
    return d


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _needs_soffice(path: Path) -> bool:
    with open(path, "rb") as fh:
        return _sniff(fh.read(2048)) in ("ole", "rtf", "unknown")


@dataclass
class Prepared:
    """Conversions made for a batch, removed by :meth:`cleanup`; and the files that failed."""

    files: list[Path] = field(default_factory=list)
    errors: dict[Path, str] = field(default_factory=dict)

    def cleanup(self) -> None:
        for f in self.files:
            f.unlink(missing_ok=True)


def prepare_batch(paths: Iterable[Path]) -> Prepared:
    """Convert every legacy word-processor file among ``paths`` in one LibreOffice call, into
    the cache the readers look in.  Problems are left for each file's own read to report."""
    prepared = Prepared()
    todo: dict[str, Path] = {}
    for p in paths:
        if p.suffix.lower() not in SUFFIXES:
            continue
        try:
            if _needs_soffice(p):
                todo.setdefault(_sha256(p), p)
        except OSError:
            continue
    soffice = find_soffice()
    if not todo or soffice is None:
        return prepared
    cache = _cache_dir()
    with tempfile.TemporaryDirectory(prefix="planx-batch-", dir=cache) as tmp:
        try:
            done = convert_to_docx(list(todo.values()), Path(tmp), soffice)
        except SofficeTimeout:
            return prepared  # each file is then converted on its own, with its own limit
        for sha, src in todo.items():
            if src in done:
                target = cache / f"{sha}.docx"
                os.replace(done[src], target)
                prepared.files.append(target)
    return prepared


def _convert_alone(path: Path, out_dir: Path) -> Path:
    soffice = find_soffice()
    if soffice is None:
        raise PlanxError(path, f"reading {path.suffix.lower()} needs LibreOffice, which is not installed: "
                               f"{INSTALL_HINT}")
    try:
        done = convert_to_docx([path], out_dir, soffice)
    except SofficeTimeout as e:
        raise PlanxError(path, f"{e} (converting it to .docx)") from None
    if path not in done:
        raise PlanxError(path, f"LibreOffice could not open it (corrupt, password-protected or not a "
                               f"{path.suffix.lower()} document)")
    return done[path]


def read_legacy_word(path: Path, doc_id: Optional[str] = None) -> Document:
    with open(path, "rb") as fh:
        kind = _sniff(fh.read(2048))
    fmt = path.suffix.lower().lstrip(".")
    if kind == "html":
        return _as_source(read_html(path, doc_id), path, fmt)
    if kind == "zip":
        return _as_source(read_docx(path, doc_id), path, fmt)
    if kind == "unknown":
        raise PlanxError(path, f"not a {path.suffix.lower()} document (no Word, WPS, RTF or HTML content)")
    if kind == "ole":
        _check_ole(path)
    cached = _cache_dir() / f"{_sha256(path)}.docx"
    if cached.is_file():
        return _read_converted(cached, path, doc_id, fmt)
    with tempfile.TemporaryDirectory(prefix="planx-one-", dir=_cache_dir()) as tmp:
        return _read_converted(_convert_alone(path, Path(tmp)), path, doc_id, fmt)


def _read_converted(docx: Path, path: Path, doc_id: Optional[str], fmt: str) -> Document:
    """The .docx LibreOffice made of ``path``, read as ``path``; errors name ``path``."""
    try:
        doc = read_docx(docx, doc_id or path.stem)
    except PlanxError as e:
        raise PlanxError(path, f"{e.cause} (in LibreOffice's .docx conversion)") from None
    return _as_source(doc, path, fmt)


def _as_source(doc: Document, path: Path, fmt: str) -> Document:
    """The document as read from ``path``: its name, format and hash, not the conversion's."""
    doc.source = str(path)
    doc.format = fmt
    doc.sha256 = _sha256(path)
    return doc

