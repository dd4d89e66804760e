"""Checks on a .docx package before any XML parser sees it.

Refuses what is not a Word package (not a zip, a legacy or encrypted OLE file, no
word/document.xml), zip bombs (declared uncompressed sizes over the limits; zipfile never
inflates beyond the declared size) and XML parts with a DTD (entity expansion).
"""
from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from ..errors import PlanxError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PART = 256 * 2**20  # one XML part, uncompressed
MAX_TOTAL = 1024 * 2**20  # the whole package, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for parts over 1 MB
_ROOT = re.compile(rb"<\s*[A-Za-z_]")
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.I)


def _ole_cause(head: bytes, path: Path) -> str:
    data = path.read_bytes() if path.stat().st_size < 64 * 2**20 else head
    if "EncryptedPackage".encode("utf-16-le") in data:
        return "encrypted .docx (password-protected); save it without a password first"
    return "not a .docx (a legacy Word .doc / OLE compound file); save it as .docx first"


def _prolog_has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the part declares a DTD before its root element."""
    head = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(65536)
            if not chunk:
                return bool(_DTD.search(head))
            head += chunk
            root = _ROOT.search(head)
            if root:
                return bool(_DTD.search(head, 0, root.start()))


def check_package(path: Path) -> None:
    """Raise PlanxError unless ``path`` is a plausible, safe Word package."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(OLE_MAGIC):
        raise PlanxError(path, _ole_cause(head, path))
    if not head.startswith(b"PK"):
        raise PlanxError(path, "not a .docx (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names:
                raise PlanxError(path, "not a .docx (a zip without [Content_Types].xml)")
            if "word/document.xml" not in names:
                raise PlanxError(path, "corrupt .docx (missing word/document.xml)")
            total = 0
            for info in infos:
                total += info.file_size
                xml = info.filename.endswith((".xml", ".rels"))
                if xml and info.file_size > MAX_PART:
                    raise PlanxError(path, f"refused: {info.filename} uncompresses to "
                                           f"{info.file_size // 2**20} MB (zip bomb limit {MAX_PART // 2**20} MB)")
                if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                    raise PlanxError(path, f"refused: {info.filename} is a zip bomb "
                                           f"(compression ratio over {MAX_RATIO})")
            if total > MAX_TOTAL:
                raise PlanxError(path, f"refused: uncompressed size {total // 2**20} MB over the "
                                       f"{MAX_TOTAL // 2**20} MB limit (zip bomb?)")
            for info in infos:
                if info.filename.endswith((".xml", ".rels")) and _prolog_has_dtd(zf, info):
                    raise PlanxError(path, f"refused: {info.filename} declares a DTD (XML entity expansion)")
    except zipfile.BadZipFile as e:
        raise PlanxError(path, f"corrupt .docx (damaged zip: {e})") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as e:
        raise PlanxError(path, f"corrupt .docx (unreadable zip: {e})") from None
