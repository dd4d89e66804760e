"""A zip file written one member at a time, each deflated as it streams in.

The batch workbook is a zip of a few hundred megabytes of sheet XML, written at the end of a
batch while nothing else runs: deflating it was most of that time with zlib.  Members here are
deflated by ISA-L (``isal``, its level 2: about four times as fast as zlib's level 1, and a
little smaller; it runs without the GIL) when it is installed, else by zlib (level 1).  The
layout is the one ``zipfile`` writes with ``force_zip64=True``: each local header carries ZIP64
sizes (so a member may pass 4 GiB), patched once the member ends; the central directory uses
ZIP64 fields only where a value needs them.
Every member is dated 1980-01-01 00:00 (as ``zipfile`` dates a member opened by name), so the
same members make the same file.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO, Optional


def deflater() -> tuple[ModuleType, int]:
    """The zlib-compatible module that deflates and its fast level (``isal.isal_zlib`` when
    installed, else ``zlib``)."""
    try:
        from isal import isal_zlib
        return isal_zlib, 2
    except ImportError:  # a platform without isal's wheels: the same members, deflated slower
        return zlib, 1


_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header, name and extra after it
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # central directory header
_ZIP64_SIZES = struct.Struct("<2H2Q")  # the local header's ZIP64 extra: uncompressed, compressed size
_END64 = struct.Struct("<4sQ2H2L4Q")  # ZIP64 end of central directory record
_LOCATOR64 = struct.Struct("<4sLQL")
_END = struct.Struct("<4s4H2LH")
_MAX32, _MAX16 = 0xFFFFFFFF, 0xFFFF  # a field's value when the ZIP64 record holds it
_FITS32, _FITS16 = _MAX32, _MAX16  # values from these on go to the ZIP64 records
_VERSION = 45  # ZIP64
_DEFLATED = 8
_UTF8_NAME = 0x800
_STAMP = (0, (1 << 5) | 1)  # DOS time and date: 00:00:00, 1980-01-01


class _Member:
    """A member written: where its header is, its name and what it holds."""

    def __init__(self, name: str, offset: int):
        self.name, self.offset = name, offset
        self.crc = self.size = self.compressed = 0


class ZipStream:
    """A new zip file at ``path``: :meth:`open` a member, :meth:`write` its bytes any number of
    times, :meth:`close` it; :meth:`writestr` for a small member; :meth:`finish` writes the
    central directory and closes the file (:meth:`abandon` closes it unfinished)."""

    def __init__(self, path: Path | str):
        self.z, self.level = deflater()
        self.file: BinaryIO = open(path, "wb")
        self.members: list[_Member] = []
        self.member: Optional[_Member] = None
        self.compressor: Any = None  # the open member's (a zlib-like compressobj)

    def open(self, name: str) -> None:
        if self.member is not None:
            raise ValueError(f"zip: {self.member.name} is still open")
        self.member = m = _Member(name, self.file.tell())
        self.file.write(self._local_header(m))
        self.compressor = self.z.compressobj(self.level, self.z.DEFLATED, -15)

    def write(self, data: bytes) -> None:
        m = self.member
        if m is None:
            raise ValueError("zip: no member open")
        m.crc = self.z.crc32(data, m.crc)
        m.size += len(data)
        out = self.compressor.compress(data)
        m.compressed += len(out)
        self.file.write(out)

    def close(self) -> None:
        """End the open member: the rest of its deflated bytes, then its header's CRC and sizes."""
        m = self.member
        if m is None:
            raise ValueError("zip: no member open")
        out = self.compressor.flush()
        m.compressed += len(out)
        self.file.write(out)
        end = self.file.tell()
        self.file.seek(m.offset)
        self.file.write(self._local_header(m))
        self.file.seek(end)
        self.members.append(m)
        self.member = self.compressor = None

    def writestr(self, name: str, data: bytes) -> None:
        self.open(name)
        self.write(data)
        self.close()

    def finish(self) -> None:
        """Write the central directory (ZIP64 records where the counts or offsets need them) and close."""
        if self.member is not None:
            raise ValueError(f"zip: {self.member.name} is still open")
        start = self.file.tell()
        for m in self.members:
            self.file.write(self._central_header(m))
        end = self.file.tell()
        count, size = len(self.members), end - start
        if count >= _FITS16 or start >= _FITS32 or size >= _FITS32:
            self.file.write(_END64.pack(b"PK\x06\x06", _END64.size - 12, _VERSION, _VERSION, 0, 0,
                                        count, count, size, start))
            self.file.write(_LOCATOR64.pack(b"PK\x06\x07", 0, end, 1))
            count = count if count < _FITS16 else _MAX16
            size, start = (v if v < _FITS32 else _MAX32 for v in (size, start))
        self.file.write(_END.pack(b"PK\x05\x06", 0, 0, count, count, size, start, 0))
        self.file.close()

    def abandon(self) -> None:
        """Close the file as it is (the caller removes it)."""
        self.file.close()

    @staticmethod
    def _flags(name: bytes) -> int:
        return 0 if name.isascii() else _UTF8_NAME

    def _local_header(self, m: _Member) -> bytes:
        name = m.name.encode("utf-8")
        extra = _ZIP64_SIZES.pack(1, 16, m.size, m.compressed)
        return _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, self._flags(name), _DEFLATED, *_STAMP, m.crc,
                           _MAX32, _MAX32, len(name), len(extra)) + name + extra

    def _central_header(self, m: _Member) -> bytes:
        name = m.name.encode("utf-8")
        big = [v for v in (m.size, m.compressed, m.offset) if v >= _FITS32]  # in this order, as the format says
        extra = struct.pack(f"<2H{len(big)}Q", 1, 8 * len(big), *big) if big else b""
        size, compressed, offset = (_MAX32 if v >= _FITS32 else v for v in (m.size, m.compressed, m.offset))
        return _CENTRAL.pack(b"PK\x01\x02", _VERSION, 3, _VERSION, 0, self._flags(name), _DEFLATED, *_STAMP,
                             m.crc, compressed, size, len(name), len(extra), 0, 0, 0, 0o600 << 16,
                             offset) + name + extra
